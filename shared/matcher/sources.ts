// The matcher's table of each source's attempts: keyed by number for IPv4, by four words for IPv6,
// by text for anything else.
import { type Attempt, Ipv6Attempt } from './attempts';
import { IntMap } from './int-map';
import { Ipv6Map } from './ipv6-map';
import { IPV6_KEY, TEXT_KEY } from './source-key';

/**
 * Each source's attempts in start order: knockd's lookup by source, without its scan. IPv4 sources
 * are keyed by number (see sourceKey), IPv6 sources by their words (see ipv6Words), others by their
 * text. No table's order is used: eviction order comes from the lanes.
 */
export class SourceTable {
  readonly #byNumber: IntMap<Attempt>;
  readonly #byWords: Ipv6Map<Attempt>;
  readonly #byText = new Map<string, Attempt>();

  /** `hashSeed` seeds the IPv4 and IPv6 tables' hashes (spoofed sources must not pick collisions). */
  constructor(hashSeed: number) {
    this.#byNumber = new IntMap<Attempt>(hashSeed);
    this.#byWords = new Ipv6Map<Attempt>(hashSeed);
  }

  /**
   * The source's first attempt: `key` is its sourceKey, or IPV6_KEY with `words` from ipv6Words, or
   * TEXT_KEY with the source in `text`.
   */
  first(key: number, words: Int32Array, text: string | undefined): Attempt | undefined {
    if (key < TEXT_KEY) return this.#byNumber.get(key);
    if (key === IPV6_KEY) {
      return this.#byWords.get(words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0);
    }
    return this.#byText.get(text ?? '');
  }

  /** Adds an attempt after the source's others (a source has at most one attempt per door). */
  append(attempt: Attempt): void {
    let last = this.#firstOf(attempt);
    if (!last) {
      this.#set(attempt);
      return;
    }
    while (last.nextOfSource) last = last.nextOfSource;
    last.nextOfSource = attempt;
  }

  /** Removes one attempt and nothing else (knockd's line 1777 drops the whole list here). */
  remove(attempt: Attempt): void {
    const first = this.#firstOf(attempt);
    if (first === attempt) {
      const next = attempt.nextOfSource;
      if (next) this.#set(next);
      else this.#delete(attempt);
    } else {
      let previous = first;
      while (previous && previous.nextOfSource !== attempt) previous = previous.nextOfSource;
      if (previous) previous.nextOfSource = attempt.nextOfSource;
    }
    attempt.nextOfSource = undefined;
  }

  /** The first attempt of the attempt's source. */
  #firstOf(attempt: Attempt): Attempt | undefined {
    const key = attempt.key;
    if (key < TEXT_KEY) return this.#byNumber.get(key);
    if (attempt instanceof Ipv6Attempt) {
      return this.#byWords.get(attempt.w0, attempt.w1, attempt.w2, attempt.w3);
    }
    return this.#byText.get(attempt.text ?? '');
  }

  /** Makes `first` the first attempt of its source. */
  #set(first: Attempt): void {
    const key = first.key;
    if (key < TEXT_KEY) {
      this.#byNumber.set(key, first);
    } else if (first instanceof Ipv6Attempt) {
      this.#byWords.set(first.w0, first.w1, first.w2, first.w3, first);
    } else {
      this.#byText.set(first.text ?? '', first);
    }
  }

  /** Forgets the attempt's source (it has no attempt left). */
  #delete(attempt: Attempt): void {
    const key = attempt.key;
    if (key < TEXT_KEY) {
      this.#byNumber.delete(key);
    } else if (attempt instanceof Ipv6Attempt) {
      this.#byWords.delete(attempt.w0, attempt.w1, attempt.w2, attempt.w3);
    } else {
      this.#byText.delete(attempt.text ?? '');
    }
  }
}
