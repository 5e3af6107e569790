/** A knock's transport: knockd listens for TCP (SYN by default) or UDP per port. */
export type Protocol = 'tcp' | 'udp';

import type { TcpFlagTest } from './tcp-flags';
import { type Parsed } from '../basics';

/**
 * One hit of a sequence: a port, its protocol, how long to wait after it (ms), and for TCP the
 * flags to send when a door wants other than a plain SYN (knockd's `tcpflags = fin,!ack`).
 */
export interface Knock {
  port: number;
  protocol: Protocol;
  delayMs?: number | undefined;
  tcpFlags?: TcpFlagTest | undefined;
}

/** An ordered knock sequence, as sent by the client and matched by the server. */
export type Sequence = readonly Knock[];

const PORT_TEXT = /^[0-9]+$/;

/** Parses a port number strictly: digits only, 1..65535 (knockd would turn `abc` into 0). */
export function parsePort(text: string): Parsed<number> {
  if (!PORT_TEXT.test(text)) return { ok: false, error: `"${text}" is not a port number` };
  const port = Number(text);
  if (port < 1 || port > 65535) return { ok: false, error: `port ${text} is out of range 1-65535` };
  return { ok: true, value: port };
}

/** Parses `tcp` or `udp` in any case. */
export function parseProtocol(text: string): Parsed<Protocol> {
  const lower = text.toLowerCase();
  if (lower === 'tcp' || lower === 'udp') return { ok: true, value: lower };
  return { ok: false, error: `unknown protocol "${text}" (use tcp or udp)` };
}

/** Parses one `port[:proto]` element; the protocol defaults to `fallback`. */
export function parseKnock(text: string, fallback: Protocol = 'tcp'): Parsed<Knock> {
  const element = text.trim();
  if (element === '') return { ok: false, error: 'empty element' };
  const colon = element.indexOf(':');
  const portText = colon === -1 ? element : element.slice(0, colon).trim();
  const port = parsePort(portText);
  if (!port.ok) return port;
  if (colon === -1) return { ok: true, value: { port: port.value, protocol: fallback } };
  const protocol = parseProtocol(element.slice(colon + 1).trim());
  if (!protocol.ok) return protocol;
  return { ok: true, value: { port: port.value, protocol: protocol.value } };
}

function parseElements(elements: readonly string[], fallback: Protocol): Parsed<Knock[]> {
  if (elements.length === 0 || elements.every((e) => e.trim() === '')) {
    return { ok: false, error: 'the sequence is empty' };
  }
  const knocks: Knock[] = [];
  for (const [index, element] of elements.entries()) {
    const knock = parseKnock(element, fallback);
    if (!knock.ok)
      return { ok: false, error: `element ${index + 1} "${element.trim()}": ${knock.error}` };
    knocks.push(knock.value);
  }
  return { ok: true, value: knocks };
}

/** Parses knockd's sequence syntax, `7000,8000:udp,9000` (spaces around elements allowed). */
export function parseSequence(text: string): Parsed<Knock[]> {
  return parseElements(text.split(','), 'tcp');
}

/** Parses knock's argument syntax, `7000 8000:udp 9000`; `-u` makes the default protocol UDP. */
export function parseKnockArgs(
  args: readonly string[],
  defaultProtocol: Protocol = 'tcp',
): Parsed<Knock[]> {
  return parseElements(args, defaultProtocol);
}

/** Writes knockd's syntax; TCP is written bare, as admins do (`7000,8000:udp,9000`). */
export function formatSequence(sequence: Sequence): string {
  return sequence.map(formatKnock).join(',');
}

/** Writes knock's argument list for a sequence (`['7000', '8000:udp']`). */
export function formatKnockArgs(sequence: Sequence): string[] {
  return sequence.map(formatKnock);
}

function formatKnock(knock: Knock): string {
  return knock.protocol === 'udp' ? `${knock.port}:udp` : String(knock.port);
}

/** Gives every hit without its own delay the profile's default delay. */
export function withDefaultDelay(sequence: Sequence, defaultDelayMs: number): Knock[] {
  return sequence.map((k) => ({ ...k, delayMs: k.delayMs ?? defaultDelayMs }));
}
