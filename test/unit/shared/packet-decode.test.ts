import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ipv6Words } from '../../../shared/matcher/ipv6-key';
import { decodeFrame, ipv6Text } from '../../../shared/matcher/packet-decode';
import { sourceKey } from '../../../shared/matcher/source-key';
import { type AddressWords, writeIpFrame } from '../../bench/ip-frame';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// IPv4 198.18.0.2 -> 198.18.0.1, TCP 40000 -> 7000, flags SYN.
const ipv4Syn = hex(`
  45 00 00 28 00 01 40 00 40 06 00 00 c6 12 00 02 c6 12 00 01
  9c 40 1b 58 00 00 00 01 00 00 00 00 50 02 fa f0 00 00 00 00`);
// IPv6 fd53:5e5a::2 -> fd53:5e5a::1, UDP 40000 -> 8000, one 0x00 byte.
const ipv6Udp = hex(`
  60 00 00 00 00 09 11 40 fd 53 5e 5a 00 00 00 00 00 00 00 00 00 00 00 02
  fd 53 5e 5a 00 00 00 00 00 00 00 00 00 00 00 01 9c 40 1f 40 00 09 00 00 00`);
const ethernet = (type: string, payload: Uint8Array) =>
  Uint8Array.from([...hex(`02 00 00 00 00 01 02 00 00 00 00 02 ${type}`), ...payload]);

describe('decodeFrame', () => {
  it('reads a TCP SYN over IPv4 in an Ethernet frame', () => {
    expect(decodeFrame('ethernet', ethernet('08 00', ipv4Syn))).toEqual({
      family: 4,
      source: '198.18.0.2',
      sourceKey: 0xc6120002 | 0, // an int32, as sourceKey gives
      sourceWords: undefined,
      destination: '198.18.0.1',
      protocol: 'tcp',
      port: 7000,
      tcpFlags: 0x02,
    });
  });

  it('reads UDP over IPv6 as raw IP', () => {
    expect(decodeFrame('raw', ipv6Udp)).toEqual({
      family: 6,
      source: 'fd53:5e5a::2',
      sourceKey: undefined,
      sourceWords: [0xfd535e5a | 0, 0, 0, 2],
      destination: 'fd53:5e5a::1',
      protocol: 'udp',
      port: 8000,
      tcpFlags: 0,
    });
  });

  it('looks through 802.1Q VLAN tags', () => {
    const tagged = ethernet('81 00', Uint8Array.from([...hex('00 05 08 00'), ...ipv4Syn]));
    expect(decodeFrame('ethernet', tagged)?.port).toBe(7000);
  });

  it('reads Linux cooked captures and skips our own outgoing packets', () => {
    const sll = (packetType: string) =>
      Uint8Array.from([
        ...hex(`${packetType} 00 01 00 06 02 00 00 00 00 02 00 00 08 00`),
        ...ipv4Syn,
      ]);
    expect(decodeFrame('linux-sll', sll('00 00'))?.source).toBe('198.18.0.2');
    expect(decodeFrame('linux-sll', sll('00 04'))).toBeUndefined();
    const sll2 = Uint8Array.from([
      ...hex('08 00 00 00 00 00 00 02 00 01 00 06 02 00 00 00 00 02 00 00'),
      ...ipv4Syn,
    ]);
    expect(decodeFrame('linux-sll2', sll2)?.port).toBe(7000);
  });

  it('reads no further than the IP length: Ethernet padding is never taken for a header', () => {
    // An IPv4 header alone (total length 20) that says TCP, with 40 more bytes that look like a SYN
    // to port 7000: Ethernet pads short frames, and the padding is not the packet's.
    const headerOnly = Uint8Array.from(ipv4Syn);
    headerOnly[3] = 20;
    expect(decodeFrame('ethernet', ethernet('08 00', headerOnly))).toBeUndefined();
    const cutTcp = Uint8Array.from(ipv4Syn);
    cutTcp[3] = 20 + 14; // the flags byte, but not the whole 20-byte TCP header
    expect(decodeFrame('raw', cutTcp)).toBeUndefined();
    const tooShort = Uint8Array.from(ipv4Syn);
    tooShort[3] = 16; // shorter than its own header
    expect(decodeFrame('raw', tooShort)).toBeUndefined();
    const cutUdp = Uint8Array.from(ipv6Udp);
    cutUdp[5] = 4; // IPv6 payload of 4 bytes: half a UDP header
    expect(decodeFrame('raw', cutUdp)).toBeUndefined();
    // A whole packet followed by padding still decodes.
    const padded = Uint8Array.from([...ipv4Syn, ...new Uint8Array(6).fill(0xff)]);
    expect(decodeFrame('ethernet', ethernet('08 00', padded))?.port).toBe(7000);
    expect(decodeFrame('raw', Uint8Array.from([...ipv6Udp, 1, 2, 3]))?.port).toBe(8000);
  });

  it('ignores what cannot be a knock: fragments, truncation, IPv6 extension headers, other protocols', () => {
    const fragment = Uint8Array.from(ipv4Syn);
    fragment[7] = 0x10; // fragment offset 16
    expect(decodeFrame('raw', fragment)).toBeUndefined();
    expect(decodeFrame('raw', ipv4Syn, 30)).toBeUndefined();
    const hopByHop = Uint8Array.from(ipv6Udp);
    hopByHop[6] = 0; // next header: hop-by-hop options
    expect(decodeFrame('raw', hopByHop)).toBeUndefined();
    const icmp = Uint8Array.from(ipv4Syn);
    icmp[9] = 1;
    expect(decodeFrame('raw', icmp)).toBeUndefined();
    expect(decodeFrame('ethernet', ethernet('08 06', ipv4Syn))).toBeUndefined();
  });
});

