import type { Parsed } from '../basics';

/** The TCP flags a knockd door can test (`tcpflags = ...`), in knockd's spelling. */
export type TcpFlagName = 'fin' | 'syn' | 'rst' | 'psh' | 'ack' | 'urg';

/** A door's flag test: a packet matches when every `set` flag is set and every `clear` flag is clear. */
export interface TcpFlagTest {
  set: TcpFlagName[];
  clear: TcpFlagName[];
}

/** Bit of each flag in the TCP header's flag byte (RFC 9293), so senders and matchers agree. */
export const TCP_FLAG_BITS: Readonly<Record<TcpFlagName, number>> = {
  fin: 0x01,
  syn: 0x02,
  rst: 0x04,
  psh: 0x08,
  ack: 0x10,
  urg: 0x20,
};

const ORDER: readonly TcpFlagName[] = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];
const HINT = '(use fin, syn, rst, psh, ack, urg, each optionally with !)';

function isFlagName(text: string): text is TcpFlagName {
  return (ORDER as readonly string[]).includes(text);
}

function sorted(flags: Iterable<TcpFlagName>): TcpFlagName[] {
  const present = new Set(flags);
  return ORDER.filter((flag) => present.has(flag));
}

/**
 * Parses a flag test such as `fin,!ack` (knockd's TCPFlags syntax). Unlike knockd's config parser,
 * tokens are trimmed and case-insensitive, because this also reads Sesame's own CLI input.
 */
export function parseTcpFlags(text: string): Parsed<TcpFlagTest> {
  if (text.trim() === '') return { ok: false, error: `no TCP flags given ${HINT}` };
  const set = new Set<TcpFlagName>();
  const clear = new Set<TcpFlagName>();
  for (const raw of text.split(',')) {
    const token = raw.trim();
    if (token === '') return { ok: false, error: `empty TCP flag in "${text}" ${HINT}` };
    const negated = token.startsWith('!');
    const name = (negated ? token.slice(1).trim() : token).toLowerCase();
    if (!isFlagName(name)) {
      return { ok: false, error: `unknown TCP flag "${token}" in "${text}" ${HINT}` };
    }
    (negated ? clear : set).add(name);
    if (set.has(name) && clear.has(name)) {
      return {
        ok: false,
        error: `TCP flag "${name}" is both required and negated in "${text}": no packet can match`,
      };
    }
  }
  return { ok: true, value: { set: sorted(set), clear: sorted(clear) } };
}

/** Writes a test in knockd's syntax (`syn,!ack`): required flags first, then negated ones. */
export function formatTcpFlags(test: TcpFlagTest): string {
  return [...sorted(test.set), ...sorted(test.clear).map((flag) => `!${flag}`)].join(',');
}

/** The flag byte to send for a test: exactly its required flags (negated ones stay clear). */
export function flagBits(test: TcpFlagTest): number {
  return test.set.reduce((bits, flag) => bits | TCP_FLAG_BITS[flag], 0);
}

/** Whether a packet's flag byte passes a door's test (knockd: set flags set, negated flags clear). */
export function tcpFlagsMatch(test: TcpFlagTest, bits: number): boolean {
  return (
    test.set.every((flag) => (bits & TCP_FLAG_BITS[flag]) !== 0) &&
    test.clear.every((flag) => (bits & TCP_FLAG_BITS[flag]) === 0)
  );
}

/**
 * True when a plain kernel connect (one SYN, no other flag of the list) passes the test, so the
 * knock needs no raw socket: `syn`, `syn,!ack`, `syn,!fin,!rst`.
 */
export function isPlainSyn(test: TcpFlagTest): boolean {
  const set = new Set(test.set);
  return set.size === 1 && set.has('syn') && !test.clear.includes('syn');
}
