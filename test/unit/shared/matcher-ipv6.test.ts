// IPv6 sources keyed by their four words: the text and the words must map one to one (only the
// RFC 5952 spelling has words), the word table must behave like a Map and resist chosen sources, and
// the matcher's events must give back the very text the packets carried.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AttemptTable, NONE } from '../../../shared/matcher/attempt-table';
import { formatIpv6, ipv6Words } from '../../../shared/matcher/ipv6-key';
import { Ipv6Map } from '../../../shared/matcher/ipv6-map';
import { decodeFrame } from '../../../shared/matcher/packet-decode';
import { IPV6_KEY, TEXT_KEY } from '../../../shared/matcher/source-key';
import { SourceTable } from '../../../shared/matcher/sources';
import { Bed, C1, LOCAL, LOCAL6 } from './matcher-bed';

/** The words of a 16-byte address, as ipv6Words writes them. */
function wordsOf(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return [0, 4, 8, 12].map((at) => view.getInt32(at));
}

/** Random addresses, about half their groups zero, so every kind of zero run turns up. */
function randomAddresses(count: number): Buffer[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(17);
    const zeros = bytes[16] ?? 0;
    for (let g = 0; g < 8; g += 1) if ((zeros >> g) & 1) bytes.writeUInt16BE(0, 2 * g);
    return bytes.subarray(0, 16);
  });
}

function parse(text: string): number[] | undefined {
  const out = new Int32Array(4);
  return ipv6Words(text, out) ? [...out] : undefined;
}

describe('ipv6Words and formatIpv6', () => {
  it.each([
    ['::', [0, 0, 0, 0]],
    ['::1', [0, 0, 0, 1]],
    ['1::', [0x10000, 0, 0, 0]],
    ['2001:db8::1', [0x20010db8, 0, 0, 1]],
    ['2001:db8::1:0:0:1', [0x20010db8, 0, 0x10000, 1]],
    ['2001:db8:0:1::1', [0x20010db8, 1, 0, 1]],
    ['1:0:1:0:1:0:1:0', [0x10000, 0x10000, 0x10000, 0x10000]],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', [-1, -1, -1, -1]],
    ['::ffff:a00:1', [0, 0, 0xffff, 0x0a000001]],
  ])('%s has the words %j, and back', (text, words) => {
    expect(parse(text)).toEqual(words);
    const [a = 0, b = 0, c = 0, d = 0] = words;
    expect(formatIpv6(a, b, c, d)).toBe(text);
  });

  it('round-trips random addresses, in the text the WHATWG URL serializer writes', () => {
    for (const bytes of randomAddresses(2000)) {
      const words = wordsOf(bytes);
      const [a = 0, b = 0, c = 0, d = 0] = words;
      const text = formatIpv6(a, b, c, d);
      expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
      expect(parse(text), text).toEqual(words);
    }
  });

  it('gives words to no other spelling, so each address has one key and one text', () => {
    const others = [
      '',
      ':',
      '1',
      ':::',
      '1:::2',
      '::1::',
      '1::2::3',
      ':1::',
      '1::2:',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::', // `::` for one group
      '1:2:3:4:5:6::7',
      '1:2:3:4:5:6:7:8::',
      '2001:DB8::1', // upper case
      '2001:0db8::1', // leading zero
      '0::1',
      '2001:db8:0::1', // `::` not over the whole run
      '2001:db8::0:1',
      '2001:db8:0:0:0:0:0:1', // no `::`
      '1:0:0:1:0:0:0:1', // the longest run is `::`
      '1::1:0:0:0:1',
      '1:0:0:2:0:0:3:4', // the first of equal runs is `::`
      '1:0:0:2::3:4',
      '::ffff:10.0.0.1', // dotted IPv4 tail
      '10.0.0.1',
      '12345::',
      ' ::1',
      '::1 ',
      'g::1',
      '2001:db8::1%eth0',
    ];
    for (const text of others) expect(parse(text), text).toBeUndefined();
    // The canonical forms of the last three: the longest run, and the first of equal ones.
    expect(parse('1:0:0:1::1')).toEqual([0x10000, 1, 0, 1]);
    expect(parse('1::2:0:0:3:4')).toEqual([0x10000, 2, 0, 0x30004]);
  });

  it('refuses the other spellings of random addresses', () => {
    for (const bytes of randomAddresses(500)) {
      const [a = 0, b = 0, c = 0, d = 0] = wordsOf(bytes);
      const text = formatIpv6(a, b, c, d);
      const groups = Array.from({ length: 8 }, (_, g) => bytes.readUInt16BE(2 * g).toString(16));
      const spellings = [
        groups.join(':'), // uncompressed
        groups.map((g) => g.padStart(4, '0')).join(':'), // leading zeros
        text.toUpperCase(),
      ];
      for (const spelling of spellings) {
        if (spelling !== text) expect(parse(spelling), spelling).toBeUndefined();
      }
    }
  });

  it('is what the frame decoder writes, IPv4-mapped sources included', () => {
    const udp = (source: string) =>
      Uint8Array.from(
        Buffer.from(
          `60000000000811400000000000000000${source}` +
            '20010db8000000000000000000000001' +
            '1f401f4000080000',
          'hex',
        ),
      );
    expect(decodeFrame('raw', udp('0000ffff0a000001'))?.source).toBe('::ffff:a00:1');
    expect(parse('::ffff:a00:1')).toEqual([0, 0, 0xffff, 0x0a000001]);
    for (const bytes of randomAddresses(200)) {
      const packet = decodeFrame('raw', udp(Buffer.from(bytes.subarray(8)).toString('hex')));
      expect(parse(packet?.source ?? '')).toEqual([0, 0, ...wordsOf(bytes).slice(2)]);
    }
  });
});

