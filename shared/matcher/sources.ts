// The matcher's table of each source's attempts: keyed by number for IPv4, by four words for IPv6,
// by text for anything else.
import { type AttemptTable, NONE } from './attempt-table';
import { IntMap } from './int-map';
import { Ipv6Map } from './ipv6-map';
import { IPV6_KEY, TEXT_KEY } from './source-key';

/**
 * Each source's first attempt, the others linked from it through the table's `nextOfSource`, in
 * start order: knockd's lookup by source, without its scan. IPv4 sources are keyed by number (see
 * sourceKey), IPv6 sources by their words (see ipv6Words), others by their text. No table's order is
 * used: eviction order comes from the lanes.
 */
export class SourceTable {
  readonly #byNumber: IntMap;
  readonly #byWords: Ipv6Map;
  readonly #byText = new Map<string, number>();

  /** `hashSeed` seeds the IPv4 and IPv6 tables' hashes (spoofed sources must not pick collisions). */
  constructor(
    readonly attempts: AttemptTable,
    hashSeed: number,
  ) {
    this.#byNumber = new IntMap(hashSeed);
    this.#byWords = new Ipv6Map(hashSeed);
  }

  /**
   * The source's first attempt, or NONE: `key` is its sourceKey, or IPV6_KEY with `words` from
   * ipv6Words, or TEXT_KEY with the source in `text`.
   */
  first(key: number, words: Int32Array, text: string | undefined): number {
    if (key < TEXT_KEY) return this.#byNumber.get(key);
    if (key === IPV6_KEY) {
      return this.#byWords.get(words[0] ?? 0, words[1] ?? 0, words[2] ?? 0, words[3] ?? 0);
    }
    return this.#byText.get(text ?? '') ?? NONE;
  }

  /** Adds an attempt after the source's others (a source has at most one attempt per door). */
  append(slot: number): void {
    let last = this.#firstOf(slot);
    if (last === NONE) {
      this.#set(slot, slot);
      return;
    }
    const table = this.attempts;
    for (let after = table.nextOfSource(last); after !== NONE; after = table.nextOfSource(last)) {
      last = after;
    }
    table.setNextOfSource(last, slot);
  }

  /** Removes one attempt and nothing else (knockd's line 1777 drops the whole list here). */
  remove(slot: number): void {
    const table = this.attempts;
    const first = this.#firstOf(slot);
    if (first === slot) {
      const second = table.nextOfSource(slot);
      if (second === NONE) this.#delete(slot);
      else this.#set(slot, second);
    } else {
      let previous = first;
      while (previous !== NONE && table.nextOfSource(previous) !== slot) {
        previous = table.nextOfSource(previous);
      }
      if (previous !== NONE) table.setNextOfSource(previous, table.nextOfSource(slot));
    }
    table.setNextOfSource(slot, NONE);
  }

  /** The first attempt of the source of attempt `slot`. */
  #firstOf(slot: number): number {
    const table = this.attempts;
    const key = table.key(slot);
    if (key < TEXT_KEY) return this.#byNumber.get(key);
    if (key === IPV6_KEY) {
      return this.#byWords.get(
        table.word(slot, 0),
        table.word(slot, 1),
        table.word(slot, 2),
        table.word(slot, 3),
      );
    }
    return this.#byText.get(table.text(slot)) ?? NONE;
  }

  /** Makes `first` the first attempt of the source of attempt `slot` (the same source). */
  #set(slot: number, first: number): void {
    const table = this.attempts;
    const key = table.key(slot);
    if (key < TEXT_KEY) {
      this.#byNumber.set(key, first);
    } else if (key === IPV6_KEY) {
      this.#byWords.set(
        table.word(slot, 0),
        table.word(slot, 1),
        table.word(slot, 2),
        table.word(slot, 3),
        first,
      );
    } else {
      this.#byText.set(table.text(slot), first);
    }
  }

  /** Forgets the source of attempt `slot` (it has no attempt left). */
  #delete(slot: number): void {
    const table = this.attempts;
    const key = table.key(slot);
    if (key < TEXT_KEY) {
      this.#byNumber.delete(key);
    } else if (key === IPV6_KEY) {
      this.#byWords.delete(
        table.word(slot, 0),
        table.word(slot, 1),
        table.word(slot, 2),
        table.word(slot, 3),
      );
    } else {
      this.#byText.delete(table.text(slot));
    }
  }
}
