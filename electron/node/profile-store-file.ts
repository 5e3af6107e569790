// The profile store's file: where it lives, reading it (a broken file is moved aside, a newer one
// left alone), and writing it whole and atomically, sealed or plain, with locked records and unknown
// top-level keys kept as read. What the store does with the profiles is profile-store.ts.
import fs from 'node:fs';
import path from 'node:path';
import { problemLine, type FieldProblem } from '../../shared/field-problems';
import * as profileFile from '../../shared/profile/profile-file';
import { moveFileAside, writeFileAtomic } from './atomic-file';
import { lockFileSync, type LockFile } from './file-lock';
import { parseJsonText } from './json-text';
import type { Logger } from './logger';
import {
  differsFromMode,
  entryOf,
  invalidEntry,
  recordsOf,
  type SequenceSealer,
  type StoredEntry,
} from './profile-sealing';
import { errorMessage, isRecord } from '../../shared/basics';

const VERSION = profileFile.PROFILE_FILE_VERSION;

/** The largest profile file read, in bytes: thousands of profiles. A bigger file is not one Sesame
 * wrote, and parsing it on every view would keep the app's main thread busy for seconds. */
export const MAX_PROFILE_FILE_BYTES = 4 * 1024 * 1024;
type Env = Readonly<Record<string, string | undefined>>;

/** Where profiles live: Electron's userData folder for "Sesame" (pure, so every platform is testable). */
export function profileStorePath(env: Env, platform: string, homedir: string): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  const folder = env.SESAME_CONFIG_DIR
    ? env.SESAME_CONFIG_DIR
    : platform === 'win32'
      ? p.join(env.APPDATA || p.join(homedir, 'AppData', 'Roaming'), 'Sesame')
      : platform === 'darwin'
        ? p.join(homedir, 'Library', 'Application Support', 'Sesame')
        : p.join(env.XDG_CONFIG_HOME || p.join(homedir, '.config'), 'Sesame');
  return p.join(folder, 'profiles.json');
}

/** Why the file could not be read or written: `problems` name the bad fields (corrupt),
 * `movedTo` is where a bad file went, `names` the profiles that could not be encrypted. */
export interface ProfileFileError {
  code: 'corrupt' | 'newer-version' | 'unreadable' | 'encrypt-failed' | 'io' | 'busy';
  message: string;
  problems?: FieldProblem[];
  movedTo?: string;
  names?: string[];
}

/** A read or write of the file: expected failures are values. */
export type ProfileFileResult<T> = { ok: true; value: T } | FileFailure;
type FileFailure = { ok: false; error: ProfileFileError };

/** What the file holds for the store: its entries, the top-level keys that are not the store's
 * (electron-store's), kept to be written back, and a notice when it was in an older format. */
export interface ProfileFileContents {
  entries: StoredEntry[];
  extras: Record<string, unknown>;
  notice?: string;
}

/** Where the store's file is read and written; the app passes one that goes through electron-store. */
export interface ProfileFileBackend {
  /** The file's bytes; throws an error with `code: 'ENOENT'` when there is no file yet. */
  read(): Uint8Array;
  /** Replaces the whole file with `data` (never half-written). */
  write(data: Record<string, unknown>): void;
}

/** The default backend: the file at `file`, written atomically 0600 as 2-space JSON, folder 0700. */
export function profileFileBackend(file: string): ProfileFileBackend {
  return {
    read: () => fs.readFileSync(file),
    write: (data) => {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileAtomic(file, `${JSON.stringify(data, null, 2)}\n`);
    },
  };
}

/** What the file needs from outside, so tests pass a temp path, a fixed clock and a log sink. The
 * app adds `sealer` (safeStorage), `sealWrites` (its "Encrypt sequences" setting) and `backend`;
 * the plain CLI passes none of them, and then reads and writes plain profiles only. */
