// The matcher's doors: doors compiled for matching, and the index by (protocol, port) that lets a
// packet look only at the doors listing it.
import type { Lane } from './matcher-attempts';
import type { MatcherDoor, MatcherKnock } from './matcher-types';
import { TCP_FLAG_BITS, type TcpFlagName } from './tcp-flags';

const UDP_KEYS = 0x10000;
/** Size of the (protocol, port) key space: TCP ports 0..65535, then UDP ports. */
const KEY_COUNT = 2 * UDP_KEYS;

/** Packs protocol and port into one array index; -1 for a port that cannot be in any sequence. */
export function knockKey(protocol: 'tcp' | 'udp', port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) return -1;
  return protocol === 'udp' ? UDP_KEYS + port : port;
}

function mask(flags: readonly TcpFlagName[]): number {
  return flags.reduce((bits, flag) => bits | TCP_FLAG_BITS[flag], 0);
}

/** Throws on a sequence no config parser would produce: the daemon validates config at the boundary. */
export function checkedSequence(name: string, sequence: readonly MatcherKnock[]): MatcherKnock[] {
  if (sequence.length === 0) throw new RangeError(`door "${name}" has an empty knock sequence`);
  return sequence.map(({ port, protocol }) => {
    if (!Number.isInteger(port) || port < 1 || port > 0xffff) {
      throw new RangeError(`door "${name}": port ${port} is not in 1-65535`);
    }
    return { port, protocol };
  });
}

/**
 * A door compiled for matching: flag masks instead of name lists, its timeout lane, and a generation
 * that retires every attempt of the door at once when its sequence changes or it is disabled.
 */
export class DoorState {
  readonly name: string;
  sequence: readonly MatcherKnock[];
  readonly target: string | undefined;
  enabled = true;
  generation = 0;
  readonly #setMask: number;
  readonly #clearMask: number;

  constructor(
    readonly index: number,
    door: MatcherDoor,
    readonly lane: Lane,
  ) {
    this.name = door.name;
    this.sequence = checkedSequence(door.name, door.sequence);
    this.target = door.target;
    this.#setMask = mask(door.tcpFlags.set);
    this.#clearMask = mask(door.tcpFlags.clear);
  }

  /** knockd's flag test (same rule as shared/tcp-flags' tcpFlagsMatch, on precomputed masks). */
  flagsPass(bits: number): boolean {
    return (bits & this.#setMask) === this.#setMask && (bits & this.#clearMask) === 0;
  }
}

/** Which enabled doors list each (protocol, port), and which start with it, in file order. */
export class DoorIndex {
  #listedBy: (DoorState[] | undefined)[] = [];
  #startsWith: (DoorState[] | undefined)[] = [];

  /** Recomputes both tables; called at start and when a door's sequence or state changes (rare). */
  rebuild(doors: readonly DoorState[]): void {
    const listedBy = new Array<DoorState[] | undefined>(KEY_COUNT);
    const startsWith = new Array<DoorState[] | undefined>(KEY_COUNT);
    for (const door of doors) {
      if (!door.enabled) continue;
      for (const [position, knock] of door.sequence.entries()) {
        const key = knockKey(knock.protocol, knock.port);
        const listing = (listedBy[key] ??= []);
        if (listing.at(-1) !== door) listing.push(door);
        if (position === 0) (startsWith[key] ??= []).push(door);
      }
    }
    this.#listedBy = listedBy;
    this.#startsWith = startsWith;
  }

  /** Doors whose sequence lists the key anywhere (the capture filter's candidates). */
  listing(key: number): readonly DoorState[] | undefined {
    return this.#listedBy[key];
  }

  /** Doors whose first element is the key (the doors a new attempt can start on). */
  starting(key: number): readonly DoorState[] | undefined {
    return this.#startsWith[key];
  }
}
