// The matcher's rules beyond the table: section 3's consequences, section 2's filter, and timeouts in
// milliseconds (a deliberate difference from knockd's whole seconds).
import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../shared/matcher/matcher';
import { parseTcpFlags, tcpFlagsMatch } from '../../../shared/sequence/tcp-flags';
import { A, B, Bed, C1, door, LOCAL, LOCAL2, packet } from './matcher-bed';

describe('section 3 consequences', () => {
  it('a retransmitted SYN (a repeated port) breaks the sequence', () => {
    const bed = new Bed([C1]);
    expect(bed.send('S7000 S7000 S8000 S9000')).toEqual(['A: o: Stage 1']);
  });

  it('a retry right after a failed knock loses its first packet to the invalidation', () => {
    const bed = new Bed([C1]);
    bed.send('S7000 S8000'); // abandoned half way: the attempt waits for 9000
    expect(bed.send('S7000 S8000 S9000')).toEqual([]); // S7000 only invalidates
    expect(bed.send('S7000 S8000 S9000')).toContain('A: o: OPEN SESAME');
  });

  it('a finished attempt stays until the next packet that reaches the matcher', () => {
    const bed = new Bed([C1]);
    bed.send('S7000 S8000 S9000');
    expect(bed.matcher.attemptCount()).toBe(1);
    bed.send('S22'); // filtered out: changes nothing
    expect(bed.matcher.attemptCount()).toBe(1);
    bed.send('S8000', { from: B }); // reaches the matcher, starts nothing
    expect(bed.matcher.attemptCount()).toBe(0);
  });

  it('an invalidated attempt also stays until the next packet, which it does not stop', () => {
    const bed = new Bed([C1]);
    bed.send('S7000 S9000');
    expect(bed.matcher.attemptCount()).toBe(1);
    expect(bed.send('S7000')).toEqual(['A: o: Stage 1']);
    expect(bed.matcher.attemptCount()).toBe(1);
  });

  it('a one-port door opens on every matching packet, TCP too', () => {
    const bed = new Bed([door('one', '7000', { tcpFlags: 'syn' })]);
    const lines = bed.send('S7000 S7000 S7000');
    expect(lines.filter((line) => line.endsWith('OPEN SESAME'))).toHaveLength(3);
  });

  it('opens are not de-duplicated: the same sequence twice opens twice', () => {
    const bed = new Bed([C1]);
    const lines = bed.send('S7000 S8000 S9000 S7000 S8000 S9000');
    expect(lines.filter((line) => line.endsWith('OPEN SESAME'))).toHaveLength(2);
  });

  it('several doors start on one packet, in file order', () => {
    const bed = new Bed([door('x', '1000,2000'), door('y', '1000,3000')]);
    expect(bed.send('S1000')).toEqual(['A: x: Stage 1', 'A: y: Stage 1']);
    expect(bed.send('S3000')).toEqual(['A: y: Stage 2', 'A: y: OPEN SESAME']);
  });

  it('a port of another door invalidates, and starts nothing', () => {
    const bed = new Bed([door('x', '1000,2000'), door('y', '3000,4000')]);
    expect(bed.send('S1000 S3000 S2000 S4000')).toEqual(['A: x: Stage 1']);
  });

  it("a TCP packet that fails the attempt's own flag test is ignored by it, even on a wrong port", () => {
    // FIN to 2000 reaches the matcher because door y accepts it; x (syn) ignores it.
    const bed = new Bed([
      door('x', '1000,2000', { tcpFlags: 'syn' }),
      door('y', '2000,3000', { tcpFlags: 'fin' }),
    ]);
    expect(bed.matcher.passesFilter(packet('F2000', A, LOCAL, 0))).toBe(true);
    expect(bed.send('S1000 F2000 S2000')).toEqual([
      'A: x: Stage 1',
      'A: x: Stage 2',
      'A: x: OPEN SESAME',
    ]);
  });

  it("removing one source's attempt keeps every other source's progress (deliberate difference)", () => {
    // knockd's line-1777 bug empties the whole list when A's finished attempt is removed.
    const bed = new Bed([C1]);
    bed.send('S7000', { from: B });
    bed.send('S7000 S8000 S9000', { from: A });
    expect(bed.send('S8000 S9000', { from: B })).toEqual([
      'B: o: Stage 2',
      'B: o: Stage 3',
      'B: o: OPEN SESAME',
    ]);
  });
});

