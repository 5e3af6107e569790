import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpaArgs } from '../../../electron/cli/spa';
import { buildSpaPacket, type SpaContext } from '../../../electron/node/spa-packet';
import { sendSpa } from '../../../electron/node/spa-sender';
import { spaRequestSchema, type SpaRequest } from '../../../shared/spa/spa-request';
import { decodeSpa, spaDigestOf, type DecodeKeys } from '../../support/spa-decode';

/** Packets the real fwknop 2.6.10 client made with `--test -v` (see the file's `about`). */
interface FwknopPacket {
  name: string;
  args: string[];
  fields: Record<string, string>;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/fwknop/test-packets.json', import.meta.url), 'utf8'),
) as { packets: FwknopPacket[] };

function requestOf(packet: FwknopPacket): SpaRequest {
  const command = parseSpaArgs([...packet.args, '-D', '192.0.2.1']);
  if (command === 'help') throw new Error('help');
  return command.request;
}

function keysOf(request: SpaRequest): DecodeKeys {
  return {
    key: Buffer.from(request.key.value, request.key.encoding === 'base64' ? 'base64' : 'utf8'),
    ...(request.hmacKey === undefined
      ? {}
      : { hmacKey: Buffer.from(request.hmacKey, 'base64'), hmacDigest: request.hmacDigest }),
  };
}

/** A context that reproduces fwknop's packet: its user, time, random value and (decrypted) salt. */
function contextLike(packet: FwknopPacket, salt: Buffer): SpaContext {
  const random = Buffer.alloc(8);
  random.writeBigUInt64BE(BigInt(packet.fields['Random Value'] ?? '0'));
  const parts = [random, salt];
  return {
    user: packet.fields.Username ?? '',
    timestamp: Number(packet.fields.Timestamp),
    random: () => parts.shift() ?? Buffer.alloc(8),
  };
}

describe('SPA packets against the real fwknop client', () => {
  for (const packet of fixture.packets) {
    it(`${packet.name}: the test decoder reads fwknop's packet as fwknop printed it`, () => {
      const request = requestOf(packet);
      const data = packet.fields['Final SPA Data'] ?? '';
      const decoded = decodeSpa(data, keysOf(request));
      expect(decoded.encoded).toBe(packet.fields['Encoded Data']);
      expect(decoded.digest).toBe(packet.fields['SPA Data Digest']);
      expect(decoded.message).toBe(packet.fields['Message String']);
      expect(decoded.user).toBe(packet.fields.Username);
      expect(decoded.version).toBe('3.0.0');
      if (request.hmacKey !== undefined) {
        expect(decoded.hmac).toBe(packet.fields.HMAC);
        expect(decoded.hmacOk).toBe(true);
      }
    });

    it(`${packet.name}: Sesame builds the very same bytes from the same inputs`, () => {
      const request = requestOf(packet);
      const data = packet.fields['Final SPA Data'] ?? '';
      const { salt } = decodeSpa(data, keysOf(request));
      const built = buildSpaPacket(request, contextLike(packet, salt));
      expect(built.encoded).toBe(packet.fields['Encoded Data']);
      expect(built.digest).toBe(packet.fields['SPA Data Digest']);
      expect(built.hmac).toBe(packet.fields.HMAC === '<NULL>' ? undefined : packet.fields.HMAC);
      expect(built.data).toBe(data);
    });
  }
});

const KEY = Buffer.alloc(32, 7).toString('base64');
const HMAC_KEY = Buffer.alloc(64, 9).toString('base64');
const request = spaRequestSchema.parse({
  access: [{ protocol: 'tcp', port: 22 }],
  allowIp: '10.0.0.2',
  key: { encoding: 'base64', value: KEY },
  hmacKey: HMAC_KEY,
});
const keys = { key: Buffer.alloc(32, 7), hmacKey: Buffer.alloc(64, 9), hmacDigest: 'sha256' };

describe('buildSpaPacket', () => {
  it('carries the request, the user and the time, with a digest and an HMAC that check out', () => {
    const packet = buildSpaPacket(request, {
      user: 'alice',
      timestamp: 1_800_000_000,
      random: (n) => Buffer.alloc(n, 1),
    });
    const decoded = decodeSpa(packet.data, keys);
    expect(decoded).toMatchObject({
      user: 'alice',
      timestamp: 1_800_000_000,
      messageType: 1,
      message: '10.0.0.2,tcp/22',
      rest: [],
      hmacOk: true,
    });
    expect(decoded.randomValue).toMatch(/^[0-9]{16}$/);
    expect(decoded.digest).toBe(spaDigestOf(decoded.encoded, 'sha256'));
    expect(packet.data.startsWith('U2FsdGVkX1')).toBe(false);
  });

  it('asks for the source address (0.0.0.0) without allowIp, and sends a timeout as type 3', () => {
    const packet = buildSpaPacket(
      { ...request, allowIp: undefined, fwTimeout: 30, access: [{ protocol: 'udp', port: 53 }] },
      { user: 'bob', timestamp: 1, random: (n) => Buffer.alloc(n, 2) },
    );
    const decoded = decodeSpa(packet.data, keys);
    expect(decoded.message).toBe('0.0.0.0,udp/53');
    expect(decoded.messageType).toBe(3);
    expect(decoded.rest).toEqual(['30']);
  });

  it('makes a new random value and salt for every packet (fwknopd refuses a replay)', () => {
    const context = { user: 'alice', timestamp: 1_800_000_000 };
    const a = buildSpaPacket(request, { ...context, random: (n) => Buffer.alloc(n, 1) });
    const b = buildSpaPacket(request, { ...context, random: (n) => Buffer.alloc(n, 3) });
    expect(a.data).not.toBe(b.data);
    expect(decodeSpa(a.data, keys).randomValue).not.toBe(decodeSpa(b.data, keys).randomValue);
  });

  it('an HMAC made with another key does not check out', () => {
    const packet = buildSpaPacket(request, {
      user: 'alice',
      timestamp: 1,
      random: (n) => Buffer.alloc(n, 1),
    });
    expect(decodeSpa(packet.data, { ...keys, hmacKey: Buffer.alloc(64, 8) }).hmacOk).toBe(false);
  });
});

describe('sendSpa', () => {
  it('sends the packet data as one UDP datagram to the request port and reports it as a hit', async () => {
    const sent: { data: string; port: number; address: string }[] = [];
    const hits: number[] = [];
    const result = await sendSpa({
      address: '192.0.2.9',
      family: 4,
      request,
      onProgress: ({ hit }) => hits.push(hit.port),
      send: (data, port, address) => {
        sent.push({ data: data.toString(), port, address });
        return Promise.resolve();
      },
    });
    expect(sent).toEqual([{ data: result.packet.data, port: 62201, address: '192.0.2.9' }]);
    expect(result.hits).toMatchObject([{ protocol: 'udp', port: 62201, address: '192.0.2.9' }]);
    expect(hits).toEqual([62201]);
  });

  it('records a send error on the hit', async () => {
    const result = await sendSpa({
      address: '192.0.2.9',
      family: 4,
      request,
      send: () => Promise.reject(new Error('EPERM')),
    });
    expect(result.hits[0]?.error).toBe('EPERM');
  });
});
