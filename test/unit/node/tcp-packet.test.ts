import { describe, expect, it } from 'vitest';
import {
  buildTcpHeader,
  randomTcpFields,
  sourceAddressFor,
  tcpChecksum,
  type TcpHeaderFields,
} from '../../../electron/node/tcp-packet';

// An independent checksum check: the RFC 1071 sum written differently (carry folded at every
// step, addresses through URL parsing), so a shared mistake with the module is unlikely.
function addressWords(address: string, family: 4 | 6): number[] {
  if (family === 4) {
    const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
    return [(a << 8) | b, (c << 8) | d];
  }
  // The URL parser writes IPv6 in its canonical form; expand `::` by hand from there.
  const host = new URL(`http://[${address.replace(/%.*/, '')}]/`).hostname.slice(1, -1);
  const [left = '', right = ''] = host.split('::');
  const part = (text: string) => (text === '' ? [] : text.split(':').map((g) => parseInt(g, 16)));
  const l = part(left);
  const r = part(right);
  return host.includes('::') ? [...l, ...Array<number>(8 - l.length - r.length).fill(0), ...r] : l;
}

function foldedSum(fields: TcpHeaderFields, segment: Buffer): number {
  const words = [
    ...addressWords(fields.sourceAddress, fields.family),
    ...addressWords(fields.destinationAddress, fields.family),
    ...(fields.family === 4 ? [6, segment.length] : [0, segment.length, 0, 6]),
  ];
  for (let i = 0; i < segment.length; i += 2) words.push(segment.readUInt16BE(i));
  let sum = 0;
  for (const word of words) {
    sum += word;
    if (sum > 0xffff) sum -= 0xffff;
  }
  return sum;
}

const v4: TcpHeaderFields = {
  sourceAddress: '198.18.0.2',
  destinationAddress: '198.18.0.1',
  family: 4,
  sourcePort: 40000,
  destinationPort: 7401,
  sequence: 0x01020304,
  ack: 0,
  flags: 0x01,
};

const v6: TcpHeaderFields = {
  ...v4,
  sourceAddress: 'fd53:5e5a::2',
  destinationAddress: 'fd53:5e5a::1',
  family: 6,
  ack: 0x0a0b0c0d,
  flags: 0x11,
};

