// The source table's pieces: IPv4 keys must be exact (one string, one number), and the int map must
// behave like a Map under churn, growth and colliding probes.
import { describe, expect, it } from 'vitest';
import { NONE } from '../../../shared/matcher/attempt-table';
import { IntMap, tabulationTables } from '../../../shared/matcher/int-map';
import { formatSourceKey, sourceKey, TEXT_KEY } from '../../../shared/matcher/source-key';
import { Bed, C1, LOCAL } from './matcher-bed';

describe('sourceKey', () => {
  it('turns canonical dotted quads into int32 keys and back', () => {
    for (const address of ['0.0.0.0', '10.0.0.1', '127.0.0.1', '128.0.0.1', '255.255.255.255']) {
      const key = sourceKey(address);
      expect(key | 0).toBe(key);
      expect(formatSourceKey(key)).toBe(address);
    }
    expect(sourceKey('10.0.0.1')).toBe(0x0a000001);
    expect(sourceKey('255.255.255.255')).toBe(-1);
  });

  it('is the exact inverse of formatSourceKey over the whole space (sampled)', () => {
    for (let i = 0; i < 20_000; i += 1) {
      const key = Math.imul(i, 0x9e3779b1) ^ (i << 7);
      expect(sourceKey(formatSourceKey(key))).toBe(key);
    }
  });

  it('leaves every other text to be keyed by the text itself', () => {
    const others = [
      '',
      '010.0.0.1',
      '10.0.0.01',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '1..2.3',
      '1.2.3.',
      '.1.2.3',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '::1',
      '::ffff:10.0.0.1',
      '2001:db8::1',
      '1.2.3.4444',
    ];
    for (const text of others) expect(sourceKey(text), text).toBe(TEXT_KEY);
  });

  it('keeps non-canonical spellings apart from the canonical source', () => {
    const bed = new Bed([C1]);
    bed.send('S7000', { from: '10.9.9.9' });
    bed.send('S8000', { from: '010.9.9.9' }); // another source: 8000 starts nothing
    bed.send('S8000', { from: '::ffff:10.9.9.9', to: LOCAL });
    expect(bed.send('S8000 S9000', { from: '10.9.9.9' })).toContain('10.9.9.9: o: OPEN SESAME');
  });
});

describe('IntMap', () => {
  it('behaves like a Map under random churn with colliding keys and growth', () => {
    let seed = 99;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    // Keys that differ only in low bits or only in high bits, so probe runs collide and wrap.
    const keyOf = (n: number) => (n % 2 ? n : (n << 20) | 0);
    const map = new IntMap(12345);
    const reference = new Map<number, number>();
    for (let op = 0; op < 200_000; op += 1) {
      const key = keyOf(next(op < 100_000 ? 5_000 : 500));
      const roll = next(3);
      if (roll === 0) {
        map.set(key, op);
        reference.set(key, op);
      } else if (roll === 1) {
        map.delete(key);
        reference.delete(key);
      }
      if (map.get(key) !== (reference.get(key) ?? NONE) || map.size !== reference.size) {
        throw new Error(`IntMap and Map differ after operation ${op} on key ${key}`);
      }
    }
    for (const [key, value] of reference) expect(map.get(key)).toBe(value);
    for (let n = 0; n < 5_000; n += 1) {
      if (!reference.has(keyOf(n))) expect(map.get(keyOf(n))).toBe(NONE);
    }
  });

  it('spreads keys chosen to collide under an unseeded hash (no hash flooding)', () => {
    // 16,384 sources whose product with the golden-ratio multiplier (the unseeded hash) is 0..16383:
    // that hash sends all of them to slot 0, one probe run 16,384 long, and every lookup walks it.
    const inverse = 0x0e8b2f51; // 0x9e3779b1 * 0x0e8b2f51 = 1 (mod 2^32)
    expect(Math.imul(0x9e3779b1, inverse)).toBe(1);
    const chosen = Array.from({ length: 16_384 }, (_, j) => Math.imul(j, inverse));
    for (const seed of [0, 1, 0x9e3779b9, 0xdeadbeef, 0xffffffff]) {
      const map = new IntMap(seed);
      for (const key of chosen) map.set(key, key);
      const longest = Math.max(...chosen.map((key) => map.probes(key)));
      const misses = Array.from({ length: 1000 }, (_, j) => Math.imul(16_384 + j, inverse));
      const longestMiss = Math.max(...misses.map((key) => map.probes(key)));
      // At load 1/2 a random hash gives runs of a few dozen at most; the unseeded one, 16,384.
      expect(longest, `longest run with seed ${seed}`).toBeLessThan(100);
      expect(longestMiss, `longest miss with seed ${seed}`).toBeLessThan(100);
    }
  });

  it('keeps probe runs short on contiguous and strided address ranges too, whatever the seed', () => {
    const ranges = {
      contiguous: (j: number) => (0x64400000 + j) | 0, // 100.64.0.0 onwards
      '/24 apart': (j: number) => (0x0a000000 + j * 256) | 0, // 10.0.0.1, 10.0.1.1, ...
    };
    for (const [name, keyOf] of Object.entries(ranges)) {
      for (let seed = 0; seed < 20; seed += 1) {
        const map = new IntMap(seed);
        const keys = Array.from({ length: 16_384 }, (_, j) => keyOf(j));
        for (const key of keys) map.set(key, 1);
        const total = keys.reduce((sum, key) => sum + map.probes(key), 0);
        expect(total / keys.length, `${name}, seed ${seed}: mean probes`).toBeLessThan(3);
      }
    }
  });

  it('draws its tables from the seed: the same seed gives the same tables, another seed others', () => {
    expect(tabulationTables(7)).toEqual(tabulationTables(7));
    const many = new Set(Array.from({ length: 100 }, (_, seed) => tabulationTables(seed)[0]));
    expect(many.size).toBe(100);
  });

  it('stores 0 and -1 like any other key, and ignores deleting a missing key', () => {
    const map = new IntMap(7);
    map.set(0, 10);
    map.set(-1, 0);
    map.delete(12345);
    expect([map.get(0), map.get(-1), map.size]).toEqual([10, 0, 2]);
    map.delete(0);
    expect([map.get(0), map.get(-1), map.size]).toEqual([NONE, 0, 1]);
    map.set(-1, 2 ** 31 - 1);
    expect([map.get(-1), map.size]).toEqual([2 ** 31 - 1, 1]);
  });
});
