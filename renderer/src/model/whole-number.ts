import type { FieldProblem } from '../../../shared/field-problems';

/** Digits a whole number may have and still be exact as a JavaScript number (2^53 has 16). */
const MAX_DIGITS = 15;

/**
 * The whole number typed into `field` (surrounding spaces allowed), or a problem naming the field:
 * empty, not digits, or too many digits to be exact. An empty optional field is undefined. Ranges
 * are the profile schema's to check.
 */
function readWholeNumber(
  text: string,
  field: string,
  what: string,
  required: boolean,
  problems: FieldProblem[],
): number | undefined {
  const trimmed = text.trim();
  let message: string | undefined;
  if (trimmed === '') {
    if (!required) return undefined;
    message = `${what} is empty`;
  } else if (!/^[0-9]+$/.test(trimmed)) {
    message = `${what} "${trimmed}" is not a whole number`;
  } else if (trimmed.replace(/^0+/, '').length > MAX_DIGITS) {
    message = `${what} "${trimmed}" is too large`;
  }
  if (message === undefined) return Number(trimmed);
  problems.push({ field, message });
  return Number.NaN;
}

/** A whole number the field must hold (NaN, with a problem, when it holds none). */
export function requiredWholeNumber(
  text: string,
  field: string,
  what: string,
  problems: FieldProblem[],
): number {
  return readWholeNumber(text, field, what, true, problems) ?? Number.NaN;
}

/** A whole number the field may hold: undefined when empty. */
export function optionalWholeNumber(
  text: string,
  field: string,
  what: string,
  problems: FieldProblem[],
): number | undefined {
  return readWholeNumber(text, field, what, false, problems);
}