describe('section 2: which packets count', () => {
  const matcher = new Matcher(
    [
      { ...door('tcp', '7000,8000,9000', { tcpFlags: 'syn' }) },
      { ...door('udp', '5000:udp,5001:udp') },
      { ...door('far', '6000,6001', { target: '203.0.113.5' }) },
    ],
    { isLocalAddress: (address) => address === LOCAL || address === LOCAL2, hashSeed: 1 },
  );
  const passes = (token: string, to = LOCAL) => matcher.passesFilter(packet(token, A, to, 0));

  it('drops ports that no door lists, and impossible ports', () => {
    expect(passes('S22')).toBe(false);
    expect(passes('S70000')).toBe(false);
    expect(passes('S7000')).toBe(true);
  });

  it('drops UDP to a TCP-only port and TCP to a UDP-only port', () => {
    expect(passes('U7000')).toBe(false);
    expect(passes('S5000')).toBe(false);
    expect(passes('U5000')).toBe(true);
  });

  it("drops packets to addresses that are not the interface's, unless a door targets them", () => {
    expect(passes('S7000', '198.51.100.7')).toBe(false);
    expect(passes('S7000', LOCAL2)).toBe(true);
    expect(passes('S6000', LOCAL)).toBe(false);
    expect(passes('S6000', '203.0.113.5')).toBe(true);
  });

  it('tests the flags of the door that lists the port (UDP has none)', () => {
    expect(passes('A7000')).toBe(false);
    expect(passes('SA7000')).toBe(true);
    expect(passes('F6000', '203.0.113.5')).toBe(true); // "far" has no flag test
  });

  it('agrees with tcpFlagsMatch for every flag byte and several tests', () => {
    for (const text of ['syn', 'syn,!ack', 'fin,!ack', '!syn,!rst', 'urg,psh,ack']) {
      const test = parseTcpFlags(text);
      if (!test.ok) throw new Error(test.error);
      const one = new Matcher([{ ...door('d', '1000'), tcpFlags: test.value }], {
        isLocalAddress: () => true,
        hashSeed: 1,
      });
      for (let bits = 0; bits < 64; bits += 1) {
        const p = { ...packet('S1000', A, LOCAL, 0), tcpFlags: bits };
        expect(one.passesFilter(p), `${text} on ${bits}`).toBe(tcpFlagsMatch(test.value, bits));
      }
    }
  });

  it('asks isLocalAddress at most once per packet, and never for unlisted ports', () => {
    const asked: string[] = [];
    const m = new Matcher([C1, door('p', '7000,9000', { tcpFlags: 'syn' })], {
      isLocalAddress: (address) => (asked.push(address), true),
      hashSeed: 1,
    });
    m.feed(packet('S22', A, LOCAL, 0));
    expect(asked).toEqual([]);
    m.feed(packet('S7000', A, LOCAL, 0));
    m.feed(packet('S8000', A, LOCAL, 1));
    expect(asked).toEqual([LOCAL, LOCAL]);
  });

  it('lets knocks to two local addresses combine', () => {
    const bed = new Bed([C1]);
    bed.send('S7000', { to: LOCAL });
    expect(bed.send('S8000 S9000', { to: LOCAL2 })).toContain('A: o: OPEN SESAME');
  });

  it("finds a source's attempts by destination: a target door and a local door interleave", () => {
    const bed = new Bed([
      door('far', '1000,2000', { target: '203.0.113.5' }),
      door('near', '3000,4000'),
    ]);
    const far = { to: '203.0.113.5' };
    expect([
      ...bed.send('S1000', far),
      ...bed.send('S3000'),
      ...bed.send('S2000', far),
      ...bed.send('S4000'),
    ]).toEqual([
      'A: far: Stage 1',
      'A: near: Stage 1',
      'A: far: Stage 2',
      'A: far: OPEN SESAME',
      'A: near: Stage 2',
      'A: near: OPEN SESAME',
    ]);
  });
});

