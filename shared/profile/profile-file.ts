import { z } from 'zod';
import { fieldProblems, type FieldProblem } from '../field-problems';
import {
  checkOpenWay,
  doorSequenceSchema,
  storedProfileFields,
  storedProfileSchema,
  type Profile,
} from './profile';
import { spaRequestSchema } from '../spa/spa-request';
import { isRecord } from '../basics';
import { fileVersion, migrateFile, type Migrations } from '../file-version';

/** The version of the profile file this build writes; older files are migrated on read. */
export const PROFILE_FILE_VERSION = 2;

/**
 * Where a sealed record's sequences are: `backend` is Electron's safeStorage backend that encrypted
 * them (shown to the user), `data` the base64 of the encryption of `{"open":[...],"close":[...]}`.
 */
export const sealedSchema = z.strictObject({
  backend: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'backend may hold only letters, digits, _ . and -'),
  data: z
    .string()
    .min(1, 'data is empty')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'data must be base64'),
});

/** A profile whose open and close sequences (or SPA request, keys included) are encrypted (file
 * version 2); the rest is in clear. Read with the stored rules, as a plain record is (see
 * storedProfileSchema). */
export const sealedProfileSchema = storedProfileFields
  .omit({ open: true, close: true, spa: true })
  .extend({ sealed: sealedSchema });

/** What a sealed record's `data` decrypts to: the JSON text of the sequences or the SPA request. */
export const sealedSequencesSchema = z
  .strictObject({
    open: doorSequenceSchema.optional(),
    close: doorSequenceSchema.optional(),
    spa: spaRequestSchema.optional(),
  })
  .superRefine(checkOpenWay);

/** A profile record sealed by the app: every field but the sequences, which are in `sealed`. */
export type SealedProfileRecord = z.infer<typeof sealedProfileSchema>;

/** One entry of a version 2 file: a plain profile (as in version 1) or a sealed one. */
export type ProfileRecord = Profile | SealedProfileRecord;

/** A validated profile file of the current version. */
export interface ProfileFile {
  version: typeof PROFILE_FILE_VERSION;
  profiles: ProfileRecord[];
}

/** Tells a sealed record from a plain profile (a record holds `open` or `sealed`, never both). */
export function isSealedRecord(record: ProfileRecord): record is SealedProfileRecord {
  return 'sealed' in record;
}

/**
 * Pure migrations, indexed by the version they upgrade from. Version 0 is an unversioned file: a
 * bare JSON array of profiles (hand-written, or exported by a script), which becomes `{ version: 1 }`.
 * Version 1 holds only plain profiles, which version 2 reads as they are: only the number changes.
 */
const migrations: Migrations = {
  0: (data) => ({ version: 1, profiles: data }),
  1: (data) => (isRecord(data) ? { ...data, version: 2 } : data),
};

/** Migrates parsed JSON of version `from` up to the current version (exported for its tests). */
export function migrateProfileFile(data: unknown, from: number): unknown {
  return migrateFile(data, from, PROFILE_FILE_VERSION, migrations, 'profile file');
}

const fileShape = z.object({
  version: z.literal(PROFILE_FILE_VERSION),
  profiles: z.array(z.unknown()),
});

/**
 * One record of a file as read: valid, or not, with its problems (fields under `profiles[i]`).
 * `source` is the record as it was in the file (after migration), so a record this reader cannot
 * use (invalid, or sealed with a key it lacks) is written back exactly as it was read.
 */
export type RecordRead =
  | { ok: true; value: ProfileRecord; source: unknown }
  | { ok: false; problems: FieldProblem[]; source: unknown };

/** A file read: its records in file order, each valid or not. Only a file that is not the file's
 * shape (not `{ version, profiles: [...] }`, or of an unknown version) fails as a whole. */
export type ReadProfileFileResult =
  | { ok: true; records: RecordRead[]; migratedFrom?: number }
  | { ok: false; problems: FieldProblem[] };

/**
 * Brings parsed JSON up to the current version, then validates each record on its own: one bad
 * record (an unknown field, a bad port, a name used twice) is named and the others still read.
 */
export function readProfileFile(data: unknown): ReadProfileFileResult {
  const version = fileVersion(data, PROFILE_FILE_VERSION, Array.isArray);
  if (!version.ok) return { ok: false, problems: [version.problem] };
  const start = version.version;
  const shape = fileShape.safeParse(migrateProfileFile(data, start));
  if (!shape.success) return { ok: false, problems: fieldProblems(shape.error) };
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  const records = shape.data.profiles.map((source, i): RecordRead => {
    const at = `profiles[${String(i)}]`;
    const record = parseProfileRecord(source, at);
    if (!record.ok) return { ...record, source };
    // Names (any case) and ids are unique: a later record that repeats one is the invalid one.
    const { id, name } = record.value;
    const seenName = names.get(name.toLowerCase());
    const seenId = ids.get(id);
    if (seenName !== undefined)
      return {
        ok: false,
        problems: [{ field: `${at}.name`, message: usedBy(name, seenName) }],
        source,
      };
    if (seenId !== undefined)
      return { ok: false, problems: [{ field: `${at}.id`, message: usedBy(id, seenId) }], source };
    names.set(name.toLowerCase(), i);
    ids.set(id, i);
    return { ...record, source };
  });
  return start === PROFILE_FILE_VERSION
    ? { ok: true, records }
    : { ok: true, records, migratedFrom: start };
}

const usedBy = (value: string, index: number) =>
  `"${value}" is already used by profiles[${String(index)}]`;

/** Validates one record of a file: sealed when it has a `sealed` key, else a plain profile; both
 * with the stored rules, so a profile an earlier version saved is never refused for a value it
 * allowed. */
export function parseProfileRecord(
  data: unknown,
  prefix = '',
): { ok: true; value: ProfileRecord } | { ok: false; problems: FieldProblem[] } {
  const schema = isRecord(data) && 'sealed' in data ? sealedProfileSchema : storedProfileSchema;
  const result = schema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: fieldProblems(result.error, prefix) };
}

/** Names must be unique (the CLI addresses profiles by name), compared without case; ids too. */
export function findDuplicateNames(
  profiles: readonly { id: string; name: string }[],
): FieldProblem | undefined {
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const [i, p] of profiles.entries()) {
    const key = p.name.toLowerCase();
    const seen = names.get(key);
    if (seen !== undefined)
      return { field: `profiles[${String(i)}].name`, message: usedBy(p.name, seen) };
    names.set(key, i);
    const seenId = ids.get(p.id);
    if (seenId !== undefined)
      return { field: `profiles[${String(i)}].id`, message: usedBy(p.id, seenId) };
    ids.set(p.id, i);
  }
  return undefined;
}
