// Raw IP frames (libpcap's `raw` link type: an IPv4 or IPv6 header, then a TCP or UDP header), for
// benchmarks that hand the matcher packets the way the server does: through the frame decoder
// (shared/matcher/packet-decode.ts). Only what a knock needs is filled in: no options, payload or
// checksums (the decoder reads none).

/** An address as its IP header holds it: one big-endian 32-bit word for IPv4, four for IPv6. */
export type AddressWords = readonly [number] | readonly [number, number, number, number];

/** One knock's header fields; source and destination of the same family. */
export interface IpFrame {
  source: AddressWords;
  destination: AddressWords;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The TCP flag byte (ignored for UDP). */
  tcpFlags: number;
}

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const TCP_HEADER = 20;
const UDP_HEADER = 8;
/** The source port of every frame (the decoder does not read it). */
const SOURCE_PORT = 40_000;

/** An address's words, big-endian as the header holds them (int32 or uint32 alike). */
function putAddress(out: Buffer, at: number, words: AddressWords): void {
  for (let i = 0; i < words.length; i += 1) out.writeUInt32BE((words[i] ?? 0) >>> 0, at + 4 * i);
}

/** Writes the frame at the start of `out` (at least 60 bytes) and returns its length. */
export function writeIpFrame(frame: IpFrame, out: Buffer): number {
  const ipv4 = frame.source.length === 1;
  if (ipv4 !== (frame.destination.length === 1)) {
    throw new Error('source and destination differ in family');
  }
  const ipHeader = ipv4 ? 20 : 40;
  const transport = frame.protocol === 'tcp' ? TCP_HEADER : UDP_HEADER;
  const length = ipHeader + transport;
  out.fill(0, 0, length);
  const protocol = frame.protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  if (ipv4) {
    out[0] = 0x45; // version 4, header of 5 words
    out.writeUInt16BE(length, 2);
    out[8] = 64;
    out[9] = protocol;
    putAddress(out, 12, frame.source);
    putAddress(out, 16, frame.destination);
  } else {
    out[0] = 0x60; // version 6
    out.writeUInt16BE(transport, 4);
    out[6] = protocol;
    out[7] = 64;
    putAddress(out, 8, frame.source);
    putAddress(out, 24, frame.destination);
  }
  out.writeUInt16BE(SOURCE_PORT, ipHeader);
  out.writeUInt16BE(frame.port, ipHeader + 2);
  if (frame.protocol === 'tcp') {
    out[ipHeader + 12] = (TCP_HEADER / 4) << 4;
    out[ipHeader + 13] = frame.tcpFlags;
  } else {
    out.writeUInt16BE(UDP_HEADER, ipHeader + 4);
  }
  return length;
}
