// RFC 4648 base32, the text form of a rotating-sequence secret (as TOTP's otpauth secrets).
import type { Parsed } from '../basics';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as RFC 4648 base32, upper case, without `=` padding (as otpauth URIs do). */
export function encodeBase32(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += ALPHABET.charAt((buffer >> bits) & 31);
    }
  }
  if (bits > 0) text += ALPHABET.charAt((buffer << (5 - bits)) & 31);
  return text;
}

/** Base32 lengths (mod 8) that end on a whole byte: 0, 2, 4, 5 or 7 characters in the last group. */
const VALID_TAILS = new Set([0, 2, 4, 5, 7]);

/**
 * Decodes RFC 4648 base32: letters in either case, `=` padding optional, spaces, tabs and line
 * breaks ignored (a secret copied in groups of four still reads). Anything else is refused with
 * its position, as is a length that does not end on a whole byte.
 */
export function decodeBase32(text: string): Parsed<Uint8Array> {
  const compact = text.replace(/[ \t\r\n]/g, '');
  let end = compact.length;
  while (end > 0 && compact[end - 1] === '=') end -= 1;
  const body = compact.slice(0, end).toUpperCase();
  if (!VALID_TAILS.has(body.length % 8)) {
    return { ok: false, error: `${body.length} base32 characters do not make whole bytes` };
  }
  const bytes = new Uint8Array(Math.floor((body.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (let position = 0; position < body.length; position += 1) {
    const char = body.charAt(position);
    const value = ALPHABET.indexOf(char);
    if (value === -1) {
      return {
        ok: false,
        error: `"${char}" (character ${position + 1}) is not a base32 letter (A-Z, 2-7)`,
      };
    }
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index] = (buffer >> bits) & 0xff;
      index += 1;
    }
  }
  return { ok: true, value: bytes };
}
