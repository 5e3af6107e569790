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

/** Big-endian stores, as the IP and transport headers hold numbers. */
function put16(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 8;
  out[at + 1] = value;
}
function put32(out: Uint8Array, at: number, value: number): void {
  put16(out, at, value >>> 16);
  put16(out, at + 2, value & 0xffff);
}
function putAddress(out: Uint8Array, at: number, words: AddressWords): void {
  for (let i = 0; i < words.length; i += 1) put32(out, at + 4 * i, words[i] ?? 0);
}

/** Writes the frame at the start of `out` (at least 60 bytes) and returns its length. */
export function writeIpFrame(frame: IpFrame, out: Uint8Array): number {
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
    put16(out, 2, length);
    out[8] = 64;
    out[9] = protocol;
    putAddress(out, 12, frame.source);
    putAddress(out, 16, frame.destination);
  } else {
    out[0] = 0x60; // version 6
    put16(out, 4, transport);
    out[6] = protocol;
    out[7] = 64;
    putAddress(out, 8, frame.source);
    putAddress(out, 24, frame.destination);
  }
  put16(out, ipHeader, SOURCE_PORT);
  put16(out, ipHeader + 2, frame.port);
  if (frame.protocol === 'tcp') {
    out[ipHeader + 12] = (TCP_HEADER / 4) << 4;
    out[ipHeader + 13] = frame.tcpFlags;
  } else {
    put16(out, ipHeader + 4, UDP_HEADER);
  }
  return length;
}
