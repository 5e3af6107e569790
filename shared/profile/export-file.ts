// The JSON export of profiles, written and read the same way by the app and the `sesame` CLI:
// `{ "format": "sesame-profiles", "version", "profiles": [...] }` with plain sequences.
import { z } from 'zod';
import { isRecord, type Parsed } from '../basics';
import { fileVersion } from '../file-version';
import { fieldProblems, problemLine } from '../field-problems';
import type { Profile } from './profile';
import { migrateProfileFile, PROFILE_FILE_VERSION } from './profile-file';

/** What an export says it is, so neither face mistakes other JSON for one. */
export const EXPORT_FORMAT = 'sesame-profiles';

/** An export carries the version of the profile file it was taken from (the profiles' format). */
export const EXPORT_VERSION = PROFILE_FILE_VERSION;

/** The export's JSON text: indented, with a final newline. */
export function writeExport(profiles: readonly Profile[]): string {
  const document = { format: EXPORT_FORMAT, version: EXPORT_VERSION, profiles };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const exportShape = z.object({ profiles: z.array(z.unknown()) });

/**
 * The profiles in parsed JSON to import, not yet validated: an export of this or an older version, a
 * profile file (`{ version, profiles }`, no format) or a bare list. Another format, or a version newer
 * than this Sesame reads, is refused with a message naming the field.
 */
export function readExport(data: unknown): Parsed<unknown[]> {
  if (!Array.isArray(data) && !isRecord(data))
    return { ok: false, error: 'expected a Sesame export, a profile file or a list of profiles' };
  if (isRecord(data) && 'format' in data && data.format !== EXPORT_FORMAT) {
    return { ok: false, error: `format: ${JSON.stringify(data.format)} is not ${EXPORT_FORMAT}` };
  }
  const version = fileVersion(data, EXPORT_VERSION, Array.isArray);
  if (!version.ok) return { ok: false, error: problemLine(version.problem) };
  const shape = exportShape.safeParse(migrateProfileFile(data, version.version));
  if (!shape.success)
    return { ok: false, error: fieldProblems(shape.error).map(problemLine).join('; ') };
  return { ok: true, value: shape.data.profiles };
}
