import { fieldProblems, problemLine } from '../../shared/field-problems';
import { parseStoredProfile, type Profile } from '../../shared/profile/profile';
import {
  isSealedRecord,
  sealedSchema,
  sealedSequencesSchema,
  type ProfileRecord,
  type SealedProfileRecord,
} from '../../shared/profile/profile-file';
import { parseJsonText } from './json-text';
import { errorMessage, isRecord } from '../../shared/basics';
import { showHidden } from '../../shared/profile/visible-text';

/**
 * Encrypts and decrypts a profile's sequences. The app passes one built on Electron's safeStorage;
 * the plain `sesame` CLI has none, so it can neither write nor read sealed records.
 */
export interface SequenceSealer {
  /** Electron's name for the backend (`gnome_libsecret`, `kwallet5`, `keychain`, `dpapi`, ...). */
  backend: string;
  /** Encrypts UTF-8 text and returns base64. May throw (no keyring): nothing is then written. */
  seal(plain: string): string;
  /** Decrypts base64 from `seal`; throws when it cannot (another keyring, another user). */
  unseal(data: string): string;
}

/** A record of the file that cannot be used here: sealed with sequences that cannot be decrypted
 * here, or not valid. It is kept as it is, its name stays taken, and it can be removed. */
export interface LockedProfile {
  /** Its id; for an invalid record without a usable one, its place (`profiles[3]`). */
  id: string;
  /** Its name; for an invalid record without a usable one, its place (`profiles[3]`). */
  name: string;
  host: string;
  /** The backend that sealed it, as the file says (none for an invalid plain record). */
  backend?: string;
  /** `no-sealer`: this program has no decryption (the plain CLI); `unseal-failed`: decryption threw
   * (keyring changed); `bad-sequences`: it decrypted to something that is not two valid sequences;
   * `invalid`: the record itself is not valid (an unknown field, a bad port, a name used twice). */
  cause: 'no-sealer' | 'unseal-failed' | 'bad-sequences' | 'invalid';
  /** Why, in one line for the user; for `invalid`, each problem as `profiles[3].field: message`. */
  reason: string;
}

/** A profile as the store holds it between reading and writing the file. `record` is the sealed
 * record the file holds for a readable profile (reused while the profile is unchanged);
 * a locked one keeps `source`, the record exactly as read, and is written back as it is. */
export type StoredEntry =
  | { kind: 'readable'; profile: Profile; record?: SealedProfileRecord }
  | { kind: 'locked'; locked: LockedProfile; source: unknown };

/** Turns a validated file record into a store entry: plain, unsealed, or locked (never a failure). */
export function entryOf(
  record: ProfileRecord,
  source: unknown,
  sealer: SequenceSealer | undefined,
): StoredEntry {
  if (!isSealedRecord(record)) return { kind: 'readable', profile: record };
  const { sealed, ...rest } = record;
  const lock = (cause: LockedProfile['cause'], reason: string): StoredEntry => ({
    kind: 'locked',
    locked: {
      id: rest.id,
      name: rest.name,
      host: rest.host,
      backend: sealed.backend,
      cause,
      reason,
    },
    source,
  });
  if (!sealer) return lock('no-sealer', 'this program cannot decrypt sequences');
  let text: string;
  try {
    text = sealer.unseal(sealed.data);
  } catch (error) {
    return lock('unseal-failed', `decryption failed: ${errorMessage(error)}`);
  }
  const json = parseJsonText(text);
  if (!json.ok) return lock('bad-sequences', `the decrypted sequences are not JSON: ${json.error}`);
  const sequences = sealedSequencesSchema.safeParse(json.value);
  if (!sequences.success) {
    const problems = fieldProblems(sequences.error).map(problemLine).join('; ');
    return lock('bad-sequences', `the decrypted sequences are not valid: ${problems}`);
  }
  const profile = parseStoredProfile({ ...rest, ...sequences.data });
  if (!profile.ok) return lock('bad-sequences', profile.problems.map(problemLine).join('; '));
  return { kind: 'readable', profile: profile.value, record };
}

/** A record that is not valid, kept as it was read (`source`) and named by what it holds. */
export function invalidEntry(source: unknown, index: number, problems: string[]): StoredEntry {
  const place = `profiles[${String(index)}]`;
  const text = (key: string, max: number) => {
    const value = isRecord(source) ? source[key] : undefined;
    return typeof value === 'string' && value.trim() !== '' && value.length <= max
      ? showHidden(value.trim())
      : undefined;
  };
  const sealed = isRecord(source) && isRecord(source.sealed) ? source.sealed.backend : undefined;
  const locked: LockedProfile = {
    id: text('id', 64) ?? place,
    name: text('name', 64) ?? place,
    host: text('host', 253) ?? '-',
    cause: 'invalid',
    reason: problems.join('; '),
    ...(typeof sealed === 'string' ? { backend: showHidden(sealed) } : {}),
  };
  return { kind: 'locked', locked, source };
}

