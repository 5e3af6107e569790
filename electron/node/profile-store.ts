import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { prefixProblems, problemLine, type FieldProblem } from '../../shared/field-problems';
import { parseProfile, type Profile, type ProfileInput } from '../../shared/profile/profile';
import * as profileFile from '../../shared/profile/profile-file';
import { moveFileAside, writeFileAtomic } from './atomic-file';
import { parseJsonText } from './json-text';
import type { Logger } from './logger';
import {
  differsFromMode,
  entryOf,
  findByName,
  findEntry,
  lockedMessage,
  readable,
  recordsOf,
  sameName,
  summary,
  type LockedProfile,
  type SequenceSealer,
  type StoredEntry,
} from './profile-sealing';
import { errorMessage, isRecord } from '../../shared/basics';

const VERSION = profileFile.PROFILE_FILE_VERSION;
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

/** Why the store refused: `message` is for the user; `problems` name the bad fields (corrupt,
 * invalid), `movedTo` is where a bad file went, `names` the existing profiles in the way (name-taken)
 * or the profiles that cannot be decrypted here (locked). */
export interface StoreError {
  code:
    | 'corrupt'
    | 'newer-version'
    | 'unreadable'
    | 'invalid'
    | 'not-found'
    | 'name-taken'
    | 'locked'
    | 'encrypt-failed'
    | 'io';
  message: string;
  problems?: FieldProblem[];
  movedTo?: string;
  names?: string[];
}

/** A store operation's outcome: expected failures are values. */
export type StoreResult<T> = { ok: true; value: T } | Failure;
type Failure = { ok: false; error: StoreError };

/** What `load()` found; `notice` says the file was migrated from an older format. `profiles` are the
 * readable ones; `locked()` lists those whose sequences cannot be decrypted here. */
export type LoadResult = { ok: true; profiles: readonly Profile[]; notice?: string } | Failure;

type Removable<T> = { [K in keyof T]?: T[K] | undefined };

/** Changes for `update`: only the keys given change; `undefined` removes an optional field. */
export type ProfileChanges = Removable<Omit<ProfileInput, 'id' | 'ssh'>> & {
  ssh?: Removable<NonNullable<ProfileInput['ssh']>>;
};

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

/** What the store needs from outside, so tests pass a temp path, a fixed clock and a log sink. The
 * app adds `sealer` (safeStorage), `sealWrites` (its "Encrypt sequences" setting) and `backend`;
 * the plain CLI passes none of them, and then reads and writes plain profiles only. */
export interface ProfileStoreDeps {
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
 * The profiles on disk, shared by the desktop app and the CLI: JSON `{ version, profiles }`.
 * Every change re-reads the file first (the app and the CLI may both write) and is written atomically.
 * Sealed profiles this store cannot decrypt are "locked": never lost, written back exactly as read.
 * A profile is sealed or unsealed only when the file is next written (any change, or `resave()`).
 */
export class ProfileStore {
  readonly path: string;
  private entries: StoredEntry[] = [];
  private extras: Record<string, unknown> = {}; // unknown top-level keys (electron-store's), kept
  private migrated = false;
  private readonly warned = new Set<string>();
  private readonly backend: ProfileFileBackend;

  constructor(private readonly deps: ProfileStoreDeps) {
    this.path = deps.path;
    this.backend = deps.backend ?? profileFileBackend(deps.path);
  }

  /** Reads the file: missing is empty, broken is moved aside, newer is left alone (writes refused). */
  load(): LoadResult {
    this.entries = [];
    this.extras = {};
    this.migrated = false;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(this.backend.read());
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return { ok: true, profiles: [] };
      if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return this.moveAside('is not UTF-8', []);
      return this.warn(fail('unreadable', `cannot read ${this.path}: ${errorMessage(error)}`));
    }
    const json = parseJsonText(text);
    if (!json.ok) return this.moveAside('is not valid JSON', [{ field: '', message: json.error }]);
    const data = json.value;
    // `{}` is what electron-store writes for a store with nothing in it yet (the app's watcher
    // creates it on first start): an empty profile file, not a broken one.
    if (isRecord(data) && Object.keys(data).length === 0) return { ok: true, profiles: [] };
    if (isRecord(data) && typeof data.version === 'number' && data.version > VERSION) {
      const message =
        `${this.path} was written by a newer Sesame (file version ${String(data.version)}; this one ` +
        `reads up to ${String(VERSION)}). It is left as it is and will not be changed: update Sesame.`;
      return this.warn(fail('newer-version', message));
    }
    const file = profileFile.readProfileFile(data);
    if (!file.ok) return this.moveAside('is not a valid profile file', file.problems);
    const { sealer } = this.deps;
    this.entries = file.value.profiles.map((r, i) => entryOf(r, file.sources[i], sealer));
    for (const p of this.locked()) {
      const line = `profile "${p.name}": ${p.reason}`;
      if (p.cause !== 'no-sealer' && !this.warned.has(line)) this.deps.logger.warn(line);
      this.warned.add(line); // once per store: the app reloads on every change and every view
    }
    const extras = isRecord(data) ? Object.entries(data) : [];
    this.extras = Object.fromEntries(extras.filter(([k]) => k !== 'version' && k !== 'profiles'));
    if (file.migratedFrom === undefined) return { ok: true, profiles: this.list() };
    this.migrated = true;
    const notice =
      `${this.path} was in the version ${String(file.migratedFrom)} format; it was read and will ` +
      `be rewritten as version ${String(VERSION)} on the next change.`;
    this.deps.logger.info(notice);
    return { ok: true, profiles: this.list(), notice };
  }

