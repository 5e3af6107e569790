import { describe, expect, it } from 'vitest';
import { problemLine } from '../../../shared/field-problems';
import {
  formatKnockArgs,
  formatSequence,
  parseKnockArgs,
  parsePort,
  parseSequence,
  withDefaultDelay,
} from '../../../shared/sequence/sequence';
import { parseProfile } from '../../../shared/profile/profile';

describe('parseSequence (knockd syntax)', () => {
  it('reads ports with optional protocols, TCP by default', () => {
    expect(parseSequence('7000,8000:udp,9000:TCP')).toEqual({
      ok: true,
      value: [
        { port: 7000, protocol: 'tcp' },
        { port: 8000, protocol: 'udp' },
        { port: 9000, protocol: 'tcp' },
      ],
    });
  });

  it('allows spaces around elements', () => {
    expect(parseSequence(' 1 , 2:udp ')).toMatchObject({
      ok: true,
      value: [{ port: 1 }, { port: 2 }],
    });
  });

  it.each([
    ['0', 'element 1 "0": port 0 is out of range 1-65535'],
    ['65536', 'element 1 "65536": port 65536 is out of range 1-65535'],
    ['7000,abc', 'element 2 "abc": "abc" is not a port number'],
    ['7000,-1', 'element 2 "-1": "-1" is not a port number'],
    ['1:icmp', 'element 1 "1:icmp": unknown protocol "icmp" (use tcp or udp)'],
    ['1:', 'element 1 "1:": unknown protocol "" (use tcp or udp)'],
    ['', 'the sequence is empty'],
    ['7000,,8000', 'element 2 "": empty element'],
    ['7000.5', 'element 1 "7000.5": "7000.5" is not a port number'],
  ])('refuses %j naming the element', (text, error) => {
    expect(parseSequence(text)).toEqual({ ok: false, error });
  });
});

describe('parseKnockArgs (knock syntax)', () => {
  it('reads one port per argument; -u makes the default UDP', () => {
    expect(parseKnockArgs(['1', '2:tcp'], 'udp')).toEqual({
      ok: true,
      value: [
        { port: 1, protocol: 'udp' },
        { port: 2, protocol: 'tcp' },
      ],
    });
  });

  it('names the bad argument', () => {
    expect(parseKnockArgs(['1', '2', '99999'])).toEqual({
      ok: false,
      error: 'element 3 "99999": port 99999 is out of range 1-65535',
    });
  });
});

describe('formatting', () => {
  const sequence = [
    { port: 7000, protocol: 'tcp' as const },
    { port: 8000, protocol: 'udp' as const, delayMs: 5 },
  ];

  it('writes knockd syntax that parses back to the same hits', () => {
    expect(formatSequence(sequence)).toBe('7000,8000:udp');
    expect(parseSequence(formatSequence(sequence))).toEqual({
      ok: true,
      value: sequence.map(({ port, protocol }) => ({ port, protocol })),
    });
  });

  it('writes knock arguments', () => {
    expect(formatKnockArgs(sequence)).toEqual(['7000', '8000:udp']);
  });

  it('fills in the default delay only where a hit has none', () => {
    expect(withDefaultDelay(sequence, 100).map((k) => k.delayMs)).toEqual([100, 5]);
  });

  it('parses ports strictly', () => {
    expect(parsePort('22')).toEqual({ ok: true, value: 22 });
    expect(parsePort('0x16').ok).toBe(false);
  });
});

describe('TCP flags on profile hits', () => {
  const base = { id: 'p', name: 'p', host: '192.0.2.1' };

  it('accepts flags on a TCP hit', () => {
    const result = parseProfile({
      ...base,
      open: [{ port: 1, protocol: 'tcp', tcpFlags: { set: ['fin'], clear: ['ack'] } }],
    });
    expect(result.ok).toBe(true);
  });

  it.each([
    [
      { port: 1, protocol: 'udp', tcpFlags: { set: ['fin'], clear: [] } },
      'open[0].tcpFlags: TCP flags apply only to tcp hits',
    ],
    [
      { port: 1, protocol: 'tcp', tcpFlags: { set: ['ack'], clear: ['ack'] } },
      'open[0].tcpFlags: a TCP flag cannot be both set and clear',
    ],
    [
      { port: 1, protocol: 'tcp', tcpFlags: { set: ['xmas'], clear: [] } },
      'open[0].tcpFlags.set[0]: TCP flag must be one of',
    ],
    [
      { port: 1, protocol: 'tcp', tcpFlags: { set: [], clear: ['ack'] } },
      'open[0].tcpFlags: TCP flags need at least one flag to set',
    ],
  ])('refuses %j naming the field', (knock, message) => {
    const result = parseProfile({ ...base, open: [knock] });
    expect(result.ok ? [] : result.problems.map(problemLine).join('\n')).toContain(message);
  });
});