describe('Ipv6Map', () => {
  const keyText = (k: readonly number[]) => k.join(',');

  it('behaves like a Map under random churn with colliding words and growth', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    // Addresses that differ in one word only, in the top or bottom byte of it, or not at all but
    // for where: [n, 0, 0, 0] and [0, 0, 0, n] must be apart.
    const keyOf = (n: number): [number, number, number, number] => {
      const word = n % 2 ? n >> 2 : ((n >> 2) << 24) | 0;
      const at = n % 4;
      return [at === 0 ? word : 1, at === 1 ? word : 0, at === 2 ? word : 0, at === 3 ? word : 0];
    };
    const map = new Ipv6Map(12345);
    const reference = new Map<string, number>();
    for (let op = 0; op < 100_000; op += 1) {
      const key = keyOf(next(op < 50_000 ? 4_000 : 400));
      const roll = next(3);
      if (roll === 0) {
        map.set(...key, op);
        reference.set(keyText(key), op);
      } else if (roll === 1) {
        map.delete(...key);
        reference.delete(keyText(key));
      }
      const expected = reference.get(keyText(key)) ?? NONE;
      if (map.get(...key) !== expected || map.size !== reference.size) {
        throw new Error(`Ipv6Map and Map differ after operation ${op} on ${keyText(key)}`);
      }
    }
    for (let n = 0; n < 4_000; n += 1) {
      expect(map.get(...keyOf(n))).toBe(reference.get(keyText(keyOf(n))) ?? NONE);
    }
  });

  it('stores :: and all-ones like any other address, and ignores deleting a missing one', () => {
    const map = new Ipv6Map(3);
    map.set(0, 0, 0, 0, 10);
    map.set(-1, -1, -1, -1, 0);
    map.delete(0, 0, 0, 1);
    expect([map.get(0, 0, 0, 0), map.get(-1, -1, -1, -1), map.size]).toEqual([10, 0, 2]);
    map.delete(0, 0, 0, 0);
    expect([map.get(0, 0, 0, 0), map.get(-1, -1, -1, -1), map.size]).toEqual([NONE, 0, 1]);
  });

  it('keeps probe runs short on chosen, contiguous and strided sources, whatever the seed', () => {
    const sets = {
      // a:b:n:n fold to one value under XOR, and a:b:n:-n under a sum: one run for a folding hash.
      'XOR-folding alike': (j: number) => [0x20010db8, 0, j, j],
      'sum-folding alike': (j: number) => [0x20010db8, 0, j, -j | 0],
      contiguous: (j: number) => [0x20010db8, 0, 0, j],
      'one /64 each': (j: number) => [0x20010db8, j, 0, 1],
      'top byte only': (j: number) => [(j << 24) | 0x10db8, (j >> 8) << 24, 0, 1],
    };
    for (const [name, keyOf] of Object.entries(sets)) {
      for (let seed = 0; seed < 8; seed += 1) {
        const map = new Ipv6Map(seed);
        const keys = Array.from(
          { length: 16_384 },
          (_, j) => keyOf(j) as [number, number, number, number],
        );
        for (const key of keys) map.set(...key, 1);
        expect(map.size, name).toBe(16_384);
        const probes = keys.map((key) => map.probes(...key));
        const mean = probes.reduce((sum, p) => sum + p, 0) / probes.length;
        expect(mean, `${name}, seed ${seed}: mean probes`).toBeLessThan(3);
        expect(Math.max(...probes), `${name}, seed ${seed}: longest run`).toBeLessThan(100);
      }
    }
  });
});