  /** The readable profiles as last loaded or written (locked ones are in `locked()`). */
  list(): readonly Profile[] {
    return this.entries.flatMap((e) => (e.kind === 'readable' ? [e.profile] : []));
  }

  /** The profiles whose sequences are sealed and cannot be decrypted here, as last loaded. */
  locked(): readonly LockedProfile[] {
    return this.entries.flatMap((e) => (e.kind === 'locked' ? [e.locked] : []));
  }

  /** Finds a readable profile by name (any case) or by exact id. */
  get(nameOrId: string): Profile | undefined {
    const entry = findEntry(this.entries, nameOrId);
    return entry?.kind === 'readable' ? entry.profile : undefined;
  }

  /** Like `get`, but says why there is none: `not-found`, or `locked` with what to do. */
  find(nameOrId: string): StoreResult<Profile> {
    const entry = findEntry(this.entries, nameOrId);
    if (!entry) return notFound(nameOrId);
    return entry.kind === 'readable' ? { ok: true, value: entry.profile } : lockedOut([entry]);
  }

  /** Whether the last loaded file differs from what a write would make of it now (a profile that
   * would be sealed or unsealed, or an older format): the app may then call `resave()`. */
  needsResave(): boolean {
    return this.migrated || differsFromMode(this.entries, this.writeSealer());
  }

  /** Validates and saves a new profile with a fresh id. */
  add(profile: Omit<ProfileInput, 'id'>): StoreResult<Profile> {
    const parsed = parseProfile(withoutUndefined({ ...profile, id: randomUUID() }));
    if (!parsed.ok) return invalid(parsed.problems);
    const added = parsed.value;
    return this.change((entries) => {
      const clash = findByName(entries, added.name);
      return clash ? nameTaken([clash]) : done([...entries, readable(added)], added);
    });
  }

  /** Changes some fields of one profile (`ssh` fields merge into the existing ones). */
  update(nameOrId: string, changes: ProfileChanges): StoreResult<Profile> {
    return this.change((entries) => {
      const entry = findEntry(entries, nameOrId);
      if (!entry) return notFound(nameOrId);
      if (entry.kind === 'locked') return lockedOut([entry]);
      const target = entry.profile;
      const { ssh, ...rest } = changes;
      const merged = { ...target, ...rest, id: target.id, ssh: { ...target.ssh, ...ssh } };
      const parsed = parseProfile(withoutUndefined(merged));
      if (!parsed.ok) return invalid(parsed.problems);
      const clash = findByName(entries, parsed.value.name);
      if (clash && clash !== entry) return nameTaken([clash]);
      const next = entries.map((e) => (e === entry ? readable(parsed.value) : e));
      return done(next, parsed.value);
    });
  }

  /** Deletes one profile, readable or locked, and returns it. */
  remove(nameOrId: string): StoreResult<Profile | LockedProfile> {
    return this.change((entries) => {
      const entry = findEntry(entries, nameOrId);
      if (!entry) return notFound(nameOrId);
      return done(
        entries.filter((e) => e !== entry),
        summary(entry),
      );
    });
  }

