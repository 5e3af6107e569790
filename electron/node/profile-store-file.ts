// The profile store's file: where it lives, reading it (a broken file is moved aside, a newer one
// left alone), and writing it whole and atomically, sealed or plain, with locked records and unknown
// top-level keys kept as read. What the store does with the profiles is profile-store.ts.
import fs from 'node:fs';
import path from 'node:path';
import * as profileFile from '../../shared/profile/profile-file';
import { moveFileAside, writeFileAtomic } from './atomic-file';
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

/** Why the file could not be read or written: `problems` are `field: message` lines (corrupt),
 * `movedTo` is where a bad file went, `names` the profiles that could not be encrypted. */
export interface ProfileFileError {
  code: 'corrupt' | 'newer-version' | 'unreadable' | 'encrypt-failed' | 'io';
  message: string;
  problems?: string[];
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
}

/**
 * The JSON file `{ version, profiles }` behind a ProfileStore. Sealed records it cannot decrypt
 * become locked entries and are written back exactly as read; every failure is logged once here.
 */
export class ProfileStoreFile {
  private readonly warned = new Set<string>();
  private readonly backend: ProfileFileBackend;

  constructor(private readonly deps: ProfileFileDeps) {
    this.backend = deps.backend ?? profileFileBackend(deps.path);
  }

  /** Reads the file: missing is empty, broken is moved aside, newer is left alone (writes refused). */
  read(): ProfileFileResult<ProfileFileContents> {
    const { path: file, sealer, logger } = this.deps;
    let text: string;
    try {
      const bytes = this.backend.read();
      if (bytes.length > MAX_PROFILE_FILE_BYTES) {
        const limit = `${String(MAX_PROFILE_FILE_BYTES / 1024 / 1024)} MB`;
        return this.moveAside(`is larger than ${limit} (${String(bytes.length)} bytes)`, []);
      }
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return empty();
      if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return this.moveAside('is not UTF-8', []);
      return this.warn(fail('unreadable', `cannot read ${file}: ${errorMessage(error)}`));
    }
    const json = parseJsonText(text);
    if (!json.ok) return this.moveAside('is not valid JSON', [json.error]);
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
    if (!read.ok) return this.moveAside('is not a profile file', read.errors);
    // A record that is not valid is kept as it was read, like one sealed with a key we lack.
    const entries = read.records.map((r, i) =>
      r.ok ? entryOf(r.value, r.source, sealer) : invalidEntry(r.source, i, r.errors),
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

  private moveAside(what: string, problems: string[]): FileFailure {
    const report =
      problems.length === 0
        ? `${this.deps.path} ${what}.`
        : [`${this.deps.path} ${what}:`, ...problems].join('\n  ');
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