describe('the source table and the matcher with IPv6 sources', () => {
  const wordsFor = (text: string) => {
    const out = new Int32Array(4);
    if (!ipv6Words(text, out)) throw new Error(`not canonical: ${text}`);
    return out;
  };

  it('files IPv6 attempts by words alone, each source apart, and removes one at a time', () => {
    const attempts = new AttemptTable();
    const table = new SourceTable(attempts, 9);
    const texts = ['2001:db8::1', '2001:db8::2', '3001:db8::1', '::', '::1'];
    const slots = texts.flatMap((text, i) =>
      [0, 1].map((j) => attempts.take(0, 0, IPV6_KEY, wordsFor(text), undefined, 0, 2 * i + j)),
    );
    for (const slot of slots) table.append(slot);
    for (const [i, text] of texts.entries()) {
      const first = table.first(IPV6_KEY, wordsFor(text), undefined);
      expect(attempts.serial(first)).toBe(2 * i);
      expect(attempts.serial(attempts.nextOfSource(first))).toBe(2 * i + 1);
      expect(attempts.source(first)).toBe(text);
    }
    table.remove(slots[0] ?? NONE);
    expect(attempts.serial(table.first(IPV6_KEY, wordsFor('2001:db8::1'), undefined))).toBe(1);
    table.remove(slots[1] ?? NONE);
    expect(table.first(IPV6_KEY, wordsFor('2001:db8::1'), undefined)).toBe(NONE);
    expect(attempts.serial(table.first(IPV6_KEY, wordsFor('2001:db8::2'), undefined))).toBe(2);
    // A text-keyed source with the same address written otherwise is another source.
    expect(table.first(TEXT_KEY, new Int32Array(4), '2001:db8:0::2')).toBe(NONE);
  });

  it('reports timeouts and evictions with the text the packets carried', () => {
    const bed = new Bed([C1], { maxAttempts: 3 });
    const sources = ['2001:db8::1', '::', '::ffff:a00:1', 'fe80::1:0:0:0', '1:0:1:0:1:0:1:0'];
    for (const source of sources) bed.send('S7000', { from: source, to: LOCAL6 });
    bed.wait(10_000).expire();
    const reported = bed.events
      .filter((event) => event.type === 'evicted' || event.type === 'timeout')
      .map((event) => `${event.type} ${event.source}`);
    expect(reported).toEqual([
      'evicted 2001:db8::1',
      'evicted ::',
      'timeout ::ffff:a00:1',
      'timeout fe80::1:0:0:0',
      'timeout 1:0:1:0:1:0:1:0',
    ]);
    expect(bed.matcher.attemptCount()).toBe(0);
  });

  it('keeps an IPv4-mapped source, its IPv4 host and other spellings apart', () => {
    const bed = new Bed([C1]);
    bed.send('S7000', { from: '::ffff:a00:9', to: LOCAL6 });
    bed.send('S7000 S8000', { from: '10.0.0.9', to: LOCAL });
    bed.send('S8000', { from: '0::ffff:a00:9', to: LOCAL6 }); // text-keyed: starts nothing
    expect(bed.send('S8000 S9000', { from: '::ffff:a00:9', to: LOCAL6 })).toContain(
      '::ffff:a00:9: o: OPEN SESAME',
    );
    expect(bed.send('S9000', { from: '10.0.0.9', to: LOCAL })).toContain(
      '10.0.0.9: o: OPEN SESAME',
    );
  });

  it('finds a source again from a new packet whose text is a new string', () => {
    const bed = new Bed([C1]);
    const text = (last: number) => ['2001', 'db8', '', last.toString(16)].join(':');
    bed.send('S7000', { from: text(0xabc), to: LOCAL6 });
    bed.send('S7000', { from: text(0xabd), to: LOCAL6 });
    bed.send('S8000', { from: text(0xabc), to: LOCAL6 });
    expect(bed.send('S9000', { from: text(0xabc), to: LOCAL6 })).toEqual([
      '2001:db8::abc: o: Stage 3',
      '2001:db8::abc: o: OPEN SESAME',
    ]);
  });
});
