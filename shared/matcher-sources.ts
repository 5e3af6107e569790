// The matcher's table of each source's attempts, keyed by number for IPv4 and by text otherwise.
import type { Attempt } from './matcher-attempts';
import { IntMap } from './matcher-int-map';

/** `sourceKey` of an address that is not a canonical dotted quad: such sources are keyed by text. */
export const TEXT_KEY = 2 ** 32;

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

/**
 * Each source's attempts in start order: knockd's lookup by source, without its scan. IPv4 sources
 * are keyed by number (see sourceKey), others by their text. Neither table's order is used: eviction
 * order comes from the lanes.
 */
export class SourceTable {
  readonly #byNumber = new IntMap<Attempt>();
  readonly #byText = new Map<string, Attempt>();

  /** The source's first attempt (`key` is sourceKey(source), `text` the source if that is TEXT_KEY). */
  first(key: number, text: string | undefined): Attempt | undefined {
    return key === TEXT_KEY ? this.#byText.get(text ?? '') : this.#byNumber.get(key);
  }

  /** Adds an attempt after the source's others (a source has at most one attempt per door). */
  append(attempt: Attempt): void {
    let last = this.first(attempt.key, attempt.text);
    if (!last) {
      this.#set(attempt);
      return;
    }
    while (last.nextOfSource) last = last.nextOfSource;
    last.nextOfSource = attempt;
  }

  /** Removes one attempt and nothing else (knockd's line 1777 drops the whole list here). */
  remove(attempt: Attempt): void {
    const first = this.first(attempt.key, attempt.text);
    if (first === attempt) {
      const next = attempt.nextOfSource;
      if (next) this.#set(next);
      else if (attempt.key === TEXT_KEY) this.#byText.delete(attempt.text ?? '');
      else this.#byNumber.delete(attempt.key);
    } else {
      let previous = first;
      while (previous && previous.nextOfSource !== attempt) previous = previous.nextOfSource;
      if (previous) previous.nextOfSource = attempt.nextOfSource;
    }
    attempt.nextOfSource = undefined;
  }

  #set(first: Attempt): void {
    if (first.key === TEXT_KEY) this.#byText.set(first.text ?? '', first);
    else this.#byNumber.set(first.key, first);
  }
}
