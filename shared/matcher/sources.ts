// The matcher's table of each source's attempts, keyed by number for IPv4 and by text otherwise.
import type { Attempt } from './attempts';
import { IntMap } from './int-map';
import { TEXT_KEY } from './source-key';

/**
 * Each source's attempts in start order: knockd's lookup by source, without its scan. IPv4 sources
 * are keyed by number (see sourceKey), others by their text. Neither table's order is used: eviction
 * order comes from the lanes.
 */
export class SourceTable {
  readonly #byNumber: IntMap<Attempt>;
  readonly #byText = new Map<string, Attempt>();

  /** `hashSeed` seeds the IPv4 table's hash (spoofed sources must not be able to pick collisions). */
  constructor(hashSeed: number) {
    this.#byNumber = new IntMap<Attempt>(hashSeed);
  }

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
