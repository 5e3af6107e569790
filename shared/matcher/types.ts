// The matcher's input and output vocabulary. The matcher has its own door type, so it depends on no
// config parser: the daemon maps knockd.conf doors onto it.
import type { TcpFlagTest } from '../sequence/tcp-flags';
import type { Ipv6Words } from './ipv6-key';

/** One element of a door's sequence as the matcher needs it (a shared/sequence `Knock` fits). */
export interface MatcherKnock {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** A door as the matcher sees it, so the matcher depends on no config parser. */
export interface MatcherDoor {
  name: string;
  sequence: readonly MatcherKnock[];
  /** knockd's Seq_Timeout, in milliseconds: time allowed from the first knock to the last. */
  seqTimeoutMs: number;
  /** knockd's TCPFlags; an empty test accepts every TCP packet. */
  tcpFlags: TcpFlagTest;
  /** knockd's Target: the only destination that counts; unset, any local address counts. */
  target?: string | undefined;
}

/** A captured packet, parsed at the capture boundary (addresses in canonical text form). */
export interface KnockPacket {
  /** Milliseconds on a monotonic clock; a time earlier than the last one is treated as the last. */
  time: number;
  source: string;
  /**
   * The source's key, when whoever made the packet read it from the header (the frame decoder
   * does), so the matcher need not read it back from `source`: `sourceKey(source)` for an IPv4
   * source, or the words `ipv6Words` reads from `source` for an IPv6 one. Neither given (tests,
   * replays), the matcher reads the key from `source`; given, it must be the key of `source`.
   */
  sourceKey?: number | undefined;
  sourceWords?: Ipv6Words | undefined;
  destination: string;
  protocol: 'tcp' | 'udp';
  port: number;
  /** The TCP header's flag byte (FIN 0x01 ... URG 0x20); ignored for UDP. */
  tcpFlags: number;
}

/** What the matcher saw happen: the daemon logs these and runs a door's commands on `open`. */
export type MatcherEvent =
  | { type: 'stage'; time: number; source: string; door: number; stage: number }
  | { type: 'open'; time: number; source: string; door: number }
  | { type: 'timeout'; time: number; source: string; door: number; stage: number }
  | { type: 'evicted'; time: number; source: string; door: number; stage: number };

/** The interface facts and limits the matcher cannot know by itself. */
export interface MatcherOptions {
  /** Whether an address belongs to the capture interface (a door without `target` accepts those). */
  isLocalAddress: (address: string) => boolean;
  /** Most live attempts held at once; the oldest is evicted to start another. */
  maxAttempts?: number | undefined;
  /**
   * Seeds the hash of the source table. The daemon passes a random one per process, so that spoofed
   * sources cannot be chosen to collide (hash flooding); shared/ has no random source of its own.
   */
  hashSeed: number;
}