describe('timeouts in milliseconds (deliberate difference: knockd counts whole seconds)', () => {
  it('expires exactly when now - started >= seq_timeout', () => {
    const almost = new Bed([C1]);
    almost.send('S7000 S8000');
    expect(almost.wait(4899).send('S9000')).toContain('A: o: OPEN SESAME'); // 4999 ms after S7000
    const late = new Bed([C1]);
    late.send('S7000 S8000');
    expect(late.wait(4900).send('S9000')).toEqual(['A: o: sequence timeout (stage 2)']);
  });

  it('reports a timeout when it is due, at its deadline, through nextExpiry and expire', () => {
    const bed = new Bed([C1]);
    expect(bed.matcher.nextExpiry()).toBeUndefined();
    bed.send('S7000');
    expect(bed.matcher.nextExpiry()).toBe(5000);
    expect(bed.wait(4999).expire()).toEqual([]);
    expect(bed.wait(1).expire()).toEqual(['A: o: sequence timeout (stage 1)']);
    expect(bed.events.at(-1)).toEqual({
      type: 'timeout',
      time: 5000,
      source: A,
      door: 0,
      stage: 1,
    });
    expect(bed.matcher.nextExpiry()).toBeUndefined();
    expect(bed.matcher.attemptCount()).toBe(0);
  });

  it('reports timeouts of several doors and sources in deadline order', () => {
    const C = '192.0.2.30';
    const bed = new Bed([C1, door('slow', '1000,2000', { seqTimeout: 2 })]);
    bed.send('S7000', { from: A });
    bed.send('S1000', { from: B });
    bed.wait(10);
    bed.send('S1000', { from: C });
    expect(bed.matcher.nextExpiry()).toBe(2000);
    expect(bed.wait(10_000).expire()).toEqual([
      'B: slow: sequence timeout (stage 1)',
      `${C}: slow: sequence timeout (stage 1)`,
      'A: o: sequence timeout (stage 1)',
    ]);
    expect(bed.events.map((event) => event.time).slice(-3)).toEqual([2000, 2010, 5000]);
  });

  it('a knock after a timeout starts afresh', () => {
    const bed = new Bed([C1]);
    bed.send('S7000');
    expect(bed.wait(5000).send('S7000 S8000 S9000')).toEqual([
      'A: o: sequence timeout (stage 1)',
      'A: o: Stage 1',
      'A: o: Stage 2',
      'A: o: Stage 3',
      'A: o: OPEN SESAME',
    ]);
  });

  it('accepts every sequence that knockd accepts with a margin of one second', () => {
    // knockd expires when floor(now) - floor(started) >= seq_timeout, in seconds.
    const knockdAccepts = (start: number, end: number, seconds: number) =>
      Math.floor(end / 1000) - Math.floor(start / 1000) < seconds;
    for (const seconds of [1, 2, 5, 25]) {
      const matcher = new Matcher([{ ...C1, seqTimeoutMs: seconds * 1000 }], {
        isLocalAddress: () => true,
        hashSeed: 1,
      });
      let trial = 0;
      let longest = -1;
      for (let offset = 0; offset < 1000; offset += 97) {
        for (let elapsed = 0; elapsed < seconds * 1000 + 2000; elapsed += 89) {
          trial += 1;
          const start = trial * 100_000 + offset; // one trial at a time, each from its own source
          if (!knockdAccepts(start, start + elapsed + 1000, seconds)) continue;
          longest = Math.max(longest, elapsed);
          const source = `198.18.${trial >> 8}.${trial & 255}`;
          const events = ['S7000', 'S8000', 'S9000'].flatMap((token, i) =>
            matcher.feed(packet(token, source, LOCAL, start + (elapsed * i) / 2)),
          );
          expect(events.at(-1)?.type, `${seconds} s, ${start} + ${elapsed} ms`).toBe('open');
        }
      }
      // The grid reaches the limit: with a 1 s margin knockd accepts just under seconds - 1.
      expect(longest).toBeGreaterThan((seconds - 1) * 1000 - 100);
    }
  });

  it('treats a packet time earlier than the last as the last (the clock never goes back)', () => {
    const bed = new Bed([C1]);
    bed.send('S7000');
    bed.matcher.feed(packet('S8000', A, LOCAL, 4000));
    expect(bed.matcher.feed(packet('S9000', A, LOCAL, 3000))).toContainEqual({
      type: 'open',
      time: 4000,
      source: A,
      door: 0,
    });
    expect(bed.matcher.nextExpiry()).toBeUndefined();
    expect(bed.matcher.expire(100)).toEqual([]);
  });
});