describe("the source's key read from the header", () => {
  /** Random IPv6 addresses' words, about half their groups zero (every kind of zero run). */
  const randomIpv6 = (): AddressWords => {
    const bytes = randomBytes(17);
    for (let g = 0; g < 8; g += 1) if (((bytes[16] ?? 0) >> g) & 1) bytes.writeUInt16BE(0, 2 * g);
    return [
      bytes.readInt32BE(0),
      bytes.readInt32BE(4),
      bytes.readInt32BE(8),
      bytes.readInt32BE(12),
    ];
  };
  const frame = Buffer.alloc(60);
  const decode = (source: AddressWords, destination: AddressWords) => {
    const length = writeIpFrame(
      { source, destination, protocol: 'udp', port: 1, tcpFlags: 0 },
      frame,
    );
    return decodeFrame('raw', frame, length);
  };

  it('is the key the matcher would read from the text: sourceKey for IPv4, ipv6Words for IPv6', () => {
    const words = new Int32Array(4);
    for (let i = 0; i < 2000; i += 1) {
      const v4 = decode([randomBytes(4).readInt32BE(0)], [0x0a000001]);
      expect(v4?.sourceKey, v4?.source).toBe(sourceKey(v4?.source ?? ''));
      expect(v4?.sourceWords).toBeUndefined();
      const v6 = decode(randomIpv6(), [0x20010db8, 0, 0, 1]);
      expect(ipv6Words(v6?.source ?? '', words), v6?.source).toBe(true);
      expect(v6?.sourceWords, v6?.source).toEqual([...words]);
      expect(v6?.sourceKey).toBeUndefined();
    }
  });

  it('gives the words of the source, not of the destination, for edge addresses', () => {
    const edges: AddressWords[] = [
      [0, 0, 0, 0],
      [0, 0, 0, 1],
      [0, 0, 0xffff, 0x0a000001], // ::ffff:a00:1, IPv4-mapped
      [-1, -1, -1, -1],
    ];
    for (const source of edges) {
      expect(decode(source, [0x20010db8, 0, 0, 1])?.sourceWords).toEqual(source);
    }
    expect(decode([-1], [0])?.sourceKey).toBe(-1); // 255.255.255.255
    expect(decode([0], [-1])?.sourceKey).toBe(0);
  });
});

describe('ipv6Text (RFC 5952)', () => {
  it.each([
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000001', '::1'],
    ['00000000000000000000000000000000', '::'],
    ['fe800000000000000000000000000000', 'fe80::'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['00010000000100000001000000010000', '1:0:1:0:1:0:1:0'],
  ])('%s is %s', (bytes, text) => {
    expect(ipv6Text(hex(bytes), 0)).toBe(text);
  });

  it('agrees with the WHATWG URL serializer on random addresses', () => {
    for (let i = 0; i < 500; i += 1) {
      const bytes = randomBytes(16);
      for (let g = 0; g < 8; g += 1) if ((bytes[g] ?? 0) & 1) bytes.writeUInt16BE(0, g * 2);
      const text = ipv6Text(bytes, 0);
      expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
    }
  });
});