describe('buildTcpHeader', () => {
  it('lays out a 20-byte header with no options', () => {
    const header = buildTcpHeader(v4);
    expect(header).toHaveLength(20);
    expect(header.readUInt16BE(0)).toBe(40000);
    expect(header.readUInt16BE(2)).toBe(7401);
    expect(header.readUInt32BE(4)).toBe(0x01020304);
    expect(header.readUInt32BE(8)).toBe(0);
    expect(header[12]).toBe(0x50); // data offset 5 words
    expect(header[13]).toBe(0x01); // FIN
    expect(header.readUInt16BE(14)).toBe(64240);
    expect(header.readUInt16BE(18)).toBe(0); // urgent pointer
  });

  it('matches a checksum worked out by hand (IPv4)', () => {
    // pseudo-header: c612 0002 + c612 0001 + 0006 + 0014            = 0x18c41
    // segment: 9c40 1ce9 0102 0304 0000 0000 5001 faf0 [0000] 0000  = 0x20820
    // 0x18c41 + 0x20820 = 0x39461 -> fold 0x9461 + 3 = 0x9464 -> complement 0x6b9b
    expect(buildTcpHeader(v4).readUInt16BE(16)).toBe(0x6b9b);
  });

  it('matches a checksum worked out by hand (IPv6)', () => {
    // pseudo-header: fd53 5e5a 0..0 0002 + fd53 5e5a 0..0 0001 + 0000 0014 + 0000 0006 = 0x2b777
    // segment: 9c40 1ce9 0102 0304 0a0b 0c0d 5011 faf0 [0000] 0000                     = 0x21e48
    // 0x2b777 + 0x21e48 = 0x4d5bf -> fold 0xd5bf + 4 = 0xd5c3 -> complement 0x2a3c
    expect(buildTcpHeader(v6).readUInt16BE(16)).toBe(0x2a3c);
  });

  it('makes the sum over pseudo-header and segment fold to 0xffff', () => {
    const cases: TcpHeaderFields[] = [v4, v6];
    for (let flags = 0; flags < 0x40; flags += 7) {
      cases.push({ ...v4, flags, ...randomTcpFields(flags) });
      cases.push({ ...v6, flags, ...randomTcpFields(flags) });
    }
    cases.push({ ...v6, sourceAddress: '::ffff:198.18.0.2', destinationAddress: '2001:db8::7:0' });
    cases.push({ ...v6, sourceAddress: 'fe80::1%veth0', destinationAddress: '::1' });
    cases.push({ ...v4, sourceAddress: '255.255.255.255', destinationAddress: '0.0.0.0' });
    for (const fields of cases) {
      expect(foldedSum(fields, buildTcpHeader(fields)), JSON.stringify(fields)).toBe(0xffff);
    }
  });

  it('reads every IPv6 text form of an address the same way', () => {
    const long = {
      ...v6,
      sourceAddress: 'fd53:5e5a:0:0:0:0:0:2',
      destinationAddress: 'FD53:5E5A::0:1',
    };
    expect(buildTcpHeader(long)).toEqual(buildTcpHeader(v6));
    const mapped = { ...v6, sourceAddress: '::ffff:c612:2' };
    expect(buildTcpHeader(mapped)).toEqual(
      buildTcpHeader({ ...v6, sourceAddress: '::ffff:198.18.0.2' }),
    );
  });

  it('refuses an address of the other family', () => {
    expect(() => buildTcpHeader({ ...v4, sourceAddress: 'fd53:5e5a::2' })).toThrow(
      '"fd53:5e5a::2" is not an IPv4 address',
    );
    expect(() => buildTcpHeader({ ...v6, destinationAddress: '198.18.0.1' })).toThrow(
      /is not an IPv6 address/,
    );
  });
});

describe('tcpChecksum', () => {
  it('is the value written into the header, and 0 over a header that holds it', () => {
    const header = buildTcpHeader(v4);
    expect(tcpChecksum(v4, header)).toBe(0);
    const zeroed = Buffer.from(header);
    zeroed.writeUInt16BE(0, 16);
    expect(tcpChecksum(v4, zeroed)).toBe(0x6b9b);
  });

  it('covers an odd-length segment (padded with a zero byte)', () => {
    const segment = Buffer.concat([buildTcpHeader(v4), Buffer.from([0xab])]);
    segment.writeUInt16BE(0, 16);
    // The extra byte adds 0xab00, and the pseudo-header length grows from 0x14 to 0x15.
    const sum = (0x9464 + 0xab00 + 1) % 0xffff;
    expect(tcpChecksum(v4, segment)).toBe(~sum & 0xffff);
  });
});

describe('randomTcpFields', () => {
  it('picks an ephemeral port, and an ack number only when ACK is set', () => {
    const ports = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const fields = randomTcpFields(0x01);
      expect(fields.sourcePort).toBeGreaterThanOrEqual(32768);
      expect(fields.sourcePort).toBeLessThanOrEqual(60999);
      expect(fields.ack).toBe(0);
      expect(fields.sequence).toBeGreaterThanOrEqual(0);
      expect(fields.sequence).toBeLessThan(2 ** 32);
      ports.add(fields.sourcePort);
    }
    expect(ports.size).toBeGreaterThan(100);
    const acks = new Set(Array.from({ length: 20 }, () => randomTcpFields(0x12).ack));
    expect(acks.size).toBeGreaterThan(1);
  });
});

describe('sourceAddressFor', () => {
  it('finds the local address of the route without sending', async () => {
    expect(await sourceAddressFor('127.0.0.1', 4, 9)).toBe('127.0.0.1');
  });

  it('takes only an address literal of the family (no name lookups here)', async () => {
    await expect(sourceAddressFor('localhost', 4, 9)).rejects.toThrow(
      '"localhost" is not an IPv4 address',
    );
    await expect(sourceAddressFor('127.0.0.1', 6, 9)).rejects.toThrow(/not an IPv6 address/);
  });
});
