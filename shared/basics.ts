// The few helpers every layer uses: failures as values, exhaustive switches, unknown values.

/** Parsers return failures as values: `error` names the offending element. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Ends a switch over a union: a new member that is not handled fails the type check. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

/** True for a plain object read from JSON (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message of a caught error, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
