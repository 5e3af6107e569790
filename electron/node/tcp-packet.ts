import { randomBytes, randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';

/** Everything a crafted TCP header holds; the addresses are needed for the checksum only. */
export interface TcpHeaderFields {
  sourceAddress: string;
  destinationAddress: string;
  family: 4 | 6;
  sourcePort: number;
  destinationPort: number;
  sequence: number;
  ack: number;
  /** The flag byte (FIN 0x01 ... URG 0x20), see shared/sequence/tcp-flags. */
  flags: number;
}

/** The two addresses of the pseudo-header that TCP's checksum covers (RFC 9293 3.1, RFC 8200 8.1). */
export interface PseudoHeaderAddresses {
  sourceAddress: string;
  destinationAddress: string;
  family: 4 | 6;
}

/** Length of the header we send: no options, data offset 5. */
export const TCP_HEADER_LENGTH = 20;

const IP_PROTOCOL_TCP = 6;
const WINDOW = 64240;
const ACK_BIT = 0x10;
/** Linux's default ephemeral range (net.ipv4.ip_local_port_range), so a crafted hit looks ordinary. */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address in any RFC 4291 text form (`::`, embedded IPv4, zone id). */
function ipv6Bytes(text: string): number[] {
  const address = text.split('%')[0] ?? text;
  const [head = '', tail] = address.split('::');
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(piece);
        words.push((a << 8) | b, (c << 8) | d);
      } else {
        words.push(parseInt(piece, 16));
      }
    }
    return words;
  };
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/** Binary form of an address of the given family; throws on text that is not one. */
function addressBytes(address: string, family: 4 | 6): number[] {
  if (family === 4 && isIPv4(address)) return ipv4Bytes(address);
  if (family === 6 && isIPv6(address.split('%')[0] ?? address)) return ipv6Bytes(address);
  throw new Error(`"${address}" is not an IPv${family} address`);
}

function pseudoHeader(
  { sourceAddress, destinationAddress, family }: PseudoHeaderAddresses,
  length: number,
): Buffer {
  const source = addressBytes(sourceAddress, family);
  const destination = addressBytes(destinationAddress, family);
  if (family === 4) {
    // source, destination, zero, protocol, TCP length
    return Buffer.from([...source, ...destination, 0, IP_PROTOCOL_TCP, length >> 8, length & 0xff]);
  }
  // source, destination, 32-bit upper-layer length, three zero bytes, next header
  const tail = Buffer.alloc(8);
  tail.writeUInt32BE(length, 0);
  tail[7] = IP_PROTOCOL_TCP;
  return Buffer.concat([Buffer.from(source), Buffer.from(destination), tail]);
}

/** One's-complement sum of 16-bit big-endian words (RFC 1071), folded to 16 bits. */
function onesComplementSum(chunks: readonly Uint8Array[]): number {
  let sum = 0;
  for (const chunk of chunks) {
    // Every chunk but the last has even length here, so words never straddle two chunks.
    for (let i = 0; i < chunk.length; i += 2) sum += ((chunk[i] ?? 0) << 8) | (chunk[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * TCP's checksum of a segment (header + data) over the IPv4 or IPv6 pseudo-header. With the
 * segment's checksum field zeroed this is the value to write there; over a segment that already
 * holds its correct checksum it is 0.
 */
export function tcpChecksum(addresses: PseudoHeaderAddresses, segment: Uint8Array): number {
  const sum = onesComplementSum([pseudoHeader(addresses, segment.length), segment]);
  return ~sum & 0xffff;
}

/** Builds the 20-byte header of a crafted knock (no options, no data) with its checksum filled in. */
export function buildTcpHeader(fields: TcpHeaderFields): Buffer {
  const header = Buffer.alloc(TCP_HEADER_LENGTH);
  header.writeUInt16BE(fields.sourcePort, 0);
  header.writeUInt16BE(fields.destinationPort, 2);
  header.writeUInt32BE(fields.sequence >>> 0, 4);
  header.writeUInt32BE(fields.ack >>> 0, 8);
  header[12] = (TCP_HEADER_LENGTH / 4) << 4; // data offset in 32-bit words, reserved bits 0
  header[13] = fields.flags & 0xff;
  header.writeUInt16BE(WINDOW, 14);
  // bytes 16-17: checksum (zero while summing), 18-19: urgent pointer 0
  header.writeUInt16BE(tcpChecksum(fields, header), 16);
  return header;
}

/** The per-packet random parts of a crafted hit, as a kernel would choose them. */
export interface TcpRandomFields {
  sourcePort: number;
  sequence: number;
  ack: number;
}

/** Random ephemeral port and sequence number (and acknowledgment number, only when ACK is set). */
export function randomTcpFields(flags: number): TcpRandomFields {
  const random32 = () => randomBytes(4).readUInt32BE(0);
  return {
    sourcePort: randomInt(EPHEMERAL_FIRST, EPHEMERAL_LAST + 1),
    sequence: random32(),
    ack: (flags & ACK_BIT) !== 0 ? random32() : 0,
  };
}

/**
 * The local address the kernel would send from to reach `destination`: the checksum covers it, and
 * a raw socket only learns it from the route. Connecting a UDP socket picks the route and sends nothing.
 */
export function sourceAddressFor(
  destination: string,
  family: 4 | 6,
  port: number,
): Promise<string> {
  const literal = family === 4 ? isIPv4(destination) : isIPv6(destination.split('%')[0] ?? '');
  if (!literal) {
    return Promise.reject(new Error(`"${destination}" is not an IPv${family} address`));
  }
  return new Promise((resolve, reject) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    const fail = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once('error', fail);
    // Node passes a failed connect (e.g. ENETUNREACH: no route) to this callback, not to 'error'.
    socket.connect(port, destination, (error?: Error) => {
      socket.off('error', fail);
      if (error) {
        fail(error);
        return;
      }
      try {
        resolve(socket.address().address);
      } catch (thrown: unknown) {
        reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
      } finally {
        socket.close();
      }
    });
  });
}
