// The parameters of a rotating door: how long a step lasts, how many knocks, which ports and
// protocols. One set of rules and defaults for the spec, the server, knockd-rotate and the client.
import type { Parsed } from '../basics';
import type { Protocol } from '../sequence/sequence';

/** `mixed` picks TCP or UDP for each knock from the secret too. */
export type RotatingProtocols = Protocol | 'mixed';

/** An inclusive port range. */
export interface PortRange {
  low: number;
  high: number;
}

/** Everything besides the secret and the label that decides a rotating sequence. */
export interface RotatingParams {
  /** Seconds per step; the step index is floor(unix time / stepSeconds). */
  stepSeconds: number;
  /** Knocks per sequence. */
  length: number;
  ports: PortRange;
  protocols: RotatingProtocols;
}

/**
 * The defaults: 30 s steps (as TOTP), 4 knocks, ports 10000-29999 (above the well-known ports
 * 0-1023 and the common service ports below 10000, and below Linux's ephemeral range 32768-60999,
 * where the server's own outgoing connections get their replies), TCP.
 */
export const DEFAULT_ROTATING_PARAMS: Readonly<RotatingParams> = {
  stepSeconds: 30,
  length: 4,
  ports: { low: 10000, high: 29999 },
  protocols: 'tcp',
};

/** Shortest step: a knock and a server's switch to the next step must fit well inside one. */
export const MIN_STEP_SECONDS = 10;
/** Longest step: a day. */
export const MAX_STEP_SECONDS = 86400;
/** Fewest knocks in a sequence. */
export const MIN_LENGTH = 2;
/** Most knocks: knockd's own limit. */
export const MAX_LENGTH = 32;
/** Lowest port a range may start at: 0-1023 are the well-known service ports. */
export const MIN_PORT = 1024;
/** Fewest ports in a range, so that a sequence keeps at least 8 bits per knock. */
export const MIN_RANGE_PORTS = 256;
/** Secrets have at least 160 bits (20 bytes), as RFC 4226 asks of HOTP keys. */
export const MIN_SECRET_BYTES = 20;
/** Longest label, in UTF-8 bytes (knockd's limit for a section name, the default label). */
export const MAX_LABEL_BYTES = 127;

function wholeNumber(text: string): number | undefined {
  return /^[0-9]{1,9}$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** Reads a step in seconds (`30`). */
export function parseStep(text: string): Parsed<number> {
  const step = wholeNumber(text);
  if (step === undefined || step < MIN_STEP_SECONDS || step > MAX_STEP_SECONDS) {
    return {
      ok: false,
      error: `step "${text}" is not a whole number of seconds from ${MIN_STEP_SECONDS} to ${MAX_STEP_SECONDS}`,
    };
  }
  return { ok: true, value: step };
}

/** Reads a sequence length (`4`). */
export function parseLength(text: string): Parsed<number> {
  const length = wholeNumber(text);
  if (length === undefined || length < MIN_LENGTH || length > MAX_LENGTH) {
    return {
      ok: false,
      error: `length "${text}" is not a whole number of knocks from ${MIN_LENGTH} to ${MAX_LENGTH}`,
    };
  }
  return { ok: true, value: length };
}

/** Reads a port range (`10000-29999`): from 1024 up, at least 256 ports. */
export function parsePortRange(text: string): Parsed<PortRange> {
  const match = /^\s*([0-9]{1,5})\s*-\s*([0-9]{1,5})\s*$/.exec(text);
  const low = match ? Number(match[1]) : NaN;
  const high = match ? Number(match[2]) : NaN;
  if (!match) return { ok: false, error: `port range "${text}" is not LOW-HIGH` };
  if (low < MIN_PORT || high > 65535 || high < low) {
    return {
      ok: false,
      error: `port range "${text}" must lie within ${MIN_PORT}-65535 (ports below ${MIN_PORT} are well-known service ports)`,
    };
  }
  if (high - low + 1 < MIN_RANGE_PORTS) {
    return {
      ok: false,
      error: `port range "${text}" holds ${high - low + 1} ports; it needs at least ${MIN_RANGE_PORTS}`,
    };
  }
  return { ok: true, value: { low, high } };
}

/** Reads `tcp`, `udp` or `mixed` (any case). */
export function parseProtocols(text: string): Parsed<RotatingProtocols> {
  const lower = text.trim().toLowerCase();
  if (lower === 'tcp' || lower === 'udp' || lower === 'mixed') return { ok: true, value: lower };
  return { ok: false, error: `protocols "${text}" is not tcp, udp or mixed` };
}

/** The UTF-8 bytes of a string (shared/ has no TextEncoder). */
export function utf8Bytes(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000)
      bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else
      bytes.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 63),
        0x80 | ((code >> 6) & 63),
        0x80 | (code & 63),
      );
  }
  return Uint8Array.from(bytes);
}

/** Checks a label: 1 to 127 UTF-8 bytes, no control characters (a NUL would make it ambiguous). */
export function checkLabel(label: string): Parsed<string> {
  if (label === '') return { ok: false, error: 'the label is empty' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(label)) {
    return { ok: false, error: 'the label holds a control character' };
  }
  if (utf8Bytes(label).length > MAX_LABEL_BYTES) {
    return { ok: false, error: `the label is longer than ${MAX_LABEL_BYTES} bytes` };
  }
  return { ok: true, value: label };
}

/** Checks a decoded secret's size. */
export function checkSecret(secret: Uint8Array): Parsed<Uint8Array> {
  if (secret.length < MIN_SECRET_BYTES) {
    return {
      ok: false,
      error: `the secret has ${secret.length * 8} bits; it needs at least ${MIN_SECRET_BYTES * 8}`,
    };
  }
  return { ok: true, value: secret };
}