/** How to write entries: sealed with `sealer` (every readable profile), or plain when undefined. */
export function recordsOf(
  entries: readonly StoredEntry[],
  sealer: SequenceSealer | undefined,
):
  | { ok: true; records: unknown[]; entries: StoredEntry[] }
  | { ok: false; name: string; error: string } {
  const records: unknown[] = [];
  const written: StoredEntry[] = [];
  for (const entry of entries) {
    if (entry.kind === 'locked') {
      records.push(entry.source);
      written.push(entry);
    } else if (!sealer) {
      records.push(entry.profile);
      written.push({ kind: 'readable', profile: entry.profile });
    } else if (entry.record?.sealed.backend === sealer.backend) {
      records.push(entry.record);
      written.push(entry);
    } else {
      let record: SealedProfileRecord;
      try {
        record = sealProfile(entry.profile, sealer);
      } catch (error) {
        return { ok: false, name: entry.profile.name, error: errorMessage(error) };
      }
      // A record every reader would refuse must never reach the file (it would be moved aside).
      const checked = sealedSchema.safeParse(record.sealed);
      if (!checked.success) {
        const problems = fieldProblems(checked.error, 'sealed').map(problemLine);
        const error = `the sealer gave ${problems.join('; ')}`;
        return { ok: false, name: entry.profile.name, error };
      }
      records.push(record);
      written.push({ kind: 'readable', profile: entry.profile, record });
    }
  }
  return { ok: true, records, entries: written };
}

/** Whether writing `entries` with `sealer` (or plain) would change a readable profile's record. */
export function differsFromMode(
  entries: readonly StoredEntry[],
  sealer: SequenceSealer | undefined,
): boolean {
  return entries.some((e) =>
    e.kind === 'locked'
      ? false
      : sealer
        ? e.record?.sealed.backend !== sealer.backend
        : e.record !== undefined,
  );
}

/** A readable entry for a new or changed profile (sealed, or not, when written). */
export const readable = (profile: Profile): StoredEntry => ({ kind: 'readable', profile });

/** What an entry is called and which id it has, readable or locked. */
export const summary = (e: StoredEntry): Profile | LockedProfile =>
  e.kind === 'readable' ? e.profile : e.locked;

/** A name as names are compared: without case and surrounding space. */
export const nameKey = (name: string) => name.trim().toLowerCase();

/** Profile names are unique without case and surrounding space, locked ones included. */
export const sameName = (a: string, b: string) => nameKey(a) === nameKey(b);

/** The entry with this name (any case). */
export const findByName = (entries: readonly StoredEntry[], name: string) =>
  entries.find((e) => sameName(summary(e).name, name));

/** The entry with this name (any case), else this exact id: how both faces address a profile. */
export const findEntry = (entries: readonly StoredEntry[], nameOrId: string) =>
  findByName(entries, nameOrId) ?? entries.find((e) => summary(e).id === nameOrId);

/** A profile as a sealed record: its fields in clear, `open`, `close` and `spa` encrypted together. */
export function sealProfile(profile: Profile, sealer: SequenceSealer): SealedProfileRecord {
  const { open, close, spa, ...rest } = profile;
  const text = JSON.stringify({ open, close, spa }); // undefined ones are left out
  return { ...rest, sealed: { backend: sealer.backend, data: sealer.seal(text) } };
}

/** What to tell the user about a locked profile: why it cannot be used here and what to do. */
export function lockedMessage(p: LockedProfile): string {
  const name = JSON.stringify(p.name);
  if (p.cause === 'invalid')
    return (
      `profile ${name} is not valid and is kept in the file as it is: ${p.reason}. Correct it ` +
      `in the file, or remove it (sesame profiles remove ${JSON.stringify(p.id)}).`
    );
  const backend = p.backend ?? '?';
  if (p.cause === 'no-sealer')
    return (
      `profile ${name} has its sequences encrypted by the Sesame app (${backend}); this sesame ` +
      'cannot decrypt them. Use the sesame command that comes with the app, or turn off ' +
      '"Encrypt sequences" in the app\'s settings.'
    );
  return (
    `profile ${name} has its sequences encrypted (${backend}) but they cannot be decrypted ` +
    `here: ${p.reason}. If the keyring or the user account changed since, remove the profile ` +
    'and add it again with its sequences.'
  );
}
