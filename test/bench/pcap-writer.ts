// A tiny pcap writer for benchmarks that replay crafted traffic with tcpreplay: the classic pcap
// global header (link type Ethernet) and one record per frame. Only what the flood benchmark needs:
// Ethernet + IPv4 + TCP without options. The IPv4 header checksum is computed; the TCP checksum is
// computed too (over the IPv4 pseudo-header), although neither knockd nor Sesame checks it.
// Format: https://wiki.wireshark.org/Development/LibpcapFileFormat

const PCAP_MAGIC = 0xa1b2c3d4;
const LINKTYPE_ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const IPPROTO_TCP = 6;
const ETH_HEADER = 14;
const IP_HEADER = 20;
const TCP_HEADER = 20;
/** Length of every frame this writer builds (no payload, no Ethernet padding: veth needs none). */
export const TCP_FRAME_BYTES = ETH_HEADER + IP_HEADER + TCP_HEADER;
const RECORD_HEADER = 16;

/** TCP flag bits, as in the header's 13th byte. */
export const TCP_SYN = 0x02;

/** One TCP segment without payload, addressed at the link and IP layers. */
export interface TcpFrame {
  /** 6 bytes each, e.g. from macBytes('aa:bb:cc:dd:ee:ff'). */
  dstMac: Uint8Array;
  srcMac: Uint8Array;
  /** IPv4 addresses as 32-bit unsigned integers (see ipv4ToInt). */
  srcIp: number;
  dstIp: number;
  srcPort: number;
  dstPort: number;
  flags: number;
  seq: number;
  ipId: number;
}

/** 'aa:bb:cc:dd:ee:ff' → 6 bytes. */
export function macBytes(mac: string): Uint8Array {
  const parts = mac.split(':').map((p) => Number.parseInt(p, 16));
  if (parts.length !== 6 || parts.some((p) => !(p >= 0 && p <= 255))) {
    throw new Error(`not a MAC address: ${mac}`);
  }
  return Uint8Array.from(parts);
}

/** '198.18.0.1' → 0xc6120001. */
export function ipv4ToInt(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`not an IPv4 address: ${address}`);
  }
  return (
    (((parts[0] ?? 0) << 24) |
      ((parts[1] ?? 0) << 16) |
      ((parts[2] ?? 0) << 8) |
      (parts[3] ?? 0)) >>>
    0
  );
}

/** 0xc6120001 → '198.18.0.1'. */
export function intToIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** The Internet checksum (RFC 1071) of buf[start, end), folded and complemented, plus `initial`. */
function checksum(buf: Buffer, start: number, end: number, initial = 0): number {
  let sum = initial;
  for (let i = start; i + 1 < end; i += 2) sum += buf.readUInt16BE(i);
  if ((end - start) % 2 === 1) sum += (buf[end - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Writes one Ethernet/IPv4/TCP frame of TCP_FRAME_BYTES at `offset`. */
export function writeTcpFrame(buf: Buffer, offset: number, f: TcpFrame): void {
  buf.set(f.dstMac, offset);
  buf.set(f.srcMac, offset + 6);
  buf.writeUInt16BE(ETHERTYPE_IPV4, offset + 12);
  const ip = offset + ETH_HEADER;
  buf[ip] = 0x45; // version 4, 5 words
  buf[ip + 1] = 0;
  buf.writeUInt16BE(IP_HEADER + TCP_HEADER, ip + 2);
  buf.writeUInt16BE(f.ipId & 0xffff, ip + 4);
  buf.writeUInt16BE(0x4000, ip + 6); // DF
  buf[ip + 8] = 64;
  buf[ip + 9] = IPPROTO_TCP;
  buf.writeUInt16BE(0, ip + 10);
  buf.writeUInt32BE(f.srcIp >>> 0, ip + 12);
  buf.writeUInt32BE(f.dstIp >>> 0, ip + 16);
  buf.writeUInt16BE(checksum(buf, ip, ip + IP_HEADER), ip + 10);
  const tcp = ip + IP_HEADER;
  buf.writeUInt16BE(f.srcPort, tcp);
  buf.writeUInt16BE(f.dstPort, tcp + 2);
  buf.writeUInt32BE(f.seq >>> 0, tcp + 4);
  buf.writeUInt32BE(0, tcp + 8);
  buf[tcp + 12] = (TCP_HEADER / 4) << 4;
  buf[tcp + 13] = f.flags;
  buf.writeUInt16BE(64240, tcp + 14);
  buf.writeUInt32BE(0, tcp + 16); // checksum (filled below) and urgent pointer
  const pseudo =
    (f.srcIp >>> 16) +
    (f.srcIp & 0xffff) +
    (f.dstIp >>> 16) +
    (f.dstIp & 0xffff) +
    IPPROTO_TCP +
    TCP_HEADER;
  buf.writeUInt16BE(checksum(buf, tcp, tcp + TCP_HEADER, pseudo), tcp + 16);
}

/**
 * A whole pcap file of TCP frames, one record each, `gapMicros` apart (tcpreplay's --pps ignores the
 * time stamps; they only make the file readable in tcpdump/wireshark).
 */
export function pcapOfTcpFrames(frames: Iterable<TcpFrame>, count: number, gapMicros = 1): Buffer {
  const recordBytes = RECORD_HEADER + TCP_FRAME_BYTES;
  const buf = Buffer.alloc(24 + count * recordBytes);
  buf.writeUInt32LE(PCAP_MAGIC, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeInt32LE(0, 8); // thiszone
  buf.writeUInt32LE(0, 12); // sigfigs
  buf.writeUInt32LE(65535, 16); // snaplen
  buf.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  let offset = 24;
  let written = 0;
  for (const frame of frames) {
    if (written === count) break;
    const micros = written * gapMicros;
    buf.writeUInt32LE(Math.floor(micros / 1_000_000), offset);
    buf.writeUInt32LE(micros % 1_000_000, offset + 4);
    buf.writeUInt32LE(TCP_FRAME_BYTES, offset + 8);
    buf.writeUInt32LE(TCP_FRAME_BYTES, offset + 12);
    writeTcpFrame(buf, offset + RECORD_HEADER, frame);
    offset += recordBytes;
    written += 1;
  }
  if (written !== count) throw new Error(`pcap: ${written} frames for ${count} records`);
  return buf;
}
