// settings.json: `{ "version": 1, "settings": { ... } }`. Older files are migrated on read with pure
// functions; a newer one is left alone (read as the defaults, never written).
import { z } from 'zod';
import { isRecord } from '../basics';
import { fileVersion, migrateFile, otherKeys, type Migrations } from '../file-version';
import { fieldProblems, problemLine } from '../field-problems';
import { defaultSettings, settingsFrom, type Settings, type SettingsRead } from './settings';

/** The version of settings.json this build writes; older files are migrated on read. */
export const SETTINGS_FILE_VERSION = 1;

/**
 * Version 0 is an unversioned file: the settings object itself (the end-to-end bridge's), or the
 * app's electron-store document that keeps it under `settings`. Version 1 puts a version beside it.
 */
const migrations: Migrations = {
  0: (data) =>
    isRecord(data) && 'settings' in data ? { ...data, version: 1 } : { version: 1, settings: data },
};

/** Migrates parsed settings.json of version `from` up to the current version (exported for its tests). */
export function migrateSettingsFile(data: unknown, from: number): unknown {
  return migrateFile(data, from, SETTINGS_FILE_VERSION, migrations, 'settings file');
}

/** Version 1: the settings under `settings`, checked one value at a time by `settingsFrom`. */
const fileShape = z.looseObject({
  version: z.literal(SETTINGS_FILE_VERSION),
  settings: z.unknown(),
});

/** The keys of the file itself; any other is kept as it was on write. */
const FILE_KEYS = ['version', 'settings'];

/**
 * What reading settings.json found: the settings (each bad value replaced by its default and named in
 * `problems`), the keys to keep on write, and the version it was migrated from. A file this build
 * cannot read (newer, or no version) is `ok: false`: the defaults are used, and a newer one is never
 * written over.
 */
export type SettingsFileRead =
  | (SettingsRead & { ok: true; others: Record<string, unknown>; migratedFrom?: number })
  | { ok: false; newer: boolean; error: string; settings: Settings };

/** Reads parsed settings.json (`undefined` or `{}`: no file yet, the defaults). */
export function readSettingsFile(data: unknown): SettingsFileRead {
  if (data === undefined || (isRecord(data) && Object.keys(data).length === 0))
    return { ok: true, settings: defaultSettings, problems: [], unknown: {}, others: {} };
  const version = fileVersion(
    data,
    SETTINGS_FILE_VERSION,
    (d) => !isRecord(d) || !('version' in d),
  );
  if (!version.ok) {
    const error = `settings.json: ${problemLine(version.problem)}`;
    return { ok: false, newer: version.newer, error, settings: defaultSettings };
  }
  const migrated = migrateSettingsFile(data, version.version);
  const shape = fileShape.safeParse(migrated);
  if (!shape.success) {
    const error = `settings.json: ${fieldProblems(shape.error).map(problemLine).join('; ')}`;
    return { ok: false, newer: false, error, settings: defaultSettings };
  }
  const read = settingsFrom(shape.data.settings, 'settings');
  const others = otherKeys(shape.data, FILE_KEYS);
  return version.version === SETTINGS_FILE_VERSION
    ? { ok: true, ...read, others }
    : { ok: true, ...read, others, migratedFrom: version.version };
}

/**
 * The settings.json to write: the current version, the settings, and what the file read held that
 * this build does not know (settings of a newer Sesame, other keys), kept as it was.
 */
export function settingsFileDocument(
  settings: Settings,
  read: SettingsFileRead,
): Record<string, unknown> {
  const kept = read.ok ? read : { unknown: {}, others: {} };
  return {
    ...kept.others,
    version: SETTINGS_FILE_VERSION,
    settings: { ...kept.unknown, ...settings },
  };
}
