// A hash map from int32 keys to values: open addressing with linear probing and backward-shift
// deletion, so heavy churn (a flood of sources that come and go) leaves no tombstones and allocates
// nothing until the table doubles. Probes read only the key array; the value array is read on a hit.
// Under the matcher's churn it is 2-4 times faster than Map<number, V>.
//
// The keys are source addresses an attacker can spoof at will, so the hash is keyed: simple
// tabulation hashing (one random 32-bit word per byte value and byte position, XORed), its tables
// drawn from the caller's seed. Without the tables an attacker cannot choose colliding sources, and
// unlike a multiplicative hash it keeps linear probing at its expected O(1) on any key set,
// contiguous address ranges included (Patrascu and Thorup, "The Power of Simple Tabulation
// Hashing", 2011). The fixed Fibonacci hash this replaces let 16,384 chosen sources share one probe
// run, and the matcher fell to about 2 % of its speed (docs/benchmarks.md).

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

/** int32 -> value map for the matcher's per-source lookup (the hottest step per packet). */
export class IntMap<V> {
  #keys = new Float64Array(MIN_CAPACITY).fill(FREE);
  #values = new Array<V | undefined>(MIN_CAPACITY).fill(undefined);
  #mask = MIN_CAPACITY - 1;
  #shift = 32 - Math.log2(MIN_CAPACITY);
  #size = 0;
  readonly #tables: Int32Array;

  /** `seed` picks the hash: give each process (or matcher) an unpredictable one. */
  constructor(seed: number) {
    this.#tables = tabulationTables(seed);
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
