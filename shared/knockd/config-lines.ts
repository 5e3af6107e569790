// How knockd reads a knockd.conf into lines: fixed 4096-byte reads, C whitespace, ASCII case.

/** knockd reads a file with a 4096-byte buffer: one read takes at most 4095 bytes of a line. */
export const KNOCKD_READ_BYTES = 4095;

/** One read of knockd's line loop: its 1-based number and its text, trimmed like knockd does. */
export interface ConfigLine {
  number: number;
  text: string;
}

/**
 * The lines knockd sees, the first line it would cut in two (knockd reads the rest as a line), and
 * the first line holding a NUL byte (knockd's C strings end there: it reads only the text before).
 */
export interface ConfigLines {
  lines: ConfigLine[];
  cutLine: number | undefined;
  nulLine: number | undefined;
}

/** C's isspace in the C locale: tab, new line, vertical tab, form feed, carriage return, space. */
function isCSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d);
}

/**
 * Trims C's isspace set only: a BOM or a no-break space is text to knockd, not whitespace. One scan
 * from each end (a regex `[ ]+$` retries from every space of an inner run: quadratic).
 */
export function trimC(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isCSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isCSpace(text.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Lower-cases ASCII letters only, like strcasecmp (JavaScript's toLowerCase folds more). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** Upper-cases ASCII letters only, like C's toupper in the C locale. */
export function asciiUpper(text: string): string {
  return text.replace(/[a-z]/g, (c) => c.toUpperCase());
}

function codePointBytes(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
}

/** Length of a string in UTF-8 bytes (knockd's limits count bytes, not characters). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) bytes += codePointBytes(char.codePointAt(0) ?? 0);
  return bytes;
}

/** Cuts `text` after at most `limit` UTF-8 bytes, on a character boundary. */
export function cutUtf8(text: string, limit: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += codePointBytes(char.codePointAt(0) ?? 0);
    if (bytes > limit) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Splits one physical line (with its `\n`, if any) into knockd's reads of at most 4095 bytes. */
function reads(physical: string): string[] {
  const pieces: string[] = [];
  let rest = physical;
  while (rest !== '') {
    const piece = cutUtf8(rest, KNOCKD_READ_BYTES);
    if (piece === '') break; // unreachable: one character is at most 4 bytes
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  return pieces;
}

/**
 * Reads a config the way knockd does: lines end at `\n` (so CRLF works, a lone CR does not), each
 * read ends at a NUL byte and is trimmed of C whitespace, and a line over 4095 bytes becomes several
 * numbered lines.
 */
export function readConfigLines(text: string): ConfigLines {
  const lines: ConfigLine[] = [];
  let cutLine: number | undefined;
  let nulLine: number | undefined;
  let number = 0;
  const physical = text.split('\n');
  for (const [index, line] of physical.entries()) {
    const last = index === physical.length - 1;
    if (last && line === '') break;
    const pieces = reads(last ? line : `${line}\n`);
    const first = number + 1;
    for (const [part, piece] of pieces.entries()) {
      number += 1;
      const nul = piece.indexOf('\0');
      if (nul !== -1) nulLine ??= number;
      const trimmed = trimC(nul === -1 ? piece : piece.slice(0, nul));
      lines.push({ number, text: trimmed });
      if (part > 0 && trimmed !== '' && cutLine === undefined) cutLine = first;
    }
  }
  return { lines, cutLine, nulLine };
}
