// knockd 0.8's matcher (knockd-semantics.md, sections 2 and 3), reimplemented from its description
// as a pure, deterministic state machine: packets in, events out, no clock, no I/O.
//
// Deliberate differences from knockd, each covered by test/unit/shared/matcher*.test.ts:
// - Removing an attempt removes only that attempt. knockd 0.8 empties the whole list (line 1777), so
//   one door opening drops every other door's and source's progress (table rows 9 and 10).
// - Timeouts are measured in milliseconds and reported when due (`expire`, timed by `nextExpiry`),
//   not in whole seconds on the next packet. Anything knockd accepts with a 1 s margin is accepted.
// - Memory is bounded: at most `maxAttempts` live attempts. Starting one more evicts the oldest live
//   attempt (earliest start, any source or door) and reports it. A legitimate knock therefore survives
//   a flood of spoofed first hits as long as fewer than `maxAttempts` attempts start between its first
//   and last knock: with the default 100,000 and a 20,000 packets/s flood, 5 s.
// - Work per packet is constant: attempts are found by source (a hash table whose hash the caller
//   seeds, so spoofed sources cannot be chosen to collide), doors by (protocol, port), and expiry
//   pops the front of per-timeout lanes instead of scanning every attempt.
// - A one-time door's sequence change (or disable) retires its attempts in progress: progress made on a
//   used sequence never counts towards the next one.
import { AttemptTable, NONE } from './attempt-table';
import { checkedSequence, DoorState } from './door-state';
import { DoorIndex, knockKey } from './doors';
import { ipv6Words } from './ipv6-key';
import { earliestDue, Lane, oldestFront } from './lanes';
import { IPV6_KEY, sourceKey, TEXT_KEY } from './source-key';
import { SourceTable } from './sources';
import type { KnockPacket, MatcherDoor, MatcherEvent, MatcherKnock, MatcherOptions } from './types';

/** Re-exported so callers import the matcher's whole vocabulary from one module. */
export type { KnockPacket, MatcherDoor, MatcherEvent, MatcherKnock, MatcherOptions } from './types';

/** Default bound on live attempts: about 8 MB at the bound, and 5 s of life under a 20,000/s flood. */
export const DEFAULT_MAX_ATTEMPTS = 100_000;

const UNKNOWN = 0;
const LOCAL = 1;
const NOT_LOCAL = 2;

/** knockd's matcher with bounded memory and constant work per packet (see the file comment). */
export class Matcher {
  readonly #doors: DoorState[] = [];
  readonly #lanes: Lane[] = [];
  readonly #index = new DoorIndex();
  readonly #attempts: AttemptTable;
  readonly #sources: SourceTable;
  readonly #isLocalAddress: (address: string) => boolean;
  readonly #maxAttempts: number;
  /** Attempts the last packet finished or invalidated: the next packet's expiry step removes them. */
  readonly #settled: number[] = [];
  /** How many of #settled are current (truncating an array on every packet costs more than this). */
  #settledCount = 0;
  #live = 0;
  #serial = 0;
  #clock = -Infinity;
  /** The current packet's destination and whether it is local (asked at most once per packet). */
  #destination = '';
  #destinationLocal = UNKNOWN;
  /** The current packet's source key, and its words when that is IPV6_KEY. */
  #sourceKey = 0;
  readonly #sourceWords = new Int32Array(4);

  constructor(doors: readonly MatcherDoor[], options: MatcherOptions) {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new RangeError(`maxAttempts must be a positive integer, not ${maxAttempts}`);
    }
    this.#maxAttempts = maxAttempts;
    this.#isLocalAddress = options.isLocalAddress;
    // Live attempts, plus those one packet settles: at most one per door for its source, and one
    // per one-knock door it opens.
    this.#attempts = new AttemptTable(maxAttempts + 2 * doors.length);
    this.#sources = new SourceTable(this.#attempts, options.hashSeed);
    const lanes = new Map<number, Lane>();
    for (const [index, door] of doors.entries()) {
      const timeout = door.seqTimeoutMs;
      if (!(timeout >= 0 && timeout < Infinity)) {
        throw new RangeError(`door "${door.name}": seqTimeoutMs ${timeout} is not a duration`);
      }
      let lane = lanes.get(timeout);
      if (!lane) {
        lane = new Lane(timeout, this.#attempts);
        lanes.set(timeout, lane);
        this.#lanes.push(lane);
      }
      this.#doors.push(new DoorState(index, door, lane));
    }
    this.#index.rebuild(this.#doors);
  }

