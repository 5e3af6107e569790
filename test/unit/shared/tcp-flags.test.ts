import { describe, expect, it } from 'vitest';
import {
  flagBits,
  formatTcpFlags,
  isPlainSyn,
  parseTcpFlags,
  tcpFlagsMatch,
  type TcpFlagTest,
} from '../../../shared/sequence/tcp-flags';

function parsed(text: string): TcpFlagTest {
  const result = parseTcpFlags(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('parseTcpFlags', () => {
  it('reads plain and negated flags', () => {
    expect(parseTcpFlags('fin,!ack')).toEqual({
      ok: true,
      value: { set: ['fin'], clear: ['ack'] },
    });
    expect(parsed('syn,ack')).toEqual({ set: ['syn', 'ack'], clear: [] });
    expect(parsed('!syn')).toEqual({ set: [], clear: ['syn'] });
  });

  it('accepts every flag of the list, in any case, with spaces around tokens', () => {
    expect(parsed(' URG , psh,Ack,!RST ,syn, fin ')).toEqual({
      set: ['fin', 'syn', 'psh', 'ack', 'urg'],
      clear: ['rst'],
    });
    expect(parsed('! ack,syn')).toEqual({ set: ['syn'], clear: ['ack'] });
  });

  it('keeps a canonical order and folds repeated flags', () => {
    expect(parsed('urg,psh,fin')).toEqual({ set: ['fin', 'psh', 'urg'], clear: [] });
    expect(parsed('syn,syn,!ack,!ack')).toEqual({ set: ['syn'], clear: ['ack'] });
  });

  it('names the bad token and the whole text', () => {
    expect(parseTcpFlags('fin,foo')).toEqual({
      ok: false,
      error:
        'unknown TCP flag "foo" in "fin,foo" (use fin, syn, rst, psh, ack, urg, each optionally with !)',
    });
    const doubled = parseTcpFlags('!!ack');
    expect(doubled.ok || doubled.error).toMatch(/^unknown TCP flag "!!ack" in "!!ack"/);
    const ecn = parseTcpFlags('syn,ece');
    expect(ecn.ok || ecn.error).toMatch(/^unknown TCP flag "ece"/);
  });

  it('refuses empty input and empty tokens', () => {
    for (const text of ['', '  ', 'syn,', ',syn', 'syn,,ack', '!']) {
      expect(parseTcpFlags(text).ok, text).toBe(false);
    }
    const empty = parseTcpFlags('syn,,ack');
    expect(empty.ok || empty.error).toMatch(/^empty TCP flag in "syn,,ack"/);
  });

  it('refuses a flag that is both required and negated', () => {
    const result = parseTcpFlags('ack,fin,!ACK');
    expect(result.ok || result.error).toBe(
      'TCP flag "ack" is both required and negated in "ack,fin,!ACK": no packet can match',
    );
    expect(parseTcpFlags('!syn,syn').ok).toBe(false);
  });
});

describe('formatTcpFlags', () => {
  it("writes knockd's syntax, required flags first", () => {
    expect(formatTcpFlags(parsed('!ack,fin'))).toBe('fin,!ack');
    expect(formatTcpFlags(parsed('URG,psh,FIN,!syn,!rst'))).toBe('fin,psh,urg,!syn,!rst');
  });

  it('round-trips through parseTcpFlags', () => {
    for (const text of ['syn', 'syn,!ack', 'fin,urg,psh', '!syn,!ack', 'rst,ack']) {
      const test = parsed(text);
      expect(parsed(formatTcpFlags(test))).toEqual(test);
    }
  });
});

describe('flagBits', () => {
  it('gives the header bit of each flag', () => {
    const bits = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'].map((flag) => flagBits(parsed(flag)));
    expect(bits).toEqual([0x01, 0x02, 0x04, 0x08, 0x10, 0x20]);
  });

  it('sets exactly the required flags, never the negated ones', () => {
    expect(flagBits(parsed('fin,!ack'))).toBe(0x01);
    expect(flagBits(parsed('syn,ack'))).toBe(0x12);
    expect(flagBits(parsed('fin,urg,psh'))).toBe(0x29);
    expect(flagBits(parsed('!syn,!ack'))).toBe(0);
    expect(flagBits(parsed('fin,syn,rst,psh,ack,urg'))).toBe(0x3f);
  });

  it('makes a packet that passes its own test', () => {
    for (const text of ['fin,!ack', 'syn,ack', 'fin,urg,psh', '!syn', 'rst,!fin,!psh']) {
      const test = parsed(text);
      expect(tcpFlagsMatch(test, flagBits(test)), text).toBe(true);
    }
  });
});

describe('tcpFlagsMatch', () => {
  it('requires set flags and refuses negated ones, ignoring the rest', () => {
    const finNotAck = parsed('fin,!ack');
    expect(tcpFlagsMatch(finNotAck, 0x01)).toBe(true);
    expect(tcpFlagsMatch(finNotAck, 0x09)).toBe(true); // FIN+PSH: PSH is not tested
    expect(tcpFlagsMatch(finNotAck, 0x11)).toBe(false); // FIN+ACK
    expect(tcpFlagsMatch(finNotAck, 0x02)).toBe(false); // SYN
    expect(tcpFlagsMatch(parsed('syn'), 0x12)).toBe(true); // knockd's `syn` lets SYN+ACK through
    expect(tcpFlagsMatch(parsed('syn,!ack'), 0x12)).toBe(false);
  });
});

describe('isPlainSyn', () => {
  it('is true when a kernel connect (one SYN) satisfies the test', () => {
    expect(isPlainSyn(parsed('syn'))).toBe(true);
    expect(isPlainSyn(parsed('syn,!ack'))).toBe(true);
    expect(isPlainSyn(parsed('SYN,!fin,!rst,!psh,!ack,!urg'))).toBe(true);
  });

  it('is false when other flags must be set or SYN must be clear', () => {
    for (const text of ['fin', 'fin,!ack', 'syn,ack', 'syn,psh', '!syn', '!ack']) {
      expect(isPlainSyn(parsed(text)), text).toBe(false);
    }
    expect(isPlainSyn({ set: [], clear: [] })).toBe(false);
  });
});
