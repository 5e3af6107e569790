// A lock on a file shared by processes (the `sesame` CLI and the app), so that a read-modify-write
// of the file is never interleaved with another one. The lock is the folder `<file>.lock` (mkdir is
// atomic on every platform and file system), taken over when its time stamp is older than `staleMs`,
// so a process that crashed while holding it blocks the others for that long at most: the scheme of
// proper-lockfile, which was used first and dropped because loading it hooks the whole process
// (signal-exit replaces process.emit, graceful-fs patches fs), and in the bundled CLI that made
// `sesame knock --tcp-flags` exit 0 having sent nothing. Holds are synchronous and milliseconds long,
// so no refresh timer is needed. Waits are short sleeps (Atomics.wait blocks without spinning).
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { errorMessage, isRecord } from '../../shared/basics';

/** How long to wait for a lock, and when a lock counts as left behind by a crashed process. */
export interface FileLockTiming {
  /** A lock untouched for this long is taken over (its holder died). */
  staleMs: number;
  /** How long to wait for a lock another process holds before giving up. */
  waitMs: number;
}

/** The store's lock: held for milliseconds, so 10 s untouched means its holder died. */
export const PROFILE_LOCK_TIMING: FileLockTiming = { staleMs: 10_000, waitMs: 15_000 };

/** A lock taken (with the function that releases it), or why not: `held` when another process
 * kept it for the whole wait, else the lock could not be made (a read-only folder, say). */
export type LockResult =
  { ok: true; release: () => void } | { ok: false; error: string; held: boolean };

/** Takes a file's lock (its folder must exist); the store is given one, tests pass fakes. */
export type LockFile = (file: string) => LockResult;

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Sleeps the thread for `ms` (no event loop turn: the caller is synchronous). */
function sleep(ms: number): void {
  try {
    Atomics.wait(pause, 0, 0, ms);
  } catch {
    // A thread where Atomics.wait is not allowed: spin instead (the waits are milliseconds).
    const end = Date.now() + ms;
    while (Date.now() < end);
  }
}

/**
 * Takes `<file>.lock` (the file's folder must exist), waiting up to `timing.waitMs` while another
 * process holds it, with short randomized sleeps. A lock older than `timing.staleMs` is taken over.
 */
export function lockFileSync(
  file: string,
  timing: FileLockTiming = PROFILE_LOCK_TIMING,
): LockResult {
  const deadline = Date.now() + timing.waitMs;
  for (let attempt = 0; ; attempt += 1) {
    const lockDir = `${file}.lock`;
    let release: () => void;
    try {
      mkdirSync(lockDir);
      const made = statSync(lockDir).mtimeMs;
      release = () => {
        // A lock taken over as stale is another process's now: leave it.
        if (statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs === made) rmdirSync(lockDir);
      };
    } catch (error) {
      if (!isRecord(error) || error.code !== 'EEXIST')
        return { ok: false, error: `cannot lock ${file}: ${errorMessage(error)}`, held: false };
      if (takeOverStale(lockDir, timing.staleMs)) continue;
      if (Date.now() >= deadline) {
        const { waitMs } = timing;
        const waited = waitMs < 1000 ? `${String(waitMs)} ms` : `${String(waitMs / 1000)} s`;
        const error = `${file} is being changed by another Sesame: its lock ${file}.lock was still held after ${waited}, so nothing was changed; try again`;
        return { ok: false, error, held: true };
      }
      sleep(Math.min(2 ** attempt, 50) * (0.5 + Math.random()));
      continue;
    }
    return { ok: true, release: releaser(release) };
  }
}

/** Removes a lock left by a process that died holding it; true when it was (or is now) gone. */
function takeOverStale(lockDir: string, staleMs: number): boolean {
  try {
    const age = Date.now() - statSync(lockDir).mtimeMs;
    if (age < staleMs) return false;
    rmdirSync(lockDir);
    return true;
  } catch (error) {
    // Gone in between (released, or another process took it over first): try again at once.
    return isRecord(error) && error.code === 'ENOENT';
  }
}

/** Releases once; a lock already gone (taken over as stale) is not an error worth failing for. */
function releaser(release: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    try {
      release();
    } catch {
      // already gone: another process took the lock over as stale; it is not ours to remove
    }
  };
}