  /**
   * Adds many profiles all or nothing, each validated like `add` (a missing id is generated).
   * Profiles already there with the same name or id are refused, or replaced with `replace`; a
   * locked one is never replaced (`locked`), as its sequences could not be checked or kept.
   */
  importMany(
    items: readonly unknown[],
    options: { replace?: boolean; dryRun?: boolean } = {},
  ): StoreResult<{ imported: Profile[]; replaced: Profile[] }> {
    const problems: FieldProblem[] = [];
    const lines: string[] = []; // the problems for people: each names its profile
    const incoming: Profile[] = [];
    for (const [i, item] of items.entries()) {
      const at = `profiles[${String(i)}]`;
      const named = isRecord(item) && typeof item.name === 'string';
      const label = `${at}${named ? ` ${JSON.stringify(item.name)}` : ''}`;
      if (isRecord(item) && 'sealed' in item) {
        problems.push({ field: at, message: SEALED_IMPORT });
        lines.push(`${label}: ${SEALED_IMPORT}`);
        continue;
      }
      const withId = isRecord(item) && !('id' in item) ? { ...item, id: randomUUID() } : item;
      const parsed = parseProfile(withId);
      if (parsed.ok) incoming.push(parsed.value);
      else {
        problems.push(...prefixProblems(at, parsed.problems));
        lines.push(...parsed.problems.map((p) => `${label}: ${problemLine(p)}`));
      }
    }
    const duplicate = problems.length === 0 && profileFile.findDuplicateNames(incoming);
    if (duplicate) {
      problems.push(duplicate);
      lines.push(problemLine(duplicate));
    }
    if (problems.length > 0) return invalid(problems, lines);
    const plan = (entries: StoredEntry[]) => {
      const clashes = entries.filter((e) =>
        incoming.some((q) => q.id === summary(e).id || sameName(summary(e).name, q.name)),
      );
      if (clashes.length > 0 && options.replace !== true) return nameTaken(clashes);
      const locked = clashes.filter((e) => e.kind === 'locked');
      if (locked.length > 0) return lockedOut(locked);
      const next = [...entries.filter((e) => !clashes.includes(e)), ...incoming.map(readable)];
      const replaced = clashes.flatMap((e) => (e.kind === 'readable' ? [e.profile] : []));
      return done(next, { imported: incoming, replaced });
    };
    if (options.dryRun !== true) return this.change(plan);
    // A preview: the same checks against the file as it is now, and nothing written.
    const loaded = this.load();
    if (!loaded.ok) return loaded;
    const planned = plan(this.entries);
    return planned.ok ? { ok: true, value: planned.value.result } : planned;
  }

  /** Rewrites the file in the current mode (sealed or plain), as the app does when the user flips
   * "Encrypt sequences"; locked profiles are kept as they are. */
  resave(): StoreResult<undefined> {
    return this.change((entries) => done(entries, undefined));
  }

  private writeSealer(): SequenceSealer | undefined {
    const { sealer, sealWrites } = this.deps;
    return sealer && sealWrites?.() === true ? sealer : undefined;
  }

  private change<T>(apply: (entries: StoredEntry[]) => StoreResult<Changed<T>>): StoreResult<T> {
    const loaded = this.load();
    if (!loaded.ok) return loaded;
    const next = apply(this.entries);
    if (!next.ok) return next;
    const sealer = this.writeSealer();
    const written = recordsOf(next.value.entries, sealer);
    if (!written.ok) {
      const why = `cannot encrypt the sequences of profile "${written.name}" with ${sealer?.backend ?? '?'}: ${written.error}; nothing was written`;
      return this.warn(fail('encrypt-failed', why, { names: [written.name] }));
    }
    const data = { version: VERSION, profiles: written.records, ...this.extras };
    try {
      this.backend.write(data);
    } catch (error) {
      return this.warn(fail('io', `cannot write ${this.path}: ${errorMessage(error)}`));
    }
    this.entries = written.entries;
    this.migrated = false;
    return { ok: true, value: next.value.result };
  }

  private warn(failure: Failure): Failure {
    this.deps.logger.warn(failure.error.message);
    return failure;
  }

  private moveAside(what: string, problems: FieldProblem[]): Failure {
    const report = [`${this.path} ${what}:`, ...problems.map(problemLine)].join('\n  ');
    let movedTo: string;
    try {
      movedTo = moveFileAside(this.path, this.deps.now());
    } catch (error) {
      const why = `${report}\nIt could not be moved aside: ${errorMessage(error)}`;
      return this.warn(fail('unreadable', why));
    }
    const message = `${report}\nIt was moved to ${movedTo} (kept for you to repair and import); Sesame starts with no profiles.`;
    return this.warn(fail('corrupt', message, { problems, movedTo }));
  }
}

type Changed<T> = { entries: StoredEntry[]; result: T };

const SEALED_IMPORT =
  'its sequences are encrypted, and import takes plain ones (export it from the Sesame app that encrypted it)';

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return Object.fromEntries(
    entries.map(([k, v]) => [k, isRecord(v) ? withoutUndefined(v) : v]),
  ) as T;
}

function done<T>(entries: StoredEntry[], result: T): StoreResult<Changed<T>> {
  return { ok: true, value: { entries, result } };
}

function fail(code: StoreError['code'], message: string, more: Partial<StoreError> = {}): Failure {
  return { ok: false, error: { ...more, code, message } };
}

/** Refused input: `lines` say it for people (each problem's line unless given). */
const invalid = (problems: FieldProblem[], lines = problems.map(problemLine)) =>
  fail('invalid', lines.join('\n'), { problems });
const notFound = (nameOrId: string) => fail('not-found', `no profile named "${nameOrId}"`);

function nameTaken(entries: readonly StoredEntry[]): Failure {
  const names = entries.map((e) => summary(e).name);
  const list = names.map((n) => `"${n}"`).join(', ');
  return fail('name-taken', `profile name already taken: ${list}`, { names });
}

function lockedOut(entries: readonly StoredEntry[]): Failure {
  const locked = entries.flatMap((e) => (e.kind === 'locked' ? [e.locked] : []));
  const names = locked.map((p) => p.name);
  return fail('locked', locked.map(lockedMessage).join('\n'), { names });
}

function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}
