// The number that keys an IPv4 source in the matcher's tables, and its inverse. IPv6 sources are
// keyed by four words (ipv6-key.ts) and others by text: the two markers below say so. Both are above
// every int32, so `key < TEXT_KEY` means an IPv4 key.

/** The key of a source that is neither a canonical dotted quad nor canonical IPv6: keyed by text. */
export const TEXT_KEY = 2 ** 32;

/** The key of a source in canonical IPv6 text: keyed by its four words (ipv6Words). */
export const IPV6_KEY = 2 ** 32 + 1;

/**
 * The int32 form of a canonical dotted quad (`192.0.2.1`: no leading zeros, each part 0..255), or
 * TEXT_KEY. One string maps to one number and back, so keying IPv4 sources by it is exact; it spares
 * hashing and comparing address strings, the largest cost per packet in the benchmark.
 */
export function sourceKey(address: string): number {
  const length = address.length;
  if (length < 7 || length > 15) return TEXT_KEY;
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < length; i += 1) {
    const c = address.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return TEXT_KEY;
      value = (value << 8) | part;
      part = 0;
      digits = 0;
      dots += 1;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return TEXT_KEY; // leading zero
      part = part * 10 + (c - 48);
      digits += 1;
      if (part > 255) return TEXT_KEY;
    } else {
      return TEXT_KEY;
    }
  }
  if (digits === 0 || dots !== 3) return TEXT_KEY;
  return (value << 8) | part;
}

/** The dotted quad of a key that sourceKey made (its exact inverse). */
export function formatSourceKey(key: number): string {
  return `${key >>> 24}.${(key >>> 16) & 255}.${(key >>> 8) & 255}.${key & 255}`;
}
