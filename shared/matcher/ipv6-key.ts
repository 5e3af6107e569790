// The four int32 words that key an IPv6 source in the matcher's tables, and their inverse: the
// address's RFC 5952 text, the form the frame decoder writes (packet-decode.ts) and knockd's %IP%.
// Both run once per packet, so they work in reused scratch arrays and allocate only the text.

const COLON = 58;

/**
 * An IPv6 address's four big-endian 32-bit words, as int32 (most significant first): what
 * ipv6Words reads from the text, and what the frame decoder reads from the header.
 */
export type Ipv6Words = readonly [number, number, number, number];

/** The eight 16-bit groups of the address at hand (scratch). */
const groups = new Int32Array(8);
/** The character codes of the text being made (scratch; at most 39). */
const codes: number[] = [];

/**
 * The run of zero groups in `groups` that RFC 5952 writes as `::` (the longest of two or more, the
 * first of equal ones), as start * 16 + length; -1 when there is none.
 */
function zeroRun(): number {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i + 1;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  return best === -1 ? -1 : best * 16 + bestLength;
}

/** Lower-case hex digits by value. */
const HEX = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** Appends the hex digits of a group, without leading zeros. */
function pushGroup(value: number): void {
  let shift = 12;
  while (shift > 0 && value >>> shift === 0) shift -= 4;
  for (; shift >= 0; shift -= 4) codes.push(HEX[(value >>> shift) & 15] ?? 0);
}

/**
 * The RFC 5952 text of the address whose big-endian 32-bit words are a:b:c:d (lower case, no
 * leading zeros, the longest run of two or more zero groups as `::`, the first of equal runs).
 */
export function formatIpv6(a: number, b: number, c: number, d: number): string {
  groups[0] = a >>> 16;
  groups[1] = a & 0xffff;
  groups[2] = b >>> 16;
  groups[3] = b & 0xffff;
  groups[4] = c >>> 16;
  groups[5] = c & 0xffff;
  groups[6] = d >>> 16;
  groups[7] = d & 0xffff;
  const run = zeroRun();
  const start = run === -1 ? -1 : run >> 4;
  const end = run === -1 ? -1 : start + (run & 15);
  codes.length = 0;
  for (let g = 0; g < 8; g += 1) {
    if (g === start) {
      codes.push(COLON, COLON);
      g = end - 1;
    } else {
      if (g > 0 && g !== end) codes.push(COLON);
      pushGroup(groups[g] ?? 0);
    }
  }
  return String.fromCharCode(...codes);
}

/** By character code: a lower-case hex digit's value, COLON_VALUE for `:`, -1 for the rest. */
const COLON_VALUE = 16;
const CHARACTERS = new Int8Array(128).fill(-1);
for (let v = 0; v < 16; v += 1) CHARACTERS[HEX[v] ?? 0] = v;
CHARACTERS[COLON] = COLON_VALUE;

/**
 * Writes the words of `address` into `out` (4 int32, big-endian) and returns true if `address` is
 * an IPv6 address in exactly the text formatIpv6 makes; any other spelling (upper case, leading
 * zeros, `::` elsewhere or not at all, a dotted IPv4 tail) returns false and leaves `out` unusable.
 * So one text maps to one address and back, and keying IPv6 sources by words is exact.
 */
export function ipv6Words(address: string, out: Int32Array): boolean {
  const length = address.length;
  if (length < 2 || length > 39) return false;
  let count = 0; // groups written
  let gap = -1; // where `::` stands: the number of groups written before it
  let value = 0;
  let digits = 0;
  let i = 0;
  if (address.charCodeAt(0) === COLON) {
    if (address.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  for (; i < length; i += 1) {
    const v = CHARACTERS[address.charCodeAt(i)] ?? -1;
    if (v === COLON_VALUE) {
      if (digits === 0) {
        // A colon right after another: `::` (only once, and not `:::`).
        if (gap !== -1 || address.charCodeAt(i - 1) !== COLON) return false;
        gap = count;
        continue;
      }
      if (count === 7 || i === length - 1) return false;
      groups[count++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    if (v < 0 || digits === 4 || (digits === 1 && value === 0)) return false;
    value = (value << 4) | v;
    digits += 1;
  }
  if (digits > 0) {
    if (count === 8) return false;
    groups[count++] = value;
  } else if (gap !== count) {
    return false; // ends in a single colon
  }
  return spread(count, gap, out);
}

/**
 * Moves the groups after the `::` gap to the end and zeroes the gap, checks that the gap was the
 * run RFC 5952 compresses (so the text was the canonical one), and writes the words.
 */
function spread(count: number, gap: number, out: Int32Array): boolean {
  const missing = 8 - count;
  if (gap === -1 ? missing !== 0 : missing < 2) return false;
  if (gap !== -1) {
    groups.copyWithin(gap + missing, gap, count);
    groups.fill(0, gap, gap + missing);
  }
  if (zeroRun() !== (gap === -1 ? -1 : gap * 16 + missing)) return false;
  out[0] = ((groups[0] ?? 0) << 16) | (groups[1] ?? 0);
  out[1] = ((groups[2] ?? 0) << 16) | (groups[3] ?? 0);
  out[2] = ((groups[4] ?? 0) << 16) | (groups[5] ?? 0);
  out[3] = ((groups[6] ?? 0) << 16) | (groups[7] ?? 0);
  return true;
}
