// A hash map from int32 keys to values: open addressing with linear probing and backward-shift
// deletion, so heavy churn (a flood of sources that come and go) leaves no tombstones and allocates
// nothing until the table doubles. Probes read only the key array; the value array is read on a hit.
// Under the matcher's churn it is 2-4 times faster than Map<number, V>.
//
// The keys are source addresses an attacker can spoof at will, so the hash is seeded: multiply-shift
// with a multiplier drawn from the caller's seed (a universal family: for two keys, a random odd
// multiplier makes them share a slot with probability at most 2/capacity). A fixed multiplier let
// 16,384 chosen sources share one probe run and cut the matcher from 489,000 to 10,000 packets/s.

/** A slot with no key (no int32 equals it). */
const FREE = 2 ** 32;
const MIN_CAPACITY = 1 << 10;

/** A 32-bit mixer (lowbias32 by Chris Wellons): spreads any seed, 0 included, over all 32 bits. */
function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

function bitCount(value: number): number {
  let x = value >>> 0;
  let count = 0;
  for (; x !== 0; x &= x - 1) count += 1;
  return count;
}

/**
 * The odd multiplier of the hash for `seed`. Multipliers with very few or very many set bits (1,
 * say) would keep the address octets apart and are skipped, so no seed gives a weak hash.
 */
export function hashMultiplier(seed: number): number {
  let multiplier = (mix32(seed) | 1) >>> 0;
  while (bitCount(multiplier) < 8 || bitCount(multiplier) > 24) {
    multiplier = (mix32(multiplier + 1) | 1) >>> 0;
  }
  return multiplier;
}

/** int32 -> value map for the matcher's per-source lookup (the hottest step per packet). */
export class IntMap<V> {
  #keys = new Float64Array(MIN_CAPACITY).fill(FREE);
  #values = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
  #mask = MIN_CAPACITY - 1;
  #shift = 32 - Math.log2(MIN_CAPACITY);
  #size = 0;
  readonly #multiplier: number;

  /** `seed` picks the hash: give each process (or matcher) an unpredictable one. */
  constructor(seed: number) {
    this.#multiplier = hashMultiplier(seed);
  }

  /** The value stored for `key` (an int32), or undefined. */
  get(key: number): V | undefined {
    const keys = this.#keys;
    for (let i = this.#slot(key); ; i = (i + 1) & this.#mask) {
      const found = keys[i];
      if (found === key) return this.#values[i];
      if (found === FREE) return undefined;
    }
  }

  /** Stores `value` for `key`, replacing any earlier one. */
  set(key: number, value: V): void {
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    const keys = this.#keys;
    for (let i = this.#slot(key); ; i = (i + 1) & this.#mask) {
      const found = keys[i];
      if (found === key || found === FREE) {
        if (found === FREE) this.#size += 1;
        keys[i] = key;
        this.#values[i] = value;
        return;
      }
    }
  }

  /** Removes `key`; later entries of its probe run shift back, so lookups never meet a hole. */
  delete(key: number): void {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let hole = this.#slot(key);
    for (; keys[hole] !== key; hole = (hole + 1) & mask) {
      if (keys[hole] === FREE) return;
    }
    for (let i = (hole + 1) & mask; keys[i] !== FREE; i = (i + 1) & mask) {
      // An entry may fill the hole if its home slot is not between the hole and itself.
      const moved = keys[i] ?? FREE;
      const home = this.#slot(moved);
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        keys[hole] = moved;
        values[hole] = values[i];
        hole = i;
      }
    }
    keys[hole] = FREE;
    values[hole] = undefined;
    this.#size -= 1;
  }

  /**
   * How many slots a lookup of `key` reads before it ends (1 when the key is in its home slot): the
   * length of the probe run, which hash flooding would make long. For tests and the benchmark.
   */
  probes(key: number): number {
    const keys = this.#keys;
    let count = 1;
    for (let i = this.#slot(key); keys[i] !== key && keys[i] !== FREE; i = (i + 1) & this.#mask) {
      count += 1;
    }
    return count;
  }

  /** How many keys are stored. */
  get size(): number {
    return this.#size;
  }

  /** Multiply-shift hashing: the top bits of key * multiplier (mod 2^32). */
  #slot(key: number): number {
    return Math.imul(key, this.#multiplier) >>> this.#shift;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const capacity = keys.length * 2;
    this.#keys = new Float64Array(capacity).fill(FREE);
    this.#values = new Array<V | undefined>(capacity).fill(undefined);
    this.#mask = capacity - 1;
    this.#shift -= 1;
    this.#size = 0;
    for (const [i, key] of keys.entries()) {
      if (key !== FREE) this.set(key, values[i] as V);
    }
  }
}
