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

/**
 * Which enabled doors list each (protocol, port), and which start with it, in file order. Each
 * table is an Int32Array over the 131,072 keys, pointing into a short array of door lists (0: no
 * door), which holds 1 MB less than an array of lists over the keys, and nothing for the collector
 * to trace.
 */
export class DoorIndex {
  #listedBy = new Int32Array(KEY_COUNT);
  #startsWith = new Int32Array(KEY_COUNT);
  /** The door lists the tables point to; entry 0 is never used. */
  #lists: DoorState[][] = [[]];

  /** Recomputes both tables; called at start and when a door's sequence or state changes (rare). */
  rebuild(doors: readonly DoorState[]): void {
    const listedBy = new Int32Array(KEY_COUNT);
    const startsWith = new Int32Array(KEY_COUNT);
    const lists: DoorState[][] = [[]];
    const listAt = (table: Int32Array, key: number): DoorState[] => {
      if (table[key] === 0) table[key] = lists.push([]) - 1;
      return lists[table[key] ?? 0] ?? [];
    };
    for (const door of doors) {
      if (!door.enabled) continue;
      for (const [position, knock] of door.sequence.entries()) {
        const key = knockKey(knock.protocol, knock.port);
        const listing = listAt(listedBy, key);
        if (listing.at(-1) !== door) listing.push(door);
        if (position === 0) listAt(startsWith, key).push(door);
      }
    }
    this.#listedBy = listedBy;
    this.#startsWith = startsWith;
    this.#lists = lists;
  }

  /** Doors whose sequence lists the key anywhere (the capture filter's candidates). */
  listing(key: number): readonly DoorState[] | undefined {
    const at = this.#listedBy[key] ?? 0;
    return at === 0 ? undefined : this.#lists[at];
  }

  /** Doors whose first element is the key (the doors a new attempt can start on). */
  starting(key: number): readonly DoorState[] | undefined {
    const at = this.#startsWith[key] ?? 0;
    return at === 0 ? undefined : this.#lists[at];
  }
}
