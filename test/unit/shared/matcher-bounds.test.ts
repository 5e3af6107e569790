// Sesame's own guarantees around the knockd rules: bounded memory under a spoofed flood (eviction
// policy: the oldest live attempt goes first), one-time sequence swaps, IPv6 sources, determinism.
import { describe, expect, it } from 'vitest';
import { Matcher, type KnockPacket, type MatcherEvent } from '../../../shared/matcher/matcher';
import { A, A6, B, Bed, C1, door, LOCAL, LOCAL6, packet } from './matcher-bed';

/** The flood: `count` spoofed sources from 100.64.0.0/10, each sending one SYN to 7000. */
function flood(bed: Bed, first: number, count: number): string[] {
  const lines: string[] = [];
  for (let i = first; i < first + count; i += 1) {
    lines.push(...bed.send('S7000', { from: `100.64.${i >> 8}.${i & 255}` }));
    bed.wait(1);
  }
  return lines;
}

describe('bounded memory: at most maxAttempts live attempts, the oldest evicted first', () => {
  it('holds 100 attempts under 1,000 spoofed sources and evicts them in start order', () => {
    const bed = new Bed([C1], { maxAttempts: 100 });
    flood(bed, 0, 1000);
    expect(bed.matcher.attemptCount()).toBe(100);
    const evicted = bed.events.filter((event) => event.type === 'evicted');
    expect(evicted).toHaveLength(900);
    expect(evicted.slice(0, 2).map((event) => event.source)).toEqual(['100.64.0.0', '100.64.0.1']);
    expect(evicted.at(-1)).toMatchObject({ source: '100.64.3.131', stage: 1, time: 999 });
    // The survivors are the newest 100: they time out later, and nothing else is left behind.
    bed.wait(10_000).expire();
    expect(bed.events.filter((event) => event.type === 'timeout')).toHaveLength(100);
    expect(bed.matcher.attemptCount()).toBe(0);
  });

  it("a legitimate knock newer than the flood's oldest entries still opens", () => {
    // Policy: an attempt survives while fewer than maxAttempts attempts start after it.
    const bed = new Bed([C1], { maxAttempts: 100 });
    flood(bed, 0, 1000);
    const lines = [...bed.send('S7000', { from: A })];
    lines.push(...flood(bed, 1000, 45), ...bed.send('S8000', { from: A }));
    lines.push(...flood(bed, 2000, 45), ...bed.send('S9000', { from: A }));
    expect(lines.filter((line) => line.startsWith('A:'))).toEqual([
      'A: o: Stage 1',
      'A: o: Stage 2',
      'A: o: Stage 3',
      'A: o: OPEN SESAME',
    ]);
  });

  it('a knock outlived by maxAttempts newer attempts is evicted, and says so', () => {
    // The policy's limit: 120 spoofed starts during a knock, with room for 100, evict it.
    const bed = new Bed([C1], { maxAttempts: 100 });
    bed.send('S7000', { from: A });
    const lines = [...flood(bed, 0, 60), ...bed.send('S8000', { from: A }), ...flood(bed, 100, 60)];
    lines.push(...bed.send('S9000', { from: A }));
    expect(lines.filter((line) => line.startsWith('A:'))).toEqual([
      'A: o: Stage 2',
      'A: o: evicted (stage 2)',
    ]);
  });

  it('evicts by start order across doors, whatever their timeouts', () => {
    const bed = new Bed([C1, door('slow', '1000,2000', { seqTimeout: 60 })], { maxAttempts: 2 });
    bed.send('S1000', { from: A }); // due in 60 s, but the oldest
    bed.wait(1).send('S7000', { from: B }); // due in 5 s
    expect(bed.wait(1).send('S7000', { from: A6, to: LOCAL6 })).toEqual([
      'A: slow: evicted (stage 1)',
      'A6: o: Stage 1',
    ]);
  });

  it('a one-port door that opens takes no room', () => {
    const bed = new Bed([door('one', '7000'), C1], { maxAttempts: 1 });
    bed.send('S7000', { from: B });
    expect(bed.send('S7000', { from: A })).toEqual([
      'A: one: Stage 1',
      'A: one: OPEN SESAME',
      'B: o: evicted (stage 1)',
      'A: o: Stage 1',
    ]);
  });

  it('rejects a bound that is not a positive integer', () => {
    const make = (maxAttempts: number) =>
      new Matcher([C1], { isLocalAddress: () => true, maxAttempts, hashSeed: 1 });
    expect(() => make(0)).toThrow(RangeError);
    expect(() => make(1.5)).toThrow(RangeError);
    expect(make(1).attemptCount()).toBe(0);
  });
});

