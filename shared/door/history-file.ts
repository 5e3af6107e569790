// history.json: `{ "version": 1, "knocks": [ ...finished knocks, newest first ] }`. Older files are
// migrated on read with pure functions; a newer one is left alone (read as empty, never written).
import { z } from 'zod';
import { isRecord } from '../basics';
import { fileVersion, migrateFile, otherKeys, type Migrations } from '../file-version';
import { fieldProblems, problemLine } from '../field-problems';
import { knockOutcomeSchema, type KnockOutcome } from './outcome';

/** The version of history.json this build writes; older files are migrated on read. */
export const HISTORY_FILE_VERSION = 1;

/** How many finished knocks the history keeps, and the window shows. */
export const HISTORY_LIMIT = 50;

/**
 * Version 0 is an unversioned file: a bare list of knocks (the end-to-end bridge's), or the app's
 * electron-store document that keeps the list under `knocks`. Version 1 puts a version beside it.
 */
const migrations: Migrations = {
  0: (data) =>
    Array.isArray(data)
      ? { version: 1, knocks: data }
      : isRecord(data)
        ? { ...data, version: 1 }
        : data,
};

/** Migrates parsed history.json of version `from` up to the current version (exported for its tests). */
export function migrateHistoryFile(data: unknown, from: number): unknown {
  return migrateFile(data, from, HISTORY_FILE_VERSION, migrations, 'history file');
}

/** Version 1: the knocks, each checked on its own (one bad entry does not cost the others). */
const fileShape = z.looseObject({
  version: z.literal(HISTORY_FILE_VERSION),
  knocks: z.array(z.unknown()),
});

/** The keys of the file itself; any other is kept as it was on write. */
const FILE_KEYS = ['version', 'knocks'];

/**
 * What reading history.json found: the knocks that pass the schema (`dropped` counts the others),
 * the keys to keep on write, and the version it was migrated from. A file this build cannot read
 * is `ok: false` (`newer`: written by a newer Sesame, which must not be written over).
 */
export type HistoryFileRead =
  | {
      ok: true;
      knocks: KnockOutcome[];
      dropped: number;
      others: Record<string, unknown>;
      migratedFrom?: number;
    }
  | { ok: false; newer: boolean; error: string };

/** Reads parsed history.json (`undefined` or `{}`: no file yet, no knocks). */
export function readHistoryFile(data: unknown): HistoryFileRead {
  if (data === undefined || (isRecord(data) && Object.keys(data).length === 0))
    return { ok: true, knocks: [], dropped: 0, others: {} };
  const unversioned = (d: unknown) => Array.isArray(d) || (isRecord(d) && !('version' in d));
  const version = fileVersion(data, HISTORY_FILE_VERSION, unversioned);
  if (!version.ok)
    return {
      ok: false,
      newer: version.newer,
      error: `history.json: ${problemLine(version.problem)}`,
    };
  const shape = fileShape.safeParse(migrateHistoryFile(data, version.version));
  if (!shape.success) {
    const error = `history.json: ${fieldProblems(shape.error).map(problemLine).join('; ')}`;
    return { ok: false, newer: false, error };
  }
  const knocks = shape.data.knocks.flatMap((entry) => {
    const parsed = knockOutcomeSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
  const read = {
    ok: true as const,
    knocks,
    dropped: shape.data.knocks.length - knocks.length,
    others: otherKeys(shape.data, FILE_KEYS),
  };
  return version.version === HISTORY_FILE_VERSION
    ? read
    : { ...read, migratedFrom: version.version };
}

/** The history.json to write: the current version, the knocks, and the other keys the file held. */
export function historyFileDocument(
  knocks: readonly KnockOutcome[],
  others: Record<string, unknown> = {},
): Record<string, unknown> {
  return { ...others, version: HISTORY_FILE_VERSION, knocks: [...knocks] };
}
