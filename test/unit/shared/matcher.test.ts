// The matcher against every row of knockd-semantics.md section 7 that concerns it. Each expectation
// is knockd's outcome on the test bed, except where a comment names a deliberate difference.
import { describe, expect, it } from 'vitest';
import { A, A6, B, Bed, C1, door, LOCAL, LOCAL6, packet } from './matcher-bed';

const OPENED = ['A: o: Stage 1', 'A: o: Stage 2', 'A: o: Stage 3', 'A: o: OPEN SESAME'];

describe('section 7: cases that pin compatibility', () => {
  it('row 1: S7000 S8000 S9000 opens, for A', () => {
    const bed = new Bed([C1]);
    expect(bed.send('S7000 S8000 S9000')).toEqual(OPENED);
    expect(bed.events.at(-1)).toEqual({ type: 'open', time: 200, source: A, door: 0 });
  });

  it('row 2: an ACK-only packet to 8000 is ignored', () => {
    const bed = new Bed([C1]);
    expect(bed.matcher.passesFilter(packet('A8000', A, LOCAL, 0))).toBe(false);
    expect(bed.send('S7000 A8000 S8000 S9000')).toEqual(OPENED);
  });

  it('row 3: UDP 8000 and port 22 are filtered out and change nothing', () => {
    const bed = new Bed([C1]);
    expect(bed.matcher.passesFilter(packet('U8000', A, LOCAL, 0))).toBe(false);
    expect(bed.matcher.passesFilter(packet('S22', A, LOCAL, 0))).toBe(false);
    expect(bed.send('S7000 U8000 S22 S8000 S9000')).toEqual(OPENED);
  });

  it('row 4: S7000 S9000 S8000 S9000 reaches Stage 1 only', () => {
    expect(new Bed([C1]).send('S7000 S9000 S8000 S9000')).toEqual(['A: o: Stage 1']);
  });

  it('row 5: a repeated port invalidates (S7000 S7000 S8000 S9000: Stage 1 only)', () => {
    expect(new Bed([C1]).send('S7000 S7000 S8000 S9000')).toEqual(['A: o: Stage 1']);
  });

  it('row 6: S9000 invalidates, then S7000 starts over and the sequence opens', () => {
    expect(new Bed([C1]).send('S7000 S9000 S7000 S8000 S9000')).toEqual([
      'A: o: Stage 1',
      ...OPENED,
    ]);
  });

  it('row 7: S8000 6 s after S7000 finds the attempt timed out; no OPEN', () => {
    const lazy = new Bed([C1]);
    lazy.send('S7000');
    // With no timer calls, the next packet's expiry step reports it (as knockd does).
    expect(lazy.wait(6000).send('S8000')).toEqual(['A: o: sequence timeout (stage 1)']);
    // Sesame's daemon calls expire() when due (deliberate difference: logged when it happens).
    const timed = new Bed([C1]);
    timed.send('S7000');
    expect(timed.wait(5000).expire()).toEqual(['A: o: sequence timeout (stage 1)']);
    expect(timed.wait(1000).send('S8000')).toEqual([]);
  });

  it('row 8: A opens while B, whose first port is wrong, never starts', () => {
    const bed = new Bed([C1]);
    expect(bed.send('S7000', { from: A })).toEqual(['A: o: Stage 1']);
    expect(bed.send('S8000 S9000', { from: B })).toEqual([]);
    expect(bed.send('S8000 S9000', { from: A })).toEqual([
      'A: o: Stage 2',
      'A: o: Stage 3',
      'A: o: OPEN SESAME',
    ]);
  });

  it('row 9: [short] 1000,2000 and [long] 1000,2000,3000 both open (deliberate difference)', () => {
    // knockd: short opens and long stops at Stage 2, because removing short's finished attempt
    // empties the whole attempt list (line 1777). Sesame removes only the finished attempt.
    const bed = new Bed([door('short', '1000,2000'), door('long', '1000,2000,3000')]);
    expect(bed.send('S1000 S2000 S3000')).toEqual([
      'A: short: Stage 1',
      'A: long: Stage 1',
      'A: short: Stage 2',
      'A: short: OPEN SESAME',
      'A: long: Stage 2',
      'A: long: Stage 3',
      'A: long: OPEN SESAME',
    ]);
  });

  it('row 10: [a] 1000 and [b] 1000,2000 both open (deliberate difference)', () => {
    // knockd: a opens and b stops at Stage 1 (the same line-1777 bug). Sesame: both open.
    const bed = new Bed([door('a', '1000'), door('b', '1000,2000')]);
    expect(bed.send('S1000 S2000')).toEqual([
      'A: a: Stage 1',
      'A: a: OPEN SESAME',
      'A: b: Stage 1',
      'A: b: Stage 2',
      'A: b: OPEN SESAME',
    ]);
  });

  const mixed = door('A', '1000,2000:udp,3000', { tcpFlags: 'syn,!ack' });
  const mixedOpened = ['A: A: Stage 1', 'A: A: Stage 2', 'A: A: Stage 3', 'A: A: OPEN SESAME'];

  it('row 11: a TCP/UDP/TCP sequence with tcpflags = syn,!ack opens', () => {
    expect(new Bed([mixed]).send('S1000 U2000 S3000')).toEqual(mixedOpened);
  });

  it('row 12: SYN+ACK to 2000 fails !ack and is ignored', () => {
    const bed = new Bed([mixed]);
    expect(bed.matcher.passesFilter(packet('SA2000', A, LOCAL, 0))).toBe(false);
    expect(bed.send('S1000 SA2000 U2000 S3000')).toEqual(mixedOpened);
  });

  it('row 13: [u] 7777:udp opens on each of two datagrams', () => {
    expect(new Bed([door('u', '7777:udp')]).send('U7777 U7777')).toEqual([
      'A: u: Stage 1',
      'A: u: OPEN SESAME',
      'A: u: Stage 1',
      'A: u: OPEN SESAME',
    ]);
  });

  it('row 14: with target = 10.0.0.50, knocks to the interface address do nothing', () => {
    const bed = new Bed([{ ...C1, target: '10.0.0.50' }]);
    expect(bed.send('S7000 S8000 S9000', { to: LOCAL })).toEqual([]);
    expect(bed.matcher.attemptCount()).toBe(0);
    expect(bed.send('S7000 S8000 S9000', { to: '10.0.0.50' })).toEqual(OPENED);
  });

  it('row 15: over IPv6 the sequence opens, and the event carries the IPv6 text form', () => {
    const bed = new Bed([C1]);
    expect(bed.send('S7000 S8000 S9000', { from: A6, to: LOCAL6 })).toEqual([
      'A6: o: Stage 1',
      'A6: o: Stage 2',
      'A6: o: Stage 3',
      'A6: o: OPEN SESAME',
    ]);
    expect(bed.events.at(-1)).toMatchObject({ type: 'open', source: '2001:db8::10' });
  });

  it('row 16: an IPv6 knock opens with an IPv6 source (the daemon then picks start_command_6)', () => {
    const bed = new Bed([C1]);
    bed.send('S7000 S8000 S9000', { from: A6, to: LOCAL6 });
    const opens = bed.events.filter((event) => event.type === 'open');
    expect(opens).toEqual([{ type: 'open', time: 200, source: A6, door: 0 }]);
  });

  it('row 17: S7000 over IPv4, S8000 over IPv6, S9000 over IPv4 are two sources: Stage 1 only', () => {
    const bed = new Bed([C1]);
    const lines = [
      ...bed.send('S7000', { from: A }),
      ...bed.send('S8000', { from: A6, to: LOCAL6 }),
      ...bed.send('S9000', { from: A }),
    ];
    expect(lines).toEqual(['A: o: Stage 1']);
  });

  it('row 20 (matcher side): each one-time sequence opens once, in turn', () => {
    const lines = ['3001,3002', '4001,4002', '5001,5002'];
    const bed = new Bed([door('once', lines[0] ?? '', { tcpFlags: 'syn' })]);
    const next = (text: string) => door('once', text).sequence;
    expect(bed.send('S3001 S3002')).toContain('A: once: OPEN SESAME');
    // The daemon marks the line used and swaps in the next one.
    bed.matcher.setDoorSequence(0, next(lines[1] ?? ''));
    expect(bed.send('S3001 S3002')).toEqual([]);
    expect(bed.send('S4001 S4002')).toContain('A: once: OPEN SESAME');
    bed.matcher.setDoorSequence(0, next(lines[2] ?? ''));
    expect(bed.send('S4001 S4002')).toEqual([]);
    expect(bed.send('S5001 S5002')).toContain('A: once: OPEN SESAME');
    // No line left: knockd exits; Sesame disables the door (the daemon keeps serving the others).
    bed.matcher.disableDoor(0);
    expect(bed.send('S5001 S5002 S3001 S3002 S4001 S4002')).toEqual([]);
    expect(bed.events.filter((event) => event.type === 'open')).toHaveLength(3);
  });
});
