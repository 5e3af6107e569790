import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from '../../../electron/node/hmac';
import { decodeBase32, encodeBase32 } from '../../../shared/rotating/base32';
import { blockMessage, deriveSequence, stepAt } from '../../../shared/rotating/derive';
import {
  DEFAULT_ROTATING_PARAMS,
  checkLabel,
  checkSecret,
  parseLength,
  parsePortRange,
  parseProtocols,
  parseStep,
  type RotatingParams,
} from '../../../shared/rotating/params';
import { formatSequence } from '../../../shared/sequence/sequence';

function errorOf(parsed: { ok: true } | { ok: false; error: string }): string {
  return parsed.ok ? 'no error' : parsed.error;
}

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function secretBytes(text = SECRET): Uint8Array {
  const decoded = decodeBase32(text);
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
}

function show(label: string, unixSeconds: number, over: Partial<RotatingParams> = {}): string {
  const params = { ...DEFAULT_ROTATING_PARAMS, ...over };
  const step = stepAt(unixSeconds, params.stepSeconds);
  return formatSequence(deriveSequence(hmacSha256, secretBytes(), label, step, params));
}

// The test vectors of docs/rotating-sequences.md (generated once with this code, and checked
// against an independent Python implementation written from the spec).
const VECTORS: [string, number, Partial<RotatingParams>, string][] = [
  ['open', 1767225600, {}, '12066,11448,27804,27932'],
  ['open', 1767225629, {}, '12066,11448,27804,27932'],
  ['open', 1767225630, {}, '17742,26412,12649,19291'],
  ['close', 1767225600, {}, '18853,19939,20876,13119'],
  ['ssh', 1767225600, { protocols: 'mixed' }, '17734,20523:udp,28906:udp,13397'],
  [
    'open',
    1767225600,
    { protocols: 'udp', length: 6, ports: { low: 40000, high: 40255 }, stepSeconds: 60 },
    '40145:udp,40175:udp,40143:udp,40009:udp,40042:udp,40113:udp',
  ],
  ['web-1 öffnen', 2000000000, { length: 8 }, '10912,11189,19916,23650,20252,26478,14908,13816'],
];

describe('rotating sequences: the spec test vectors', () => {
  it.each(VECTORS)('%s at %i %j is %s', (label, time, over, expected) => {
    expect(show(label, time, over)).toBe(expected);
  });

  it('agrees with a direct HMAC computation of the first port (independent of blockMessage)', () => {
    for (const [label, time, over, expected] of VECTORS) {
      const params = { ...DEFAULT_ROTATING_PARAMS, ...over };
      const step = Math.floor(time / params.stepSeconds);
      const tail = Buffer.alloc(12);
      tail.writeBigUInt64BE(BigInt(step), 0);
      tail.writeUInt32BE(0, 8);
      const message = Buffer.concat([
        Buffer.from('sesame-rotating-v1\0', 'ascii'),
        Buffer.from(`${label}\0`, 'utf8'),
        tail,
      ]);
      const key = Buffer.from(secretBytes());
      const word = createHmac('sha256', key).update(message).digest().readUInt32BE(0);
      const size = params.ports.high - params.ports.low + 1;
      // No vector's first word is rejected (that happens with p < 1e-5).
      expect(String(params.ports.low + (word % size))).toBe(expected.split(/[,:]/)[0]);
    }
  });

  it('builds the HMAC message from domain, label, step and counter', () => {
    const message = blockMessage('ab', 0x0102030405, 7);
    expect(Buffer.from(message).toString('hex')).toBe(
      `${Buffer.from('sesame-rotating-v1\0ab\0').toString('hex')}0000000102030405` + '00000007',
    );
  });
});

