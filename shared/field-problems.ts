// Problems with the fields of some input, kept structured from the schema that found them to the form
// that shows them next to their fields; only the CLI and logs turn them into lines.
import type { z } from 'zod';
import { showHidden } from './profile/visible-text';

/** A problem with one field of some input (`profile.open[2].port`); `field` is '' for the whole. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A zod path as a field name under `prefix`: `['open', 2, 'port']` under `profile` is `profile.open[2].port`. */
export function fieldName(path: readonly PropertyKey[], prefix = ''): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    prefix,
  );
}

/**
 * zod's issues, one problem each, naming its field from the issue's path under `prefix`. Keys come
 * from the data (an unknown key is quoted in the message): their control and format characters are
 * shown escaped, so a message cannot be made to read as something else.
 */
export function fieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: showHidden(fieldName(issue.path, prefix)),
    message: showHidden(issue.message),
  }));
}

/** Problems found inside a part of a bigger input, renamed as fields of the whole (`profile.host`). */
export function prefixProblems(prefix: string, problems: readonly FieldProblem[]): FieldProblem[] {
  if (prefix === '') return [...problems];
  return problems.map(({ field, message }) => ({
    field:
      field === '' ? prefix : field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`,
    message,
  }));
}

/** A problem as one line for people (the CLI, logs): `field: message`, or the message alone. */
export function problemLine(problem: FieldProblem): string {
  return problem.field ? `${problem.field}: ${problem.message}` : problem.message;
}
