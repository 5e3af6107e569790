// A hash map from int32 keys to values: open addressing with linear probing and backward-shift
// deletion, so heavy churn (a flood of sources that come and go) leaves no tombstones and allocates
// nothing until the table doubles. Keys and values (non-negative int32: the matcher's attempt
// slots) share one Int32Array. Under the matcher's churn it is 2-4 times faster than Map<number, V>.
//
// The keys are source addresses an attacker can spoof at will, so the hash is keyed: simple
// tabulation hashing (one random 32-bit word per byte value and byte position, XORed), its tables
// drawn from the caller's seed. Without the tables an attacker cannot choose colliding sources, and
// unlike a multiplicative hash it keeps linear probing at its expected O(1) on any key set,
// contiguous address ranges included (Patrascu and Thorup, "The Power of Simple Tabulation
// Hashing", 2011). The fixed Fibonacci hash this replaces let 16,384 chosen sources share one probe
// run, and the matcher fell to about 2 % of its speed (docs/benchmarks.md).

import { NONE } from './attempt-table';

const MIN_CAPACITY = 1 << 10;

/** A 32-bit mixer (lowbias32 by Chris Wellons): spreads any seed, 0 included, over all 32 bits. */
function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The 256-word tables, one per byte of the key (4 for an int32, 16 for an IPv6 address), for `seed`:
 * a counter through the mixer.
 */
export function tabulationTables(seed: number, keyBytes = 4): Int32Array {
  const tables = new Int32Array(keyBytes * 256);
  let state = mix32(seed);
  for (let i = 0; i < tables.length; i += 1) {
    state = (state + 0x9e3779b9) >>> 0;
    tables[i] = mix32(state);
  }
  return tables;
}

/**
 * int32 -> non-negative int32 map for the matcher's per-source lookup (the hottest step per packet):
 * source key to attempt slot. Key and value sit side by side in one Int32Array, so a probe reads one
 * cache line and the table is 8 bytes per slot, outside the traced heap.
 */
export class IntMap {
  /** key, value, key, value, ...; a slot is free when its value is NONE. */
  #pairs = new Int32Array(2 * MIN_CAPACITY).fill(NONE);
  #mask = MIN_CAPACITY - 1;
  #shift = 32 - Math.log2(MIN_CAPACITY);
  #size = 0;
  readonly #tables: Int32Array;

  /** `seed` picks the hash: give each process (or matcher) an unpredictable one. */
  constructor(seed: number) {
    this.#tables = tabulationTables(seed);
  }

  /** The value stored for `key` (an int32), or NONE (an attempt table's "no attempt"). */
  get(key: number): number {
    const pairs = this.#pairs;
    for (let i = this.#slot(key); ; i = (i + 1) & this.#mask) {
      const value = pairs[2 * i + 1] ?? NONE;
      if (value === NONE || pairs[2 * i] === key) return value;
    }
  }

  /** Stores `value` (a non-negative int32) for `key`, replacing any earlier one. */
  set(key: number, value: number): void {
    if (2 * (this.#size + 1) > this.#pairs.length >> 1) this.#grow();
    const pairs = this.#pairs;
    for (let i = this.#slot(key); ; i = (i + 1) & this.#mask) {
      const free = pairs[2 * i + 1] === NONE;
      if (free || pairs[2 * i] === key) {
        if (free) this.#size += 1;
        pairs[2 * i] = key;
        pairs[2 * i + 1] = value;
        return;
      }
    }
  }

  /** Removes `key`; later entries of its probe run shift back, so lookups never meet a hole. */
  delete(key: number): void {
    const pairs = this.#pairs;
    const mask = this.#mask;
    let hole = this.#slot(key);
    for (; ; hole = (hole + 1) & mask) {
      if (pairs[2 * hole + 1] === NONE) return;
      if (pairs[2 * hole] === key) break;
    }
    for (let i = (hole + 1) & mask; pairs[2 * i + 1] !== NONE; i = (i + 1) & mask) {
      // An entry may fill the hole if its home slot is not between the hole and itself.
      const home = this.#slot(pairs[2 * i] ?? 0);
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        pairs[2 * hole] = pairs[2 * i] ?? 0;
        pairs[2 * hole + 1] = pairs[2 * i + 1] ?? NONE;
        hole = i;
      }
    }
    pairs[2 * hole + 1] = NONE;
    this.#size -= 1;
  }

  /**
   * How many slots a lookup of `key` reads before it ends (1 when the key is in its home slot): the
   * length of the probe run, which hash flooding would make long. For tests and the benchmark.
   */
  probes(key: number): number {
    const pairs = this.#pairs;
    let count = 1;
    for (
      let i = this.#slot(key);
      pairs[2 * i + 1] !== NONE && pairs[2 * i] !== key;
      i = (i + 1) & this.#mask
    ) {
      count += 1;
    }
    return count;
  }

  /** How many keys are stored. */
  get size(): number {
    return this.#size;
  }

  /** Simple tabulation: the top bits of the XOR of one table word per byte of the key. */
  #slot(key: number): number {
    const t = this.#tables;
    const hash =
      (t[key & 0xff] ?? 0) ^
      (t[256 | ((key >>> 8) & 0xff)] ?? 0) ^
      (t[512 | ((key >>> 16) & 0xff)] ?? 0) ^
      (t[768 | (key >>> 24)] ?? 0);
    return hash >>> this.#shift;
  }

  #grow(): void {
    const pairs = this.#pairs;
    const capacity = pairs.length; // twice the slots
    this.#pairs = new Int32Array(2 * capacity).fill(NONE);
    this.#mask = capacity - 1;
    this.#shift -= 1;
    this.#size = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const value = pairs[i + 1] ?? NONE;
      if (value !== NONE) this.set(pairs[i] ?? 0, value);
    }
  }
}
