import { z } from 'zod';
import { describeIssues, profileSchema, type Profile } from './profile';

/** The version of the profile file this build writes; older files are migrated on read. */
export const PROFILE_FILE_VERSION = 1;

/** The profile file (the desktop app's store and the CLI's): `{ version, profiles }`. */
export const profileFileSchema = z.object({
  version: z.literal(PROFILE_FILE_VERSION),
  profiles: z.array(profileSchema),
});

/** A validated profile file of the current version. */
export interface ProfileFile {
  version: typeof PROFILE_FILE_VERSION;
  profiles: Profile[];
}

/**
 * Pure migrations, indexed by the version they upgrade from. Version 0 is an unversioned file: a
 * bare JSON array of profiles (hand-written, or exported by a script), which becomes `{ version: 1 }`.
 */
const migrations: Record<number, (data: unknown) => unknown> = {
  0: (data) => ({ version: 1, profiles: data }),
};

function versionOf(data: unknown): number | string {
  if (Array.isArray(data)) return 0;
  if (typeof data === 'object' && data !== null && 'version' in data) {
    const v = data.version;
    return typeof v === 'number' && Number.isInteger(v) ? v : String(v);
  }
  return 'missing';
}

/** Brings parsed JSON up to the current version, then validates it; every problem is named. */
export function readProfileFile(
  data: unknown,
): { ok: true; value: ProfileFile; migratedFrom?: number } | { ok: false; errors: string[] } {
  let current = data;
  const start = versionOf(data);
  if (typeof start !== 'number')
    return { ok: false, errors: [`version: expected a number, found ${start}`] };
  if (start > PROFILE_FILE_VERSION) {
    return {
      ok: false,
      errors: [
        `version: ${start} was written by a newer Sesame (this one reads up to ${PROFILE_FILE_VERSION})`,
      ],
    };
  }
  for (let v = start; v < PROFILE_FILE_VERSION; v += 1) {
    const migrate = migrations[v];
    if (!migrate) return { ok: false, errors: [`version: no migration from version ${v}`] };
    current = migrate(current);
  }
  const result = profileFileSchema.safeParse(current);
  if (!result.success) return { ok: false, errors: describeIssues(result.error) };
  const duplicate = findDuplicateNames(result.data.profiles);
  if (duplicate) return { ok: false, errors: [duplicate] };
  const file: ProfileFile = { version: PROFILE_FILE_VERSION, profiles: result.data.profiles };
  return start === PROFILE_FILE_VERSION
    ? { ok: true, value: file }
    : { ok: true, value: file, migratedFrom: start };
}

/** Names must be unique (the CLI addresses profiles by name), compared without case; ids too. */
export function findDuplicateNames(profiles: readonly Profile[]): string | undefined {
  const names = new Map<string, number>();
  const ids = new Map<string, number>();
  for (const [i, p] of profiles.entries()) {
    const key = p.name.toLowerCase();
    const seen = names.get(key);
    if (seen !== undefined)
      return `profiles[${i}].name: "${p.name}" is already used by profiles[${seen}]`;
    names.set(key, i);
    const seenId = ids.get(p.id);
    if (seenId !== undefined)
      return `profiles[${i}].id: "${p.id}" is already used by profiles[${seenId}]`;
    ids.set(p.id, i);
  }
  return undefined;
}
