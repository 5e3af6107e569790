import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseProfile, type Profile, type ProfileInput } from '../../shared/profile';
import * as profileFile from '../../shared/profile-file';
import { moveFileAside, writeFileAtomic } from './atomic-file';
import { parseJsonText } from './json-text';
import type { Logger } from './logger';

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

/** Why the store refused: `message` is for the user; `problems` are `field: message` lines (corrupt,
 * invalid), `movedTo` is where a bad file went, `names` the existing profiles in the way. */
export interface StoreError {
  code: 'corrupt' | 'newer-version' | 'unreadable' | 'invalid' | 'not-found' | 'name-taken' | 'io';
  message: string;
  problems?: string[];
  movedTo?: string;
  names?: string[];
}

/** A store operation's outcome: expected failures are values. */
export type StoreResult<T> = { ok: true; value: T } | Failure;
type Failure = { ok: false; error: StoreError };

/** What `load()` found; `notice` says the file was migrated from an older format. */
export type LoadResult = { ok: true; profiles: readonly Profile[]; notice?: string } | Failure;

type Removable<T> = { [K in keyof T]?: T[K] | undefined };

/** Changes for `update`: only the keys given change; `undefined` removes an optional field. */
export type ProfileChanges = Removable<Omit<ProfileInput, 'id' | 'ssh'>> & {
  ssh?: Removable<NonNullable<ProfileInput['ssh']>>;
};

/** What the store needs from outside, so tests pass a temp path, a fixed clock and a log sink. */
export interface ProfileStoreDeps {
  path: string;
  now: () => Date;
  logger: Logger;
}

/**
 * The profiles on disk, shared by the desktop app and the CLI: plain JSON `{ version, profiles }`.
 * Every change re-reads the file first (the app and the CLI may both write) and is written atomically.
 */
export class ProfileStore {
  readonly path: string;
  private profiles: Profile[] = [];
  private extras: Record<string, unknown> = {}; // unknown top-level keys (electron-store's), kept

  constructor(private readonly deps: ProfileStoreDeps) {
    this.path = deps.path;
  }