describe('one-time sequences', () => {
  it('retires attempts in progress on the used sequence, silently', () => {
    const bed = new Bed([door('once', '3001,3002,3003'), C1]);
    bed.send('S3001 S3002', { from: B });
    bed.send('S3001 S3002 S3003', { from: A });
    bed.matcher.setDoorSequence(0, door('once', '4001,4002').sequence);
    expect(bed.send('S3003 S4001 S4002', { from: B })).toEqual([
      'B: once: Stage 1',
      'B: once: Stage 2',
      'B: once: OPEN SESAME',
    ]);
    expect(bed.send('S4001', { from: '192.0.2.30' })).toEqual(['192.0.2.30: once: Stage 1']);
    bed.matcher.setDoorSequence(0, door('once', '5001,5002').sequence);
    expect(bed.wait(60_000).expire()).toEqual([]); // no timeout for a retired attempt
  });

  it('a disabled door ignores its ports while the other doors keep serving', () => {
    const bed = new Bed([door('once', '7000,1000'), C1]);
    bed.matcher.disableDoor(0);
    expect(bed.matcher.passesFilter(packet('S1000', A, LOCAL, 0))).toBe(false);
    expect(bed.send('S7000 S1000 S8000 S9000')).toEqual([
      'A: o: Stage 1',
      'A: o: Stage 2',
      'A: o: Stage 3',
      'A: o: OPEN SESAME',
    ]);
  });

  it('refuses an unknown door or an empty sequence (programming errors, thrown)', () => {
    const bed = new Bed([C1]);
    expect(() => bed.matcher.setDoorSequence(1, C1.sequence)).toThrow(RangeError);
    expect(() => bed.matcher.setDoorSequence(0, [])).toThrow(RangeError);
    expect(() => bed.matcher.disableDoor(-1)).toThrow(RangeError);
    expect(
      () => new Matcher([{ ...C1, sequence: [] }], { isLocalAddress: () => true, hashSeed: 1 }),
    ).toThrow(/empty knock sequence/);
  });
});

describe('IPv6 sources and determinism', () => {
  it('keeps IPv6 sources apart from the same host over IPv4', () => {
    const bed = new Bed([C1]);
    bed.send('S7000', { from: A6, to: LOCAL6 });
    bed.send('S7000 S8000', { from: A });
    expect(bed.send('S8000 S9000', { from: A6, to: LOCAL6 })).toEqual([
      'A6: o: Stage 2',
      'A6: o: Stage 3',
      'A6: o: OPEN SESAME',
    ]);
    expect(bed.send('S9000', { from: A })).toContain('A: o: OPEN SESAME');
  });

  /** 20,000 pseudo-random packets from 200 sources (v4 and v6) over listed and unlisted ports. */
  function stream(): KnockPacket[] {
    let seed = 12345;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const tokens = ['S7000', 'S8000', 'S9000', 'U8000', 'A9000', 'S22', 'S1000', 'S2000', 'U7777'];
    return Array.from({ length: 20_000 }, (_, i) => {
      const host = next(200);
      const v6 = host % 5 === 0;
      const token = tokens[next(tokens.length)] ?? 'S22';
      const from = v6 ? `2001:db8::${host.toString(16)}` : `192.0.2.${host}`;
      return packet(token, from, v6 ? LOCAL6 : LOCAL, i * 3);
    });
  }

  it('gives the same events for the same packets, and stays within its bound', () => {
    const doors = [C1, door('s', '1000,2000', { seqTimeout: 0.05 }), door('u', '7777:udp')];
    const run = () => {
      const matcher = new Matcher(doors, {
        isLocalAddress: () => true,
        maxAttempts: 8,
        hashSeed: 1,
      });
      const events: MatcherEvent[] = [];
      for (const p of stream()) {
        events.push(...matcher.feed(p));
        expect(matcher.attemptCount()).toBeLessThanOrEqual(8 + doors.length);
        if (p.time % 300 === 0) events.push(...matcher.expire(p.time));
      }
      return events;
    };
    const first = run();
    expect(run()).toEqual(first);
    const kinds = new Set(first.map((event) => event.type));
    expect([...kinds].sort()).toEqual(['evicted', 'open', 'stage', 'timeout']);
  });
});
