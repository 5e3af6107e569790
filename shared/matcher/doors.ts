// The matcher's door index by (protocol, port), which lets a packet look only at the doors listing it.
import type { DoorState } from './door-state';

const UDP_KEYS = 0x10000;
/** Size of the (protocol, port) key space: TCP ports 0..65535, then UDP ports. */
const KEY_COUNT = 2 * UDP_KEYS;

/** Packs protocol and port into one array index; -1 for a port that cannot be in any sequence. */
export function knockKey(protocol: 'tcp' | 'udp', port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) return -1;
  return protocol === 'udp' ? UDP_KEYS + port : port;
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
