import { assertNever } from '../basics';
import { formatIpv6, type Ipv6Words } from './ipv6-key';
/** How captured frames start: libpcap's link types that Sesame's server reads. */
export type LinkType = 'ethernet' | 'linux-sll' | 'linux-sll2' | 'raw';

/** The fields of a captured packet that the matcher needs; addresses in their text form. */
export interface DecodedPacket {
  family: 4 | 6;
  source: string;
  /**
   * The source's key as read from the header (KnockPacket says how the matcher uses it): the
   * decoder gives `sourceKey` for an IPv4 source and `sourceWords` for an IPv6 one, the other
   * undefined. Packets made by hand (tests, replays) may leave both out.
   */
  sourceKey?: number | undefined;
  sourceWords?: Ipv6Words | undefined;
  destination: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The TCP header's flag byte (0 for UDP). */
  tcpFlags: number;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8];
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const SLL_OUTGOING = 4;

/** IPv4 dotted quad. */
function ipv4Text(b: Uint8Array, at: number): string {
  return `${b[at] ?? 0}.${b[at + 1] ?? 0}.${b[at + 2] ?? 0}.${b[at + 3] ?? 0}`;
}

/** IPv6 in the RFC 5952 text form (lower case, longest zero run of 2+ groups as `::`), as knockd's %IP%. */
export function ipv6Text(b: Uint8Array, at: number): string {
  return formatIpv6(u32(b, at), u32(b, at + 4), u32(b, at + 8), u32(b, at + 12));
}

const u16 = (b: Uint8Array, at: number) => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
/** A big-endian 32-bit word, as an int32. */
const u32 = (b: Uint8Array, at: number) => (u16(b, at) << 16) | u16(b, at + 2);

/** The smallest TCP header (no options) and the UDP header, in bytes. */
const TCP_HEADER = 20;
const UDP_HEADER = 8;

/** Reads the transport header at `at`, which must lie whole before `end` (the IP packet's end). */
function transport(
  b: Uint8Array,
  end: number,
  at: number,
  protocol: number,
): { protocol: 'tcp' | 'udp'; port: number; tcpFlags: number } | undefined {
  if (protocol === IPPROTO_TCP && at + TCP_HEADER <= end) {
    return { protocol: 'tcp', port: u16(b, at + 2), tcpFlags: (b[at + 13] ?? 0) & 0x3f };
  }
  if (protocol === IPPROTO_UDP && at + UDP_HEADER <= end)
    return { protocol: 'udp', port: u16(b, at + 2), tcpFlags: 0 };
  return undefined;
}

/**
 * Decodes an IP packet starting at `at`; IPv6 with extension headers is ignored, as knockd does.
 * Only the bytes the IP header's length field covers are the packet's: what follows in the frame
 * (Ethernet pads short frames to 60 bytes) is never read as a header.
 */
function decodeIp(b: Uint8Array, length: number, at: number): DecodedPacket | undefined {
  const version = (b[at] ?? 0) >> 4;
  if (version === 4 && at + 20 <= length) {
    const headerLength = ((b[at] ?? 0) & 0x0f) * 4;
    const totalLength = u16(b, at + 2);
    const fragmentOffset = u16(b, at + 6) & 0x1fff;
    if (headerLength < 20 || totalLength < headerLength || fragmentOffset !== 0) return undefined;
    const end = Math.min(length, at + totalLength);
    const t = transport(b, end, at + headerLength, b[at + 9] ?? 0);
    if (!t) return undefined;
    const source = ipv4Text(b, at + 12);
    const destination = ipv4Text(b, at + 16);
    // The int32 of the address is sourceKey(source): the dotted quad is written from these bytes.
    return {
      family: 4,
      source,
      sourceKey: u32(b, at + 12),
      sourceWords: undefined,
      destination,
      ...t,
    };
  }
  if (version === 6 && at + 40 <= length) {
    const end = Math.min(length, at + 40 + u16(b, at + 4));
    const t = transport(b, end, at + 40, b[at + 6] ?? 0);
    if (!t) return undefined;
    const words: Ipv6Words = [u32(b, at + 8), u32(b, at + 12), u32(b, at + 16), u32(b, at + 20)];
    // formatIpv6's text, so ipv6Words reads these very words back from it.
    const source = formatIpv6(words[0], words[1], words[2], words[3]);
    const destination = ipv6Text(b, at + 24);
    return { family: 6, source, sourceKey: undefined, sourceWords: words, destination, ...t };
  }
  return undefined;
}

function decodeEthertype(
  b: Uint8Array,
  length: number,
  type: number,
  at: number,
): DecodedPacket | undefined {
  let etherType = type;
  let offset = at;
  while (ETHERTYPE_VLAN.includes(etherType) && offset + 4 <= length) {
    etherType = u16(b, offset + 2);
    offset += 4;
  }
  if (etherType !== ETHERTYPE_IPV4 && etherType !== ETHERTYPE_IPV6) return undefined;
  return decodeIp(b, length, offset);
}

/**
 * Decodes a captured frame into what the matcher needs, or undefined for anything that cannot be a
 * knock (not TCP/UDP over IP, truncated, a fragment, IPv6 extension headers, our own outgoing packets
 * on a cooked capture). Pure, so it is tested with byte arrays and shared by capture and replay.
 */
export function decodeFrame(
  linkType: LinkType,
  b: Uint8Array,
  length = b.length,
): DecodedPacket | undefined {
  switch (linkType) {
    case 'ethernet':
      return length < 14 ? undefined : decodeEthertype(b, length, u16(b, 12), 14);
    case 'linux-sll':
      if (length < 16 || u16(b, 0) === SLL_OUTGOING) return undefined;
      return decodeEthertype(b, length, u16(b, 14), 16);
    case 'linux-sll2':
      if (length < 20 || b[10] === SLL_OUTGOING) return undefined;
      return decodeEthertype(b, length, u16(b, 0), 20);
    case 'raw':
      return decodeIp(b, length, 0);
    default:
      return assertNever(linkType);
  }
}
