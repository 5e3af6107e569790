// knockd's One_Time_Sequences file: one sequence a line, used lines marked with `#` in place.
import type { Knock } from '../sequence/sequence';
import type { KnockdDoor } from './config-types';
import { trimC } from './config-lines';
import { parseKnockdSequence } from './config-values';

/** A usable line of a one-time sequences file: its 0-based index, its text and its sequence. */
export interface OneTimeSequence {
  index: number;
  /** The line as written (without its line ending), so it can be found again after an edit. */
  line: string;
  sequence: Knock[];
}

/** Lines at `\n`, without the terminator (a CRLF line keeps no `\r`); no phantom line at the end. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/**
 * The first usable sequence after line `afterIndex` (-1 for the first): blank lines, lines starting
 * with `#` (after trimming) and lines that do not parse are skipped, as knockd skips them (Sesame
 * also skips lines knockd would misread, such as `abc` for port 0).
 */
export function nextOneTimeSequence(
  text: string,
  door: string,
  afterIndex: number,
): OneTimeSequence | undefined {
  for (const [index, line] of splitLines(text).entries()) {
    if (index <= afterIndex) continue;
    const trimmed = trimC(line);
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const parsed = parseKnockdSequence(trimmed, door);
    if (parsed.ok) return { index, line, sequence: parsed.value };
  }
  return undefined;
}

/** Reads a one-time sequences file at start: its lines and the sequence the door uses first. */
export function parseOneTimeSequences(
  text: string,
  door: string,
): { lines: string[]; current: OneTimeSequence | undefined } {
  return { lines: splitLines(text), current: nextOneTimeSequence(text, door, -1) };
}

/**
 * Where the sequence read from `used` is in the file now, which an admin may have edited since:
 * the same line if it still holds the same text, else the first line that does, else undefined (the
 * line was removed or is marked already). Marking by content means that an edit never makes the
 * server mark another line and leave the used sequence to open again.
 */
export function findOneTimeLine(
  text: string,
  used: Pick<OneTimeSequence, 'index' | 'line'>,
): number | undefined {
  const lines = splitLines(text);
  if (lines[used.index] === used.line) return used.index;
  const found = lines.indexOf(used.line);
  return found === -1 ? undefined : found;
}

/**
 * Where in `text` the first character of line `lineIndex` is (the character knockd overwrites with
 * `#`), or undefined for an empty or missing line. Read as latin1, the text's offsets are the file's
 * byte offsets, and a usable line always starts with an ASCII character.
 */
export function oneTimeMarkOffset(text: string, lineIndex: number): number | undefined {
  if (!Number.isInteger(lineIndex) || lineIndex < 0) return undefined;
  let start = 0;
  for (let index = 0; index < lineIndex; index += 1) {
    const end = text.indexOf('\n', start);
    if (end === -1) return undefined;
    start = end + 1;
  }
  const first = text.codePointAt(start);
  return first === undefined || first === 0x0a || first === 0x0d ? undefined : start;
}

/**
 * Marks line `lineIndex` as used the way knockd does: its first character becomes `#` (`3001,3002`
 * becomes `#001,3002`) and every other character, line endings included, stays. An empty or
 * missing line leaves the text unchanged.
 */
export function markOneTimeSequenceUsed(text: string, lineIndex: number): string {
  const start = oneTimeMarkOffset(text, lineIndex);
  if (start === undefined) return text;
  const width = String.fromCodePoint(text.codePointAt(start) ?? 0).length;
  return `${text.slice(0, start)}#${text.slice(start + width)}`;
}

/**
 * Whether knockd starts this door on its file's first sequence: true unless a `sequence` line came
 * after `one_time_sequences`, in which case knockd knocks that sequence first (checked on Debian's
 * knockd: it then opens on it, marks nothing, and moves on to the file's first usable line).
 */
export function startsOnOneTimeSequence(door: KnockdDoor): boolean {
  if (door.oneTimeSequences === undefined) return false;
  return door.keys.indexOf('sequence') < door.keys.indexOf('one_time_sequences');
}