export interface ProfileFileDeps {
  /** The file; also where a file that fails to parse is moved aside from. */
  path: string;
  now: () => Date;
  logger: Logger;
  /** Decrypts sealed records on read, and encrypts on write while `sealWrites()` is true. */
  sealer?: SequenceSealer;
  /** Asked at each write: true seals every readable profile (needs `sealer`), false writes plain. */
  sealWrites?: () => boolean;
  /** Reads and writes the file; defaults to `profileFileBackend(path)`. */
  backend?: ProfileFileBackend;
  /** Takes the lock every change holds from its read to its write; defaults to `lockFileSync`
   * (`<path>.lock`, shared with every other Sesame process). */
  lock?: LockFile;
}

/**
 * The JSON file `{ version, profiles }` behind a ProfileStore. Sealed records it cannot decrypt
 * become locked entries and are written back exactly as read; every failure is logged once here.
 */
export class ProfileStoreFile {
  private readonly warned = new Set<string>();
  private readonly backend: ProfileFileBackend;
  private holding = false;

  constructor(private readonly deps: ProfileFileDeps) {
    this.backend = deps.backend ?? profileFileBackend(deps.path);
  }

  /**
   * Runs `work` holding the file's lock, so no other process (the CLI, the app) changes the file
   * between the read and the write `work` makes. Reentrant; a lock kept by another process for the
   * whole wait is a `busy` failure, and nothing is done.
   */
  exclusive<R>(work: () => R): R | FileFailure {
    if (this.holding) return work();
    const file = this.deps.path;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (error) {
      return this.warn(fail('io', `cannot create the folder of ${file}: ${errorMessage(error)}`));
    }
    const lock = (this.deps.lock ?? lockFileSync)(file);
    if (!lock.ok) return this.warn(fail(lock.held ? 'busy' : 'io', lock.error));
    this.holding = true;
    try {
      return work();
    } finally {
      this.holding = false;
      lock.release();
    }
  }

  /** Reads the file: missing is empty, broken is moved aside, newer is left alone (writes refused). */
  read(): ProfileFileResult<ProfileFileContents> {
    const { path: file, sealer, logger } = this.deps;
    let bytes: Uint8Array;
    try {
      bytes = this.backend.read();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return empty();
      return this.warn(fail('unreadable', `cannot read ${file}: ${errorMessage(error)}`));
    }
    if (bytes.length > MAX_PROFILE_FILE_BYTES) {
      const limit = `${String(MAX_PROFILE_FILE_BYTES / 1024 / 1024)} MB`;
      return this.moveAside(bytes, `is larger than ${limit} (${String(bytes.length)} bytes)`, []);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return this.moveAside(bytes, 'is not UTF-8', []);
    }
    const json = parseJsonText(text);
    if (!json.ok)
      return this.moveAside(bytes, 'is not valid JSON', [{ field: '', message: json.error }]);
    const data = json.value;
    // `{}` is what electron-store writes for a store with nothing in it yet (the app's watcher
    // creates it on first start): an empty profile file, not a broken one.
    if (isRecord(data) && Object.keys(data).length === 0) return empty();
    if (isRecord(data) && typeof data.version === 'number' && data.version > VERSION) {
      const message =
        `${file} was written by a newer Sesame (file version ${String(data.version)}; this one ` +
        `reads up to ${String(VERSION)}). It is left as it is and will not be changed: update Sesame.`;
      return this.warn(fail('newer-version', message));
    }
    const read = profileFile.readProfileFile(data);
    if (!read.ok) return this.moveAside(bytes, 'is not a profile file', read.problems);
    // A record that is not valid is kept as it was read, like one sealed with a key we lack.
    const entries = read.records.map((r, i) =>
      r.ok
        ? entryOf(r.value, r.source, sealer)
        : invalidEntry(r.source, i, r.problems.map(problemLine)),
    );
    for (const e of entries) {
      if (e.kind !== 'locked') continue;
      const line = `profile "${e.locked.name}": ${e.locked.reason}`;
      if (e.locked.cause !== 'no-sealer' && !this.warned.has(line)) logger.warn(line);
      this.warned.add(line); // once per store: the app reloads on every change and every view
    }
    const pairs = isRecord(data) ? Object.entries(data) : [];
    const extras = Object.fromEntries(pairs.filter(([k]) => k !== 'version' && k !== 'profiles'));
    if (read.migratedFrom === undefined) return { ok: true, value: { entries, extras } };
    const notice =
      `${file} was in the version ${String(read.migratedFrom)} format; it was read and will ` +
      `be rewritten as version ${String(VERSION)} on the next change.`;
    logger.info(notice);
    return { ok: true, value: { entries, extras, notice } };
  }

