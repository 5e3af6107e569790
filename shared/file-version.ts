// Every file Sesame writes carries a version: a reader migrates an older file up with pure functions,
// one per version, and leaves a newer one alone. The one place that reads the number and runs them.
import { isRecord } from './basics';
import type { FieldProblem } from './field-problems';

/** Pure functions indexed by the version they upgrade from, each to the next version. */
export type Migrations = Readonly<Record<number, (data: unknown) => unknown>>;

/** The version a file is at, or why it cannot be read (`newer`: written by a newer Sesame). */
export type FileVersion =
  { ok: true; version: number } | { ok: false; newer: boolean; problem: FieldProblem };

/**
 * The version of parsed JSON: its `version`, or 0 when `unversioned` recognises the format from
 * before versions. A version above `latest` is newer than this reader; a missing one is a problem.
 */
export function fileVersion(
  data: unknown,
  latest: number,
  unversioned: (data: unknown) => boolean,
): FileVersion {
  if (unversioned(data)) return { ok: true, version: 0 };
  const problem = (message: string, newer = false): FileVersion => ({
    ok: false,
    newer,
    problem: { field: 'version', message },
  });
  if (!isRecord(data) || !('version' in data)) return problem('expected a number, found missing');
  const v = data.version;
  if (typeof v !== 'number' || !Number.isInteger(v))
    return problem(`expected a number, found ${String(v)}`);
  if (v > latest)
    return problem(
      `${String(v)} was written by a newer Sesame (this one reads up to ${String(latest)})`,
      true,
    );
  if (v < 0) return problem(`${String(v)} is not a version`);
  return { ok: true, version: v };
}

/** Brings parsed JSON of version `from` up to `latest`, one migration at a time. */
export function migrateFile(
  data: unknown,
  from: number,
  latest: number,
  migrations: Migrations,
  what: string,
): unknown {
  let current = data;
  for (let v = from; v < latest; v += 1) {
    const migrate = migrations[v];
    if (!migrate) throw new Error(`no migration from ${what} version ${String(v)}`);
    current = migrate(current);
  }
  return current;
}

/** The keys of a file object besides `known` ones (electron-store's, a newer Sesame's): kept on write. */
export function otherKeys(data: unknown, known: readonly string[]): Record<string, unknown> {
  if (!isRecord(data)) return {};
  return Object.fromEntries(Object.entries(data).filter(([k]) => !known.includes(k)));
}
