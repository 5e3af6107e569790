// Differential test: the matcher's O(1) structures (lanes, source table, port index) against a
// plain model of section 3 written as a list of attempts scanned on every packet, as knockd does
// (without its line-1777 bug, with millisecond timeouts, and with no bound, so nothing is evicted).
import { describe, expect, it } from 'vitest';
import {
  Matcher,
  type KnockPacket,
  type MatcherDoor,
  type MatcherEvent,
} from '../../../shared/matcher/matcher';
import { tcpFlagsMatch } from '../../../shared/sequence/tcp-flags';
import { door, LOCAL, LOCAL2, packet } from './matcher-bed';

function pick<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

interface ModelAttempt {
  door: number;
  source: string;
  started: number;
  stage: number;
  serial: number;
  done: boolean;
}

function model(
  doors: readonly MatcherDoor[],
  isLocal: (address: string) => boolean,
  packets: readonly KnockPacket[],
): MatcherEvent[] {
  const at = (i: number): MatcherDoor => pick(doors, i);
  const destinationOk = (d: MatcherDoor, p: KnockPacket) =>
    d.target !== undefined ? p.destination === d.target : isLocal(p.destination);
  const flagsOk = (d: MatcherDoor, p: KnockPacket) =>
    p.protocol === 'udp' || tcpFlagsMatch(d.tcpFlags, p.tcpFlags);
  const same = (k: { port: number; protocol: string } | undefined, p: KnockPacket) =>
    k?.port === p.port && k.protocol === p.protocol;
  const deadline = (a: ModelAttempt) => a.started + at(a.door).seqTimeoutMs;
  const events: MatcherEvent[] = [];
  let attempts: ModelAttempt[] = [];
  let serial = 0;
  for (const p of packets) {
    const counts = doors.some(
      (d) => destinationOk(d, p) && flagsOk(d, p) && d.sequence.some((k) => same(k, p)),
    );
    if (!counts) continue;
    attempts = attempts.filter((a) => !a.done);
    const due = attempts
      .filter((a) => p.time - a.started >= at(a.door).seqTimeoutMs)
      .sort((x, y) => deadline(x) - deadline(y) || x.serial - y.serial);
    for (const a of due) {
      const { source, stage } = a;
      events.push({ type: 'timeout', time: deadline(a), source, door: a.door, stage });
    }
    attempts = attempts.filter((a) => !due.includes(a));
    const mine = attempts.filter((a) => a.source === p.source && destinationOk(at(a.door), p));
    for (const a of mine) {
      const d = at(a.door);
      if (!flagsOk(d, p)) continue;
      if (!same(d.sequence[a.stage], p)) {
        a.done = true;
        continue;
      }
      a.stage += 1;
      events.push({ type: 'stage', time: p.time, source: p.source, door: a.door, stage: a.stage });
      if (a.stage === d.sequence.length) {
        events.push({ type: 'open', time: p.time, source: p.source, door: a.door });
        a.done = true;
      }
    }
    if (mine.length > 0) continue;
    doors.forEach((d, i) => {
      if (!same(d.sequence[0], p) || !flagsOk(d, p) || !destinationOk(d, p)) return;
      const a = { door: i, source: p.source, started: p.time, stage: 1, serial, done: false };
      serial += 1;
      attempts.push(a);
      events.push({ type: 'stage', time: p.time, source: p.source, door: i, stage: 1 });
      if (d.sequence.length === 1) {
        events.push({ type: 'open', time: p.time, source: p.source, door: i });
        a.done = true;
      }
    });
  }
  return events;
}

const DOORS = [
  door('ssh', '7000,8000,9000', { seqTimeout: 2, tcpFlags: 'syn' }),
  door('mixed', '7000,8000:udp,9000,7000', { seqTimeout: 1, tcpFlags: 'syn,!ack' }),
  door('fin', '9000,1000', { seqTimeout: 2, tcpFlags: 'fin' }),
  door('far', '1000,2000', { seqTimeout: 3, target: '203.0.113.5' }),
  door('one', '2000:udp'),
  door('any', '8000,1000,8000', { seqTimeout: 1 }),
];
const TOKENS = ['S7000', 'S8000', 'U8000', 'S9000', 'F9000', 'SA9000', 'S1000', 'F1000', 'A8000'];
const MORE = ['S2000', 'U2000', 'S22', 'U7000', 'S7000'];
const DESTINATIONS = [LOCAL, LOCAL2, '203.0.113.5', '198.51.100.9'];

/** Tokens that knock a door's whole sequence (what a real client of that door sends). */
function sequenceTokens(d: MatcherDoor): string[] {
  const tcp = d.tcpFlags.set.includes('fin') ? 'F' : 'S';
  return d.sequence.map((k) => `${k.protocol === 'udp' ? 'U' : tcp}${k.port}`);
}

/** Random packets from 12 hosts (4 over IPv6), a quarter of them whole sequences, mixed in. */
function stream(seed: number, length: number): KnockPacket[] {
  let state = seed;
  const next = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return Math.floor((state / 2 ** 31) * n);
  };
  const tokens = [...TOKENS, ...MORE];
  const pending: { source: string; destination: string; tokens: string[] }[] = [];
  const packets: KnockPacket[] = [];
  let time = 0;
  while (packets.length < length) {
    time += next(4) === 0 ? next(1500) : next(40);
    const host = next(12);
    const source = host < 4 ? `2001:db8::${host}` : `192.0.2.${host}`;
    const knocking = pending[0];
    if (knocking && next(3) > 0) {
      const token = knocking.tokens.shift() ?? 'S22';
      if (knocking.tokens.length === 0) pending.shift();
      packets.push(packet(token, knocking.source, knocking.destination, time));
    } else if (next(4) === 0) {
      const d = pick(DOORS, next(DOORS.length));
      const destination = d.target ?? (next(2) ? LOCAL : LOCAL2);
      pending.push({ source, destination, tokens: sequenceTokens(d) });
    } else {
      const destination = DESTINATIONS[next(10) < 7 ? 0 : next(DESTINATIONS.length)] ?? LOCAL;
      packets.push(packet(tokens[next(tokens.length)] ?? 'S22', source, destination, time));
    }
  }
  return packets;
}

describe('the matcher agrees with a plain model of section 3', () => {
  const isLocal = (address: string) => address === LOCAL || address === LOCAL2;

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`on random stream ${seed}`, () => {
      const packets = stream(seed, 5000);
      const matcher = new Matcher(DOORS, { isLocalAddress: isLocal, hashSeed: 1 });
      const events = packets.flatMap((p) => matcher.feed(p));
      const expected = model(DOORS, isLocal, packets);
      expect(events).toEqual(expected);
      // A daemon timer calling expire() between packets reports the same timeouts, only sooner.
      const timed = new Matcher(DOORS, { isLocalAddress: isLocal, hashSeed: 1 });
      const timedEvents = packets.flatMap((p, i) => [
        ...(i % 3 === 0 ? timed.expire(p.time) : []),
        ...timed.feed(p),
      ]);
      expect(timedEvents).toEqual(expected);
      const opened = new Set(events.flatMap((e) => (e.type === 'open' ? [e.door] : [])));
      expect(opened.size).toBeGreaterThanOrEqual(4);
      expect(events.filter((e) => e.type === 'timeout').length).toBeGreaterThan(0);
    });
  }
});