  /** Replaces the file with `entries` in the current mode (sealed or plain) and `extras`; returns
   * the entries as written (with their new sealed records). */
  write(
    entries: readonly StoredEntry[],
    extras: Record<string, unknown>,
  ): ProfileFileResult<StoredEntry[]> {
    const sealer = this.writeSealer();
    const written = recordsOf(entries, sealer);
    if (!written.ok) {
      const why = `cannot encrypt the sequences of profile "${written.name}" with ${sealer?.backend ?? '?'}: ${written.error}; nothing was written`;
      return this.warn(fail('encrypt-failed', why, { names: [written.name] }));
    }
    const data = { version: VERSION, profiles: written.records, ...extras };
    try {
      this.backend.write(data);
    } catch (error) {
      return this.warn(fail('io', `cannot write ${this.deps.path}: ${errorMessage(error)}`));
    }
    return { ok: true, value: written.entries };
  }

  /** Whether writing `entries` now would seal or unseal a readable profile's record. */
  wouldReseal(entries: readonly StoredEntry[]): boolean {
    return differsFromMode(entries, this.writeSealer());
  }

  private writeSealer(): SequenceSealer | undefined {
    const { sealer, sealWrites } = this.deps;
    return sealer && sealWrites?.() === true ? sealer : undefined;
  }

  private warn(failure: FileFailure): FileFailure {
    this.deps.logger.warn(failure.error.message);
    return failure;
  }

  /**
   * Moves the file that held `bytes` aside, holding the lock: if another process replaced the file
   * since it was read (its write is atomic), the new file is read instead and nothing is moved.
   */
  private moveAside(
    bytes: Uint8Array,
    what: string,
    problems: FieldProblem[],
  ): ProfileFileResult<ProfileFileContents> {
    if (this.holding) return this.moveAsideNow(what, problems);
    return this.exclusive(() => {
      let now: Uint8Array | undefined;
      try {
        now = this.backend.read();
      } catch {
        now = undefined; // gone or unreadable: read() below says which
      }
      const same = now !== undefined && Buffer.from(now).equals(Buffer.from(bytes));
      return same ? this.moveAsideNow(what, problems) : this.read();
    });
  }

  private moveAsideNow(what: string, problems: FieldProblem[]): FileFailure {
    const report =
      problems.length === 0
        ? `${this.deps.path} ${what}.`
        : [`${this.deps.path} ${what}:`, ...problems.map(problemLine)].join('\n  ');
    let movedTo: string;
    try {
      movedTo = moveFileAside(this.deps.path, this.deps.now());
    } catch (error) {
      const why = `${report}\nIt could not be moved aside: ${errorMessage(error)}`;
      return this.warn(fail('unreadable', why));
    }
    const message = `${report}\nIt was moved to ${movedTo} (kept for you to repair and import); Sesame starts with no profiles.`;
    return this.warn(fail('corrupt', message, { problems, movedTo }));
  }
}

const empty = (): ProfileFileResult<ProfileFileContents> => ({
  ok: true,
  value: { entries: [], extras: {} },
});

function fail(
  code: ProfileFileError['code'],
  message: string,
  more: Partial<ProfileFileError> = {},
): FileFailure {
  return { ok: false, error: { ...more, code, message } };
}

function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}
