// A hash map from IPv6 addresses (four int32 words, see ipv6-key.ts) to values: IntMap's design
// (int-map.ts) for 128-bit keys. Open addressing with linear probing and backward-shift deletion;
// the words live in one Int32Array, four per slot, so a lookup hashes and compares numbers and
// allocates nothing, where a Map<string> hashes and compares the address text.
//
// The addresses are spoofable at will, so the hash is keyed as IntMap's is: simple tabulation over
// the 16 bytes of the address, tables drawn from the caller's seed. A cheaper hash that first folds
// the words into one (XOR, or a sum) lets an attacker pick any number of addresses that fold alike
// (a:b:c:d with c = d all fold to a ^ b under XOR), whatever the seed of what follows.
import { NONE } from './attempt-table';
import { tabulationTables } from './int-map';

const MIN_CAPACITY = 1 << 10;

/** The XOR of the four table words for the bytes of `word`, from the tables at `base`. */
function tabulate(t: Int32Array, base: number, word: number): number {
  return (
    (t[base | (word & 0xff)] ?? 0) ^
    (t[base | 256 | ((word >>> 8) & 0xff)] ?? 0) ^
    (t[base | 512 | ((word >>> 16) & 0xff)] ?? 0) ^
    (t[base | 768 | (word >>> 24)] ?? 0)
  );
}

/**
 * IPv6 address -> non-negative int32 map for the matcher's per-source lookup (source to attempt
 * slot), in typed arrays outside the traced heap.
 */
export class Ipv6Map {
  /** Four words per slot; a slot is free when its value is NONE. */
  #words = new Int32Array(4 * MIN_CAPACITY);
  #values = new Int32Array(MIN_CAPACITY).fill(NONE);
  #mask = MIN_CAPACITY - 1;
  #shift = 32 - Math.log2(MIN_CAPACITY);
  #size = 0;
  readonly #tables: Int32Array;
  /** The last address hashed, and its hash (0:0:0:0's at first). */
  #lastA = 0;
  #lastB = 0;
  #lastC = 0;
  #lastD = 0;
  #lastHash: number;

  /** `seed` picks the hash: give each process (or matcher) an unpredictable one. */
  constructor(seed: number) {
    const t = tabulationTables(seed, 16);
    this.#tables = t;
    this.#lastHash =
      tabulate(t, 0, 0) ^ tabulate(t, 1024, 0) ^ tabulate(t, 2048, 0) ^ tabulate(t, 3072, 0);
  }

  /** The value stored for the address a:b:c:d (its words, most significant first), or NONE. */
  get(a: number, b: number, c: number, d: number): number {
    const words = this.#words;
    const values = this.#values;
    for (let i = this.#slot(a, b, c, d); ; i = (i + 1) & this.#mask) {
      const value = values[i] ?? NONE;
      if (value === NONE) return NONE;
      const at = 4 * i;
      // The last word first: spoofed sources in one prefix differ there.
      if (words[at + 3] === d && words[at + 2] === c && words[at + 1] === b && words[at] === a) {
        return value;
      }
    }
  }

  /** Stores `value` (a non-negative int32) for the address, replacing any earlier one. */
  set(a: number, b: number, c: number, d: number, value: number): void {
    if (2 * (this.#size + 1) > this.#values.length) this.#grow();
    const words = this.#words;
    const values = this.#values;
    for (let i = this.#slot(a, b, c, d); ; i = (i + 1) & this.#mask) {
      const at = 4 * i;
      if (values[i] === NONE) {
        words[at] = a;
        words[at + 1] = b;
        words[at + 2] = c;
        words[at + 3] = d;
        values[i] = value;
        this.#size += 1;
        return;
      }
      if (words[at + 3] === d && words[at + 2] === c && words[at + 1] === b && words[at] === a) {
        values[i] = value;
        return;
      }
    }
  }

  /** Removes the address; later entries of its probe run shift back, so lookups never meet a hole. */
  delete(a: number, b: number, c: number, d: number): void {
    const words = this.#words;
    const values = this.#values;
    const mask = this.#mask;
    let hole = this.#slot(a, b, c, d);
    for (; ; hole = (hole + 1) & mask) {
      if (values[hole] === NONE) return;
      const at = 4 * hole;
      if (words[at + 3] === d && words[at + 2] === c && words[at + 1] === b && words[at] === a) {
        break;
      }
    }
    for (let i = (hole + 1) & mask; values[i] !== NONE; i = (i + 1) & mask) {
      // An entry may fill the hole if its home slot is not between the hole and itself.
      const at = 4 * i;
      const home = this.#slot(
        words[at] ?? 0,
        words[at + 1] ?? 0,
        words[at + 2] ?? 0,
        words[at + 3] ?? 0,
      );
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        words.copyWithin(4 * hole, at, at + 4);
        values[hole] = values[i] ?? NONE;
        hole = i;
      }
    }
    values[hole] = NONE;
    this.#size -= 1;
  }

  /** How many slots a lookup of the address reads before it ends (see IntMap.probes). */
  probes(a: number, b: number, c: number, d: number): number {
    const words = this.#words;
    const values = this.#values;
    let count = 1;
    for (let i = this.#slot(a, b, c, d); values[i] !== NONE; i = (i + 1) & this.#mask) {
      const at = 4 * i;
      if (words[at + 3] === d && words[at + 2] === c && words[at + 1] === b && words[at] === a) {
        break;
      }
      count += 1;
    }
    return count;
  }

  /** How many addresses are stored. */
  get size(): number {
    return this.#size;
  }

  /**
   * Simple tabulation over the 16 bytes: the top bits of the XOR of one table word per byte. The
   * last address's hash is kept: the matcher looks a source up, then adds or removes it.
   */
  #slot(a: number, b: number, c: number, d: number): number {
    if (d !== this.#lastD || c !== this.#lastC || b !== this.#lastB || a !== this.#lastA) {
      const t = this.#tables;
      this.#lastHash =
        tabulate(t, 0, a) ^ tabulate(t, 1024, b) ^ tabulate(t, 2048, c) ^ tabulate(t, 3072, d);
      this.#lastA = a;
      this.#lastB = b;
      this.#lastC = c;
      this.#lastD = d;
    }
    return this.#lastHash >>> this.#shift;
  }

  #grow(): void {
    const words = this.#words;
    const values = this.#values;
    const capacity = values.length * 2;
    this.#words = new Int32Array(4 * capacity);
    this.#values = new Int32Array(capacity).fill(NONE);
    this.#mask = capacity - 1;
    this.#shift -= 1;
    this.#size = 0;
    for (const [i, value] of values.entries()) {
      if (value === NONE) continue;
      const at = 4 * i;
      this.set(words[at] ?? 0, words[at + 1] ?? 0, words[at + 2] ?? 0, words[at + 3] ?? 0, value);
    }
  }
}