describe('deriveSequence', () => {
  const secret = secretBytes();

  it('never repeats a port and stays in the range, over many steps and a narrow range', () => {
    const params: RotatingParams = {
      stepSeconds: 30,
      length: 32,
      ports: { low: 20000, high: 20255 },
      protocols: 'mixed',
    };
    for (let step = 0; step < 200; step += 1) {
      const sequence = deriveSequence(hmacSha256, secret, 'door', step, params);
      expect(sequence).toHaveLength(32);
      expect(new Set(sequence.map((k) => k.port)).size).toBe(32);
      for (const { port } of sequence) {
        expect(port).toBeGreaterThanOrEqual(20000);
        expect(port).toBeLessThanOrEqual(20255);
      }
    }
  });

  it('gives other labels and other steps other sequences', () => {
    const at = (label: string, step: number) =>
      formatSequence(deriveSequence(hmacSha256, secret, label, step, DEFAULT_ROTATING_PARAMS));
    expect(at('open', 5)).not.toBe(at('close', 5));
    expect(at('open', 5)).not.toBe(at('open', 6));
    expect(at('open', 5)).toBe(at('open', 5));
  });

  it('mixes both protocols with `mixed`, and uses one protocol otherwise', () => {
    const protocols = new Set<string>();
    for (let step = 0; step < 20; step += 1) {
      const mixed = { ...DEFAULT_ROTATING_PARAMS, protocols: 'mixed' as const };
      for (const k of deriveSequence(hmacSha256, secret, 'm', step, mixed))
        protocols.add(k.protocol);
      const udp = { ...DEFAULT_ROTATING_PARAMS, protocols: 'udp' as const };
      expect(
        deriveSequence(hmacSha256, secret, 'm', step, udp).every((k) => k.protocol === 'udp'),
      ).toBe(true);
    }
    expect([...protocols].sort()).toEqual(['tcp', 'udp']);
  });

  it('rejects words above the largest multiple of the range size (no modulo bias)', () => {
    // An HMAC whose first word is 0xffffffff (rejected for a range of 20000) and second is 5.
    const fake = (_key: Uint8Array, message: Uint8Array) => {
      const out = new Uint8Array(32);
      const counter = new DataView(message.buffer).getUint32(message.length - 4);
      const view = new DataView(out.buffer);
      for (let i = 0; i < 8; i += 1) view.setUint32(i * 4, counter * 8 + i);
      if (counter === 0) view.setUint32(0, 0xffffffff);
      return out;
    };
    const sequence = deriveSequence(fake, secret, 'x', 1, DEFAULT_ROTATING_PARAMS);
    expect(sequence.map((k) => k.port)).toEqual([10001, 10002, 10003, 10004]);
  });

  it('stepAt floors unix time by the step, also before 1970', () => {
    expect(stepAt(59, 30)).toBe(1);
    expect(stepAt(60, 30)).toBe(2);
    expect(stepAt(-1, 30)).toBe(-1);
  });
});

describe('base32', () => {
  it('round-trips every length and reads lower case, padding and spaces', () => {
    for (let length = 0; length < 40; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
      const text = encodeBase32(bytes);
      expect(decodeBase32(text)).toEqual({ ok: true, value: bytes });
      const padded = text.toLowerCase().padEnd(Math.ceil(text.length / 8) * 8, '=');
      expect(decodeBase32(` ${padded.replace(/(.{4})/g, '$1 ')}\n`)).toEqual({
        ok: true,
        value: bytes,
      });
    }
  });

  it('matches RFC 4648 test vectors', () => {
    expect(encodeBase32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(encodeBase32(Buffer.from('f'))).toBe('MY');
    expect(Buffer.from((decodeBase32('MZXW6YQ=') as { value: Uint8Array }).value).toString()).toBe(
      'foob',
    );
  });

  it('refuses letters outside the alphabet and lengths that do not end on a byte', () => {
    expect(decodeBase32('MZXW1YQ')).toEqual({
      ok: false,
      error: '"1" (character 5) is not a base32 letter (A-Z, 2-7)',
    });
    expect(errorOf(decodeBase32('MZX'))).toMatch(/whole bytes/);
  });
});

describe('parameters', () => {
  it('reads valid values and names bad ones', () => {
    expect(parseStep('30')).toEqual({ ok: true, value: 30 });
    expect(parseStep('9').ok).toBe(false);
    expect(parseStep('86401').ok).toBe(false);
    expect(parseStep('3e1').ok).toBe(false);
    expect(parseLength('32')).toEqual({ ok: true, value: 32 });
    expect(parseLength('1').ok).toBe(false);
    expect(parseLength('33').ok).toBe(false);
    expect(parsePortRange('10000-29999')).toEqual({ ok: true, value: { low: 10000, high: 29999 } });
    expect(errorOf(parsePortRange('1000-29999'))).toMatch(/well-known/);
    expect(errorOf(parsePortRange('20000-20254'))).toMatch(/255 ports; it needs at least 256/);
    expect(parsePortRange('30000-20000').ok).toBe(false);
    expect(parsePortRange('20000').ok).toBe(false);
    expect(parsePortRange('20000-70000').ok).toBe(false);
    expect(parseProtocols('MIXED')).toEqual({ ok: true, value: 'mixed' });
    expect(parseProtocols('icmp').ok).toBe(false);
  });

  it('wants a label without control characters and a secret of 160 bits or more', () => {
    expect(checkLabel('ssh öffnen').ok).toBe(true);
    expect(checkLabel('').ok).toBe(false);
    expect(checkLabel('a\0b').ok).toBe(false);
    expect(checkLabel('é'.repeat(64)).ok).toBe(false);
    expect(checkSecret(new Uint8Array(20)).ok).toBe(true);
    expect(checkSecret(new Uint8Array(19))).toEqual({
      ok: false,
      error: 'the secret has 152 bits; it needs at least 160',
    });
  });
});
