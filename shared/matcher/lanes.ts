// The timeout lanes that expire the matcher's attempts without scanning them.
import { type AttemptTable, NONE } from './attempt-table';

/**
 * The live attempts of every door sharing one seq timeout, oldest first, linked through the
 * table's `older` and `newer` columns. Packet times never go back, so start order is deadline order
 * and the next attempt to expire is always at the front: expiry pops from the front instead of
 * scanning every attempt (knockd scans them all on every packet).
 */
export class Lane {
  oldest = NONE;
  #newest = NONE;

  constructor(
    readonly timeoutMs: number,
    readonly table: AttemptTable,
  ) {}

  /** Appends an attempt that started at or after every attempt already in the lane. */
  push(slot: number): void {
    const table = this.table;
    table.setOlder(slot, this.#newest);
    table.setNewer(slot, NONE);
    if (this.#newest === NONE) this.oldest = slot;
    else table.setNewer(this.#newest, slot);
    this.#newest = slot;
  }

  /** Unlinks an attempt from anywhere in the lane in O(1). */
  remove(slot: number): void {
    const table = this.table;
    const older = table.older(slot);
    const newer = table.newer(slot);
    if (older === NONE) this.oldest = newer;
    else table.setNewer(older, newer);
    if (newer === NONE) this.#newest = older;
    else table.setOlder(newer, older);
    table.setOlder(slot, NONE);
    table.setNewer(slot, NONE);
  }

  /** When the front attempt times out (knockd's `now - started >= seq_timeout`, in ms); Infinity if empty. */
  frontDeadline(): number {
    const front = this.oldest;
    return front === NONE ? Infinity : this.table.started(front) + this.timeoutMs;
  }
}

/** Of the lanes' front attempts, the one created first (the oldest live attempt overall), or NONE. */
export function oldestFront(lanes: readonly Lane[], table: AttemptTable): number {
  let oldest = NONE;
  for (const lane of lanes) {
    const front = lane.oldest;
    if (front === NONE) continue;
    if (oldest === NONE || table.serial(front) < table.serial(oldest)) oldest = front;
  }
  return oldest;
}

/** Of the lanes with attempts, the one whose front is due first (ties: created first), or undefined. */
export function earliestDue(lanes: readonly Lane[], table: AttemptTable): Lane | undefined {
  let due: Lane | undefined;
  let dueAt = Infinity;
  for (const lane of lanes) {
    const at = lane.frontDeadline();
    if (at === Infinity) continue;
    if (
      !due ||
      at < dueAt ||
      (at === dueAt && table.serial(lane.oldest) < table.serial(due.oldest))
    ) {
      due = lane;
      dueAt = at;
    }
  }
  return due;
}
