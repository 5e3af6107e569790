// Text people give Sesame (profile names, notes, paths, commands, imported files) is shown in the
// tray, notifications, the window and terminals. Control characters (Unicode Cc) and format
// characters (Cf: bidi overrides such as U+202E, zero-width spaces and joiners, U+FEFF) can make it
// read as something else, so fields refuse them and messages that quote text show them escaped.
// https://www.unicode.org/reports/tr36/#Bidirectional_Text_Spoofing

const HIDDEN = /[\p{Cc}\p{Cf}]/u;
const HIDDEN_ALL = /[\p{Cc}\p{Cf}]/gu;
// Notes are several lines: a tab and a line break (\n or \r\n) are text there, and nothing else is.
const HIDDEN_IN_NOTES = /\p{Cf}|(?![\t\n\r])\p{Cc}|\r(?!\n)/u;

/** What a field that refuses them says; `what` names the field (`name`, `identity file`). */
export const hiddenMessage = (what: string) =>
  `${what} must not contain control or format characters (such as U+202E, which reverses text)`;

/** True when `text` holds a control (Cc) or format (Cf) character. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** Like `hasHiddenCharacters`, but tabs and line breaks (\n, \r\n) are allowed: for notes. */
export function hasHiddenCharactersInNotes(text: string): boolean {
  return HIDDEN_IN_NOTES.test(text);
}

/** `text` with every control and format character written out as `\u{202e}`, for messages. */
export function showHidden(text: string): string {
  return text.replace(HIDDEN_ALL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
}

/** `text` with every control and format character replaced by a space (a name made from a file). */
export function blankHidden(text: string): string {
  return text.replace(HIDDEN_ALL, ' ');
}