  /**
   * One captured packet through knockd's steps: the filter, expiry, then advance or invalidate the
   * source's attempts, or start new ones if it has none. Returns what happened, in order.
   */
  feed(packet: KnockPacket): MatcherEvent[] {
    const events: MatcherEvent[] = [];
    const key = this.#filter(packet);
    if (key < 0) return events;
    const now = this.#tick(packet.time);
    this.#sourceKey = this.#keyOf(packet);
    // Step 1, expiry: last packet's finished and invalidated attempts, then every timeout now due.
    for (let i = 0; i < this.#settledCount; i += 1) this.#forget(this.#settled[i] ?? NONE);
    this.#settledCount = 0;
    this.#expireUntil(now, events);
    // Steps 2-4.
    if (!this.#advance(packet, now, events)) this.#start(packet, key, now, events);
    return events;
  }

  /** Reports and removes the attempts whose timeout is due at `now` (the daemon's timer calls this). */
  expire(now: number): MatcherEvent[] {
    const events: MatcherEvent[] = [];
    this.#expireUntil(this.#tick(now), events);
    return events;
  }

  /** When the next attempt times out, so the daemon can call `expire` then; undefined when idle. */
  nextExpiry(): number | undefined {
    return earliestDue(this.#lanes, this.#attempts)?.frontDeadline();
  }

  /** Swaps in a one-time door's next sequence (and enables the door); attempts in progress are retired. */
  setDoorSequence(door: number, sequence: readonly MatcherKnock[]): void {
    const state = this.#door(door);
    state.sequence = checkedSequence(state.name, sequence);
    state.enabled = true;
    state.generation += 1;
    this.#index.rebuild(this.#doors);
  }

  /** Stops a door (its one-time file is used up) while the others keep serving. */
  disableDoor(door: number): void {
    const state = this.#door(door);
    state.enabled = false;
    state.generation += 1;
    this.#index.rebuild(this.#doors);
  }

  /** knockd's capture filter (section 2): whether the packet reaches the matcher at all. */
  passesFilter(packet: KnockPacket): boolean {
    return this.#filter(packet) >= 0;
  }

  /** Attempts held: live ones plus those the last packet finished or invalidated. */
  attemptCount(): number {
    return this.#live + this.#settledCount;
  }

  /**
   * The packet's source key, its words in #sourceWords for IPV6_KEY: as the frame decoder read it
   * from the header when the packet carries it, else read from the source text.
   */
  #keyOf(packet: KnockPacket): number {
    const key = packet.sourceKey;
    if (key !== undefined) return key;
    const words = packet.sourceWords;
    if (words) {
      const out = this.#sourceWords;
      out[0] = words[0];
      out[1] = words[1];
      out[2] = words[2];
      out[3] = words[3];
      return IPV6_KEY;
    }
    const text = packet.source;
    const number = sourceKey(text);
    return number === TEXT_KEY && ipv6Words(text, this.#sourceWords) ? IPV6_KEY : number;
  }

  /** The packet's (protocol, port) key if some enabled door's clause accepts it, else -1. */
  #filter(packet: KnockPacket): number {
    const key = knockKey(packet.protocol, packet.port);
    const doors = key < 0 ? undefined : this.#index.listing(key);
    if (!doors) return -1;
    this.#destination = packet.destination;
    this.#destinationLocal = UNKNOWN;
    const udp = packet.protocol === 'udp';
    for (const door of doors) {
      if ((udp || door.flagsPass(packet.tcpFlags)) && this.#destinationMatches(door)) return key;
    }
    return -1;
  }

  /** The door's destination rule for the current packet: its target, or any local address. */
  #destinationMatches(door: DoorState): boolean {
    if (door.target !== undefined) return this.#destination === door.target;
    if (this.#destinationLocal === UNKNOWN) {
      this.#destinationLocal = this.#isLocalAddress(this.#destination) ? LOCAL : NOT_LOCAL;
    }
    return this.#destinationLocal === LOCAL;
  }

  /** Steps 2-3: advances or invalidates the source's attempts; false if it had none for this destination. */
  #advance(packet: KnockPacket, now: number, events: MatcherEvent[]): boolean {
    const tcp = packet.protocol === 'tcp';
    const table = this.#attempts;
    let found = false;
    let slot = this.#sources.first(this.#sourceKey, this.#sourceWords, packet.source);
    while (slot !== NONE) {
      const next = table.nextOfSource(slot);
      const door = this.#doorOf(slot);
      if (table.generation(slot) !== door.generation) {
        this.#drop(slot, door);
      } else if (this.#destinationMatches(door)) {
        found = true;
        // A TCP packet that fails this door's flag test is ignored by this attempt, even on a wrong port.
        if (!tcp || door.flagsPass(packet.tcpFlags)) {
          // The stage this packet reaches if it is the sequence's next knock.
          const stage = table.stage(slot) + 1;
          const expected = door.sequence[stage - 1];
          if (expected?.port === packet.port && expected.protocol === packet.protocol) {
            table.setStage(slot, stage);
            events.push({
              type: 'stage',
              time: now,
              source: packet.source,
              door: door.index,
              stage,
            });
            if (stage === door.sequence.length) {
              events.push({ type: 'open', time: now, source: packet.source, door: door.index });
              this.#settle(slot, door);
            }
          } else {
            // Invalidated: it stays until the next packet, so this packet starts nothing.
            this.#settle(slot, door);
          }
        }
      }
      slot = next;
    }
    return found;
  }

  /** Step 4: every door (in file order) whose first element, flags and destination match starts. */
  #start(packet: KnockPacket, key: number, now: number, events: MatcherEvent[]): void {
    const doors = this.#index.starting(key);
    if (!doors) return;
    const udp = packet.protocol === 'udp';
    for (const door of doors) {
      if (!(udp || door.flagsPass(packet.tcpFlags)) || !this.#destinationMatches(door)) continue;
      const opens = door.sequence.length === 1;
      if (!opens) this.#makeRoom(now, events);
      const text = this.#sourceKey === TEXT_KEY ? packet.source : undefined;
      const slot = this.#attempts.take(
        door.index,
        door.generation,
        this.#sourceKey,
        this.#sourceWords,
        text,
        now,
        this.#serial++,
      );
      this.#sources.append(slot);
      events.push({ type: 'stage', time: now, source: packet.source, door: door.index, stage: 1 });
      if (opens) {
        events.push({ type: 'open', time: now, source: packet.source, door: door.index });
        this.#settled[this.#settledCount++] = slot;
      } else {
        door.lane.push(slot);
        this.#live += 1;
      }
    }
  }

