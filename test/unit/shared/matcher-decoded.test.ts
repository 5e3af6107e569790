// The matcher fed as the server feeds it: packets from the frame decoder, which carry their source's
// key (sourceKey for IPv4, sourceWords for IPv6) beside its text. The key must be used as given, and
// a source must be one source whether its packets carry the key or only the text (tests, replays).
import { describe, expect, it } from 'vitest';
import type { KnockPacket } from '../../../shared/matcher/matcher';
import { decodeFrame } from '../../../shared/matcher/packet-decode';
import { type AddressWords, writeIpFrame } from '../../bench/ip-frame';
import { Bed, C1, LOCAL, LOCAL6, packet } from './matcher-bed';

const SYN = 0x02;
const LOCAL_WORDS: AddressWords = [0x0a000001]; // 10.0.0.1
const LOCAL6_WORDS: AddressWords = [0x20010db8, 0, 0, 1]; // 2001:db8::1

/** A SYN to `port` as the server hands it over: decoded from its frame, then given its time. */
function decoded(source: AddressWords, port: number, time: number): KnockPacket {
  const destination = source.length === 1 ? LOCAL_WORDS : LOCAL6_WORDS;
  const frame = Buffer.alloc(60);
  const length = writeIpFrame({ source, destination, protocol: 'tcp', port, tcpFlags: SYN }, frame);
  const made = decodeFrame('raw', frame, length);
  if (!made) throw new Error('not decoded');
  return { time, ...made };
}

/** Feeds the packets in order, 100 ms apart, and returns the log lines. */
function feed(bed: Bed, packets: ((time: number) => KnockPacket)[]): string[] {
  return packets.flatMap((make) => {
    bed.now += 100;
    return bed.record(bed.matcher.feed(make(bed.now)));
  });
}

describe('the matcher with packets from the frame decoder', () => {
  it('opens for a sequence of decoded packets, IPv4 and IPv6, with the decoded text', () => {
    const bed = new Bed([C1]);
    const v4: AddressWords = [0xc0000263 | 0]; // 192.0.2.99
    const v6: AddressWords = [0x20010db8, 0, 1, 0x99]; // 2001:db8::1:0:99
    const lines = feed(bed, [
      (t) => decoded(v4, 7000, t),
      (t) => decoded(v6, 7000, t),
      (t) => decoded(v4, 8000, t),
      (t) => decoded(v6, 8000, t),
      (t) => decoded(v4, 9000, t),
      (t) => decoded(v6, 9000, t),
    ]);
    expect(lines.filter((line) => line.endsWith('OPEN SESAME'))).toEqual([
      '192.0.2.99: o: OPEN SESAME',
      '2001:db8::1:0:99: o: OPEN SESAME',
    ]);
  });

  it('is one source whether a packet carries the key or only the text', () => {
    const cases: [AddressWords, string][] = [
      [[0xc0000263 | 0], '192.0.2.99'],
      [[0x20010db8, 0, 1, 0x99], '2001:db8::1:0:99'],
      [[0, 0, 0xffff, 0x0a000009], '::ffff:a00:9'],
      [[0, 0, 0, 0], '::'],
    ];
    for (const [words, text] of cases) {
      const to = words.length === 1 ? LOCAL : LOCAL6;
      // Carried, text, carried; and text, carried, text.
      for (const first of [true, false]) {
        const bed = new Bed([C1]);
        const lines = feed(
          bed,
          [7000, 8000, 9000].map((port, i) =>
            (i % 2 === 0) === first
              ? (t: number) => decoded(words, port, t)
              : (t: number) => packet(`S${port}`, text, to, t),
          ),
        );
        expect(lines, `${text}, first ${first ? 'decoded' : 'text'}`).toContain(
          `${text}: o: OPEN SESAME`,
        );
      }
    }
  });

  it('keeps an IPv4-mapped source and its IPv4 host apart when both carry keys', () => {
    const bed = new Bed([C1]);
    const lines = feed(bed, [
      (t) => decoded([0, 0, 0xffff, 0x0a000009], 7000, t),
      (t) => decoded([0x0a000009], 8000, t), // another source: starts nothing
      (t) => decoded([0, 0, 0xffff, 0x0a000009], 8000, t),
    ]);
    expect(lines).toEqual(['::ffff:a00:9: o: Stage 1', '::ffff:a00:9: o: Stage 2']);
  });

  it('reports the timeout of a decoded IPv6 source with the text it carried', () => {
    const bed = new Bed([C1]);
    feed(bed, [(t) => decoded([0xfe800000 | 0, 0, 0x10000, 0], 7000, t)]);
    expect(bed.wait(10_000).expire()).toEqual(['fe80::1:0:0:0: o: sequence timeout (stage 1)']);
  });

  it('takes the key the packet carries and does not read the text back', () => {
    // Packets that break the rule (a key that is not their text's) show which one keys the source:
    // here the key of 192.0.2.99 and of 2001:db8::99 under another text.
    const bed = new Bed([C1]);
    const lines = feed(bed, [
      (t) => packet('S7000', '192.0.2.99', LOCAL, t),
      (t) => ({ ...packet('S8000', 'another', LOCAL, t), sourceKey: 0xc0000263 | 0 }),
      (t) => packet('S7000', '2001:db8::99', LOCAL6, t),
      (t) => ({ ...packet('S8000', 'another', LOCAL6, t), sourceWords: [0x20010db8, 0, 0, 0x99] }),
    ]);
    expect(lines).toEqual([
      '192.0.2.99: o: Stage 1',
      'another: o: Stage 2',
      '2001:db8::99: o: Stage 1',
      'another: o: Stage 2',
    ]);
  });
});