  /** Reads the file: missing is empty, broken is moved aside, newer is left alone (writes refused). */
  load(): LoadResult {
    this.profiles = [];
    this.extras = {};
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(this.path));
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') return { ok: true, profiles: [] };
      if (code === 'ERR_ENCODING_INVALID_ENCODED_DATA') return this.moveAside('is not UTF-8', []);
      return this.warn(fail('unreadable', `cannot read ${this.path}: ${errorText(error)}`));
    }
    const json = parseJsonText(text);
    if (!json.ok) return this.moveAside('is not valid JSON', [json.error]);
    const data = json.value;
    if (isRecord(data) && typeof data.version === 'number' && data.version > VERSION) {
      const message =
        `${this.path} was written by a newer Sesame (file version ${data.version}; this one reads ` +
        `up to ${VERSION}). It is left as it is and will not be changed: update Sesame.`;
      return this.warn(fail('newer-version', message));
    }
    const file = profileFile.readProfileFile(data);
    if (!file.ok) return this.moveAside('is not a valid profile file', file.errors);
    this.profiles = file.value.profiles;
    const extras = isRecord(data) ? Object.entries(data) : [];
    this.extras = Object.fromEntries(extras.filter(([k]) => k !== 'version' && k !== 'profiles'));
    if (file.migratedFrom === undefined) return { ok: true, profiles: this.list() };
    const notice =
      `${this.path} was in the version ${file.migratedFrom} format; it was read and will be ` +
      `rewritten as version ${VERSION} on the next change.`;
    this.deps.logger.info(notice);
    return { ok: true, profiles: this.list(), notice };
  }

  /** The profiles as last loaded or written. */
  list(): readonly Profile[] {
    return [...this.profiles];
  }

  /** Finds a profile by name (any case) or by exact id. */
  get(nameOrId: string): Profile | undefined {
    return findProfile(this.profiles, nameOrId);
  }

  /** Validates and saves a new profile with a fresh id. */
  add(profile: Omit<ProfileInput, 'id'>): StoreResult<Profile> {
    const parsed = parseProfile(withoutUndefined({ ...profile, id: randomUUID() }));
    if (!parsed.ok) return invalid(parsed.errors);
    const added = parsed.value;
    return this.change((profiles) => {
      const clash = findByName(profiles, added.name);
      return clash ? nameTaken([clash.name]) : done([...profiles, added], added);
    });
  }

  /** Changes some fields of one profile (`ssh` fields merge into the existing ones). */
  update(nameOrId: string, changes: ProfileChanges): StoreResult<Profile> {
    return this.change((profiles) => {
      const target = findProfile(profiles, nameOrId);
      if (!target) return fail('not-found', `no profile named "${nameOrId}"`);
      const { ssh, ...rest } = changes;
      const merged = { ...target, ...rest, id: target.id, ssh: { ...target.ssh, ...ssh } };
      const parsed = parseProfile(withoutUndefined(merged));
      if (!parsed.ok) return invalid(parsed.errors);
      const clash = findByName(profiles, parsed.value.name);
      if (clash && clash.id !== target.id) return nameTaken([clash.name]);
      const next = profiles.map((p) => (p.id === target.id ? parsed.value : p));
      return done(next, parsed.value);
    });
  }

  /** Deletes one profile and returns it. */
  remove(nameOrId: string): StoreResult<Profile> {
    return this.change((profiles) => {
      const target = findProfile(profiles, nameOrId);
      if (!target) return fail('not-found', `no profile named "${nameOrId}"`);
      return done(
        profiles.filter((p) => p !== target),
        target,
      );
    });
  }

  /**
   * Adds many profiles all or nothing, each validated like `add` (a missing id is generated).
   * Profiles already there with the same name or id are refused, or replaced with `replace`.
   */
  importMany(
    items: readonly unknown[],
    options: { replace?: boolean } = {},
  ): StoreResult<{ imported: Profile[]; replaced: Profile[] }> {
    const problems: string[] = [];
    const incoming: Profile[] = [];
    for (const [i, item] of items.entries()) {
      const named = isRecord(item) && typeof item.name === 'string';
      const label = `profiles[${String(i)}]${named ? ` ${JSON.stringify(item.name)}` : ''}`;
      const withId = isRecord(item) && !('id' in item) ? { ...item, id: randomUUID() } : item;
      const parsed = parseProfile(withId);
      if (parsed.ok) incoming.push(parsed.value);
      else problems.push(...parsed.errors.map((e) => `${label}: ${e}`));
    }
    const duplicate = problems.length === 0 && profileFile.findDuplicateNames(incoming);
    if (duplicate) problems.push(duplicate);
    if (problems.length > 0) return invalid(problems);
    return this.change((profiles) => {
      const clashes = profiles.filter((p) =>
        incoming.some((q) => q.id === p.id || sameName(p.name, q.name)),
      );
      if (clashes.length > 0 && options.replace !== true)
        return nameTaken(clashes.map((p) => p.name));
      const next = [...profiles.filter((p) => !clashes.includes(p)), ...incoming];
      return done(next, { imported: incoming, replaced: clashes });
    });
  }

  private change<T>(
    apply: (profiles: Profile[]) => StoreResult<{ profiles: Profile[]; result: T }>,
  ): StoreResult<T> {
    const loaded = this.load();
    if (!loaded.ok) return loaded;
    const next = apply(this.profiles);
    if (!next.ok) return next;
    const data = { version: VERSION, profiles: next.value.profiles, ...this.extras };
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`);
    } catch (error) {
      return this.warn(fail('io', `cannot write ${this.path}: ${errorText(error)}`));
    }
    this.profiles = next.value.profiles;
    return { ok: true, value: next.value.result };
  }

  private warn(failure: Failure): Failure {
    this.deps.logger.warn(failure.error.message);
    return failure;
  }

  private moveAside(what: string, problems: string[]): Failure {
    const report = [`${this.path} ${what}:`, ...problems].join('\n  ');
    let movedTo: string;
    try {
      movedTo = moveFileAside(this.path, this.deps.now());
    } catch (error) {
      const why = `${report}\nIt could not be moved aside: ${errorText(error)}`;
      return this.warn(fail('unreadable', why));
    }
    const message = `${report}\nIt was moved to ${movedTo} (kept for you to repair and import); Sesame starts with no profiles.`;
    return this.warn(fail('corrupt', message, { problems, movedTo }));
  }
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const findByName = (profiles: readonly Profile[], name: string) =>
  profiles.find((p) => sameName(p.name, name));
const findProfile = (profiles: readonly Profile[], nameOrId: string) =>
  findByName(profiles, nameOrId) ?? profiles.find((p) => p.id === nameOrId);

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return Object.fromEntries(
    entries.map(([k, v]) => [k, isRecord(v) ? withoutUndefined(v) : v]),
  ) as T;
}

function done<T>(profiles: Profile[], result: T): StoreResult<{ profiles: Profile[]; result: T }> {
  return { ok: true, value: { profiles, result } };
}

function fail(code: StoreError['code'], message: string, more: Partial<StoreError> = {}): Failure {
  return { ok: false, error: { ...more, code, message } };
}

const invalid = (problems: string[]) => fail('invalid', problems.join('\n'), { problems });
const nameTaken = (names: string[]) =>
  fail('name-taken', `profile name already taken: ${names.map((n) => `"${n}"`).join(', ')}`, {
    names,
  });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