  /** Evicts the oldest live attempts until one more fits (retired ones go silently). */
  #makeRoom(now: number, events: MatcherEvent[]): void {
    const table = this.#attempts;
    while (this.#live >= this.#maxAttempts) {
      const oldest = oldestFront(this.#lanes, table);
      if (oldest === NONE) return;
      const door = this.#doorOf(oldest);
      if (table.generation(oldest) === door.generation) {
        const source = table.source(oldest);
        const stage = table.stage(oldest);
        events.push({ type: 'evicted', time: now, source, door: door.index, stage });
      }
      this.#drop(oldest, door);
    }
  }

  /** Removes and reports every live attempt whose deadline is at or before `now`, earliest first. */
  #expireUntil(now: number, events: MatcherEvent[]): void {
    const table = this.#attempts;
    for (;;) {
      const lane = earliestDue(this.#lanes, table);
      const deadline = lane?.frontDeadline() ?? Infinity;
      if (!lane || deadline > now) return;
      const due = lane.oldest;
      const door = this.#doorOf(due);
      if (table.generation(due) === door.generation) {
        const source = table.source(due);
        const stage = table.stage(due);
        events.push({ type: 'timeout', time: deadline, source, door: door.index, stage });
      }
      this.#drop(due, door);
    }
  }

  /** A live attempt finished or was invalidated: it leaves its lane now and its source next packet. */
  #settle(slot: number, door: DoorState): void {
    door.lane.remove(slot);
    this.#live -= 1;
    this.#settled[this.#settledCount++] = slot;
  }

  /** Removes one live attempt entirely: only that one (deliberate difference, line 1777). */
  #drop(slot: number, door: DoorState): void {
    door.lane.remove(slot);
    this.#live -= 1;
    this.#forget(slot);
  }

  /** Removes an attempt that left its lane from its source, and frees its slot. */
  #forget(slot: number): void {
    this.#sources.remove(slot);
    this.#attempts.give(slot);
  }

  /** The door of attempt `slot`. */
  #doorOf(slot: number): DoorState {
    return this.#doors[this.#attempts.door(slot)] as DoorState;
  }

  #tick(time: number): number {
    if (time > this.#clock) this.#clock = time;
    return this.#clock;
  }

  #door(door: number): DoorState {
    const state = this.#doors[door];
    if (!state) throw new RangeError(`no door ${door} (the matcher has ${this.#doors.length})`);
    return state;
  }
}
