import { randomUUID } from 'node:crypto';
import { prefixProblems, problemLine, type FieldProblem } from '../../shared/field-problems';
import { parseProfile, type Profile, type ProfileInput } from '../../shared/profile/profile';
import { findDuplicateNames } from '../../shared/profile/profile-file';
import { showHidden } from '../../shared/profile/visible-text';
import {
  findByName,
  findEntry,
  lockedMessage,
  nameKey,
  readable,
  summary,
  type LockedProfile,
  type StoredEntry,
} from './profile-sealing';
import {
  ProfileStoreFile,
  type ProfileFileDeps,
  type ProfileFileError,
} from './profile-store-file';
import { isRecord } from '../../shared/basics';

/** Why the store refused: the file's errors (see ProfileFileError), or `problems` naming the bad
 * fields (invalid), `names` the existing profiles in the way (name-taken) or the profiles that cannot
 * be decrypted here (locked). */
export interface StoreError extends Omit<ProfileFileError, 'code'> {
  code: ProfileFileError['code'] | 'invalid' | 'not-found' | 'name-taken' | 'locked';
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

/** What the store needs from outside: its file's path, clock, logger and, in the app, sealing. */
export type ProfileStoreDeps = ProfileFileDeps;

/**
 * The profiles on disk, shared by the desktop app and the CLI: JSON `{ version, profiles }`.
 * Every change re-reads the file first and writes it atomically, holding the file's lock from the
 * read to the write (the app and several CLI processes may change it at once).
 * Sealed profiles this store cannot decrypt are "locked": never lost, written back exactly as read.
 * A profile is sealed or unsealed only when the file is next written (any change, or `resave()`).
 */
export class ProfileStore {
  readonly path: string;
  private entries: StoredEntry[] = [];
  private extras: Record<string, unknown> = {}; // unknown top-level keys (electron-store's), kept
  private migrated = false;
  private readonly file: ProfileStoreFile;

  constructor(deps: ProfileStoreDeps) {
    this.path = deps.path;
    this.file = new ProfileStoreFile(deps);
  }

  /** Reads the file: missing is empty, broken is moved aside, newer is left alone (writes refused). */
  load(): LoadResult {
    this.entries = [];
    this.extras = {};
    this.migrated = false;
    const read = this.file.read();
    if (!read.ok) return read;
    const { entries, extras, notice } = read.value;
    this.entries = entries;
    this.extras = extras;
    if (notice === undefined) return { ok: true, profiles: this.list() };
    this.migrated = true;
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
    return this.migrated || this.file.wouldReseal(this.entries);
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
      const label = `${at}${named ? ` ${showHidden(JSON.stringify(item.name))}` : ''}`;
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
    const duplicate = problems.length === 0 && findDuplicateNames(incoming);
    if (duplicate) {
      problems.push(duplicate);
      lines.push(problemLine(duplicate));
    }
    if (problems.length > 0) return invalid(problems, lines);
    const ids = new Set(incoming.map((q) => q.id));
    const names = new Set(incoming.map((q) => nameKey(q.name)));
    const plan = (entries: StoredEntry[]) => {
      const clashes = entries.filter(
        (e) => ids.has(summary(e).id) || names.has(nameKey(summary(e).name)),
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

  /** Reads the file, applies a change and writes it, all holding the file's lock: another
   * process's change (the CLI's, the app's re-seal) is never lost between the read and the write. */
  private change<T>(apply: (entries: StoredEntry[]) => StoreResult<Changed<T>>): StoreResult<T> {
    return this.file.exclusive((): StoreResult<T> => {
      const loaded = this.load();
      if (!loaded.ok) return loaded;
      const next = apply(this.entries);
      if (!next.ok) return next;
      const written = this.file.write(next.value.entries, this.extras);
      if (!written.ok) return written;
      this.entries = written.value;
      this.migrated = false;
      return { ok: true, value: next.value.result };
    });
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
