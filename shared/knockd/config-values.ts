// knockd.conf values: knock sequences, TCPFlags and timeouts, each read by knockd's rules first
// and then by Sesame's stricter ones (the deliberate differences listed in knockd-config.ts).
import type { Parsed } from '../basics';
import type { Knock, Protocol } from '../sequence/sequence';
import type { TcpFlagName, TcpFlagTest } from '../sequence/tcp-flags';
import { asciiLower, asciiUpper, trimC } from './config-lines';

/** knockd refuses a sequence of more than 32 elements. */
export const KNOCKD_MAX_PORTS = 32;

/**
 * A value read twice: a failure with `knockd: true` is an error knockd itself stops on (its text
 * reproduced word for word); `knockd: false` is something Sesame refuses although knockd takes it.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string; knockd: boolean };

function knockdError(error: string): { ok: false; error: string; knockd: true } {
  return { ok: false, error, knockd: true };
}

function strictError(error: string): { ok: false; error: string; knockd: false } {
  return { ok: false, error, knockd: false };
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** C's atoi as glibc does it: `(int) strtol(text, NULL, 10)`, so big numbers wrap. */
export function atoi(text: string): number {
  const match = /^[\t\n\v\f\r ]*([+-]?)([0-9]+)/.exec(text);
  if (!match) return 0;
  let value = BigInt(match[2] ?? '0');
  if (match[1] === '-') value = -value;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return Number(BigInt.asIntN(32, value));
}

const WHOLE = /^[\t\n\v\f\r ]*\+?([0-9]+)[\t\n\v\f\r ]*$/;

/** A non-negative decimal written plainly (spaces and a `+` allowed, as atoi would read it). */
function plainNumber(text: string): number | undefined {
  const digits = WHOLE.exec(text)?.[1];
  return digits === undefined ? undefined : Number(digits);
}

function readProtocol(text: string): Protocol | undefined {
  const name = asciiLower(trimC(text));
  return name === 'tcp' || name === 'udp' ? name : undefined;
}

function checkElement(element: string, index: number, door: string): Checked<Knock> {
  const [portText = '', protocolText, ...extra] = element.split(':');
  // knockd's own rules: a port over 65535 (after atoi), then an unknown protocol.
  if (atoi(portText) > 65535)
    return knockdError(`config: section ${door}: port ${portText} is invalid`);
  const protocol = protocolText === undefined ? 'tcp' : readProtocol(protocolText);
  if (protocol === undefined) {
    return knockdError(`config: section ${door}: unknown protocol in knock sequence`);
  }
  // Sesame's: the port must be a real one as written, and only one protocol may follow it.
  const where = `config: section ${door}: element ${index + 1} "${trimC(element)}" of the knock sequence`;
  if (trimC(portText) === '') {
    return strictError(`${where} has no port (knockd would knock port 0)`);
  }
  const port = plainNumber(portText);
  if (port === undefined || port < 1 || port > 65535) {
    return strictError(`${where} is not a port number from 1 to 65535`);
  }
  if (extra.length > 0) return strictError(`${where} has more than one protocol`);
  return { ok: true, value: { port, protocol } };
}

/** Reads a `Sequence` value: knockd's errors first (they stop knockd), then Sesame's. */
export function checkSequence(text: string, door: string): Checked<Knock[]> {
  if (trimC(text) === '')
    return strictError(`config: section ${door}: the knock sequence is empty`);
  const elements = text.split(',');
  const knocks: Knock[] = [];
  let strict: Checked<Knock[]> | undefined;
  for (const [index, element] of elements.entries()) {
    if (index >= KNOCKD_MAX_PORTS) {
      return knockdError(`config: section ${door}: too many ports in knock sequence`);
    }
    const checked = checkElement(element, index, door);
    if (checked.ok) knocks.push(checked.value);
    else if (checked.knockd) return checked;
    else strict ??= checked;
  }
  return strict ?? { ok: true, value: knocks };
}

/**
 * Parses a knock sequence by knockd's rules with knockd's error texts (`port P is invalid`,
 * `unknown protocol in knock sequence`, `too many ports in knock sequence`), then refuses what knockd
 * would misread (`abc`, `0`, `-1`, an empty element, `1:tcp:udp`); used for one-time sequence lines too.
 */
export function parseKnockdSequence(text: string, door: string): Parsed<Knock[]> {
  const checked = checkSequence(text, door);
  return checked.ok ? checked : { ok: false, error: checked.error };
}

const FLAG_NAMES: readonly TcpFlagName[] = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg'];

function inFlagOrder(flags: ReadonlySet<TcpFlagName>): TcpFlagName[] {
  return FLAG_NAMES.filter((flag) => flags.has(flag));
}

/**
 * Adds one `TCPFlags` line to a door's test, as knockd reads it: the value is upper-cased and split
 * on `,` with no trimming, so `syn, ack` fails on `" ACK"`. `syn,!syn` is kept (knockd takes it; such
 * a door can still open on UDP knocks).
 */
export function addTcpFlags(test: TcpFlagTest, text: string, line: number): Parsed<TcpFlagTest> {
  const set = new Set(test.set);
  const clear = new Set(test.clear);
  for (const token of asciiUpper(text).split(',')) {
    const negated = token.startsWith('!');
    const name = asciiLower(negated ? token.slice(1) : token);
    const flag = FLAG_NAMES.find((known) => known === name);
    if (flag === undefined) {
      return { ok: false, error: `config: line ${line}: unrecognized flag "${token}"` };
    }
    (negated ? clear : set).add(flag);
  }
  return { ok: true, value: { set: inFlagOrder(set), clear: inFlagOrder(clear) } };
}

/** The largest timeout knockd can hold (a C int of seconds). */
export const KNOCKD_MAX_SECONDS = 2147483647;

/** Reads `Seq_Timeout`/`Cmd_Timeout`: knockd takes anything (atoi); Sesame wants whole seconds. */
export function checkSeconds(text: string, key: string, line: number): Checked<number> {
  const seconds = plainNumber(text);
  if (seconds === undefined || seconds > KNOCKD_MAX_SECONDS) {
    return strictError(
      `config: line ${line}: ${key} "${text}" is not a whole number of seconds (0 to ${KNOCKD_MAX_SECONDS}; knockd would read ${atoi(text)})`,
    );
  }
  return { ok: true, value: seconds };
}
