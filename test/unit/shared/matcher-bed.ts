// A small test bed for the matcher: doors written in knockd.conf syntax, packets written as the
// semantics table writes them (`S7000` = SYN to 7000, `U8000` = UDP), events as knockd's log lines.
import {
  Matcher,
  type KnockPacket,
  type MatcherDoor,
  type MatcherEvent,
} from '../../../shared/matcher/matcher';
import { parseSequence } from '../../../shared/sequence/sequence';
import { parseTcpFlags, TCP_FLAG_BITS } from '../../../shared/sequence/tcp-flags';
import { assertNever } from '../../../shared/basics';

/** Client hosts, as in the table: A and B over IPv4, A6 is A over IPv6. */
export const A = '192.0.2.10';
export const B = '192.0.2.20';
export const A6 = '2001:db8::10';
/** The server interface's addresses. */
export const LOCAL = '10.0.0.1';
export const LOCAL2 = '192.168.1.1';
export const LOCAL6 = '2001:db8::1';
const LOCALS = new Set([LOCAL, LOCAL2, LOCAL6]);
const LABELS = new Map([
  [A, 'A'],
  [B, 'B'],
  [A6, 'A6'],
]);

/** A door from knockd.conf values: `door('o', '7000,8000,9000', { seqTimeout: 5, tcpFlags: 'syn' })`. */
export function door(
  name: string,
  sequence: string,
  options: { seqTimeout?: number; tcpFlags?: string; target?: string } = {},
): MatcherDoor {
  const parsed = parseSequence(sequence);
  if (!parsed.ok) throw new Error(parsed.error);
  const flags = options.tcpFlags ? parseTcpFlags(options.tcpFlags) : undefined;
  if (flags && !flags.ok) throw new Error(flags.error);
  return {
    name,
    sequence: parsed.value,
    seqTimeoutMs: (options.seqTimeout ?? 25) * 1000,
    tcpFlags: flags?.value ?? { set: [], clear: [] },
    target: options.target,
  };
}

/** The table's base config C1: `sequence = 7000,8000,9000; seq_timeout = 5; tcpflags = syn`. */
export const C1 = door('o', '7000,8000,9000', { seqTimeout: 5, tcpFlags: 'syn' });

const SYN = TCP_FLAG_BITS.syn;
const KINDS: Record<string, Pick<KnockPacket, 'protocol' | 'tcpFlags'>> = {
  S: { protocol: 'tcp', tcpFlags: SYN },
  A: { protocol: 'tcp', tcpFlags: TCP_FLAG_BITS.ack },
  SA: { protocol: 'tcp', tcpFlags: SYN | TCP_FLAG_BITS.ack },
  F: { protocol: 'tcp', tcpFlags: TCP_FLAG_BITS.fin },
  U: { protocol: 'udp', tcpFlags: 0 },
};

/** One packet from a token such as `S7000`, `SA2000` or `U8000`. */
export function packet(token: string, from: string, to: string, time: number): KnockPacket {
  const match = /^([A-Z]+)(\d+)$/.exec(token);
  const kind = match ? KINDS[match[1] ?? ''] : undefined;
  if (!match || !kind) throw new Error(`bad packet token ${token}`);
  return { time, source: from, destination: to, port: Number(match[2]), ...kind };
}

/** Drives one matcher with a clock; every call returns the log lines of what it produced. */
export class Bed {
  readonly matcher: Matcher;
  readonly events: MatcherEvent[] = [];
  now = 0;

  constructor(
    readonly doors: readonly MatcherDoor[],
    options: { maxAttempts?: number } = {},
  ) {
    this.matcher = new Matcher(doors, {
      isLocalAddress: (address) => LOCALS.has(address),
      hashSeed: 1,
      maxAttempts: options.maxAttempts,
    });
  }

  /** Sends space-separated packet tokens, `gapMs` apart (the first one at the current time). */
  send(tokens: string, options: { from?: string; to?: string; gapMs?: number } = {}): string[] {
    const lines: string[] = [];
    tokens
      .split(' ')
      .filter(Boolean)
      .forEach((token, i) => {
        if (i > 0) this.now += options.gapMs ?? 100;
        const p = packet(token, options.from ?? A, options.to ?? LOCAL, this.now);
        lines.push(...this.record(this.matcher.feed(p)));
      });
    return lines;
  }

  /** Moves the clock on without any packet. */
  wait(ms: number): this {
    this.now += ms;
    return this;
  }

  /** What the daemon's timer would do now. */
  expire(): string[] {
    return this.record(this.matcher.expire(this.now));
  }

  /** Formats events as knockd logs them (`A: o: Stage 1`), plus Sesame's eviction line. */
  line(event: MatcherEvent): string {
    const who = `${LABELS.get(event.source) ?? event.source}: ${this.doors[event.door]?.name ?? '?'}`;
    switch (event.type) {
      case 'stage':
        return `${who}: Stage ${event.stage}`;
      case 'open':
        return `${who}: OPEN SESAME`;
      case 'timeout':
        return `${who}: sequence timeout (stage ${event.stage})`;
      case 'evicted':
        return `${who}: evicted (stage ${event.stage})`;
      default:
        return assertNever(event);
    }
  }

  record(events: MatcherEvent[]): string[] {
    this.events.push(...events);
    return events.map((event) => this.line(event));
  }
}
