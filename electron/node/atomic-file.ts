import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What the written file gets: its mode (default 0600) and, when root writes a user's file, its owner. */
export interface AtomicWriteOptions {
  mode?: number;
  owner?: { uid: number; gid: number } | undefined;
}

/**
 * Writes a file so readers see the old bytes or the new, never half: a temp file in the same
 * folder, fsync, rename over the target (https://lwn.net/Articles/457667/). The folder must exist.
 * The temp file is 0600 until it is complete, then gets `mode` (and `owner`) before the rename.
 */
export function writeFileAtomic(
  file: string,
  text: string,
  options: AtomicWriteOptions = {},
): void {
  const folder = path.dirname(file);
  const temp = path.join(folder, `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode: 0o600, flag: 'wx', flush: true }); // flush = fsync
    fs.chmodSync(temp, options.mode ?? 0o600); // exactly this mode whatever the umask
    if (options.owner) fs.chownSync(temp, options.owner.uid, options.owner.gid);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Moves a file that failed to parse to `<file>.corrupt-<UTC time>` (never wiping it, never
 * replacing an earlier one) and returns where it went; throws when it cannot be moved.
 */
export function moveFileAside(file: string, now: Date): string {
  // YYYYMMDD-HHMMSS in UTC, so the name doesn't depend on the machine's time zone
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return moveWithoutOverwrite(file, `${file}.corrupt-${stamp}`);
}

/** Moves `from` to `base` (or `base-1`, `base-2`, ...) without ever replacing an existing file. */
function moveWithoutOverwrite(from: string, base: string): string {
  for (let n = 0; n < 1000; n += 1) {
    const to = n === 0 ? base : `${base}-${String(n)}`;
    try {
      fs.linkSync(from, to); // fails if `to` exists, unlike rename
    } catch (error) {
      if (errorCode(error) === 'EEXIST' || fs.existsSync(to)) continue;
      fs.renameSync(from, to); // no hard links on this file system (FAT, some shares)
      return to;
    }
    fs.unlinkSync(from);
    return to;
  }
  throw new Error(`too many files named ${base}-*`);
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string'
    ? error.code
    : undefined;
}
