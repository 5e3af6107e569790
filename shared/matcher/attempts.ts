// The matcher's memory: doors compiled for matching, the attempts of sources on them, and the
// timeout lanes that expire attempts without scanning. Every operation here is O(1). The three refer
// to each other (an attempt's door, a door's lane, a lane's attempts), so they live in one file.
import { TCP_FLAG_BITS, type TcpFlagName } from '../sequence/tcp-flags';
import { formatIpv6 } from './ipv6-key';
import { formatSourceKey, IPV6_KEY } from './source-key';
import type { MatcherDoor, MatcherKnock } from './types';

/**
 * One source's progress through one door (knockd's "attempt"), linked into its lane and its source.
 * Records are recycled through AttemptPool: a flood creates millions of attempts, and reusing the
 * records (which live in the old generation) spares the garbage collector copying each new one.
 */
export class Attempt {
  door: DoorState;
  /** The door's generation at start: a later sequence change or disable retires the attempt. */
  generation: number;
  /**
   * The source: its int32 (sourceKey) for IPv4, TEXT_KEY with the address in `text` for other text,
   * IPV6_KEY for an Ipv6Attempt.
   */
  key: number;
  text: string | undefined;
  started: number;
  /** Creation order over the whole matcher: breaks ties between lanes, so order is deterministic. */
  serial: number;
  stage = 1;
  /** Neighbours in the lane while the attempt is live. */
  older: Attempt | undefined = undefined;
  newer: Attempt | undefined = undefined;
  /** The next attempt of the same source, in start order. */
  nextOfSource: Attempt | undefined = undefined;

  constructor(
    door: DoorState,
    key: number,
    text: string | undefined,
    started: number,
    serial: number,
  ) {
    this.door = door;
    this.generation = door.generation;
    this.key = key;
    this.text = text;
    this.started = started;
    this.serial = serial;
  }

  /** The source address, for events about an attempt whose packet is gone (timeout, eviction). */
  source(): string {
    return this.text ?? formatSourceKey(this.key);
  }

  /** True once the door's sequence changed or the door was disabled after this attempt started. */
  get retired(): boolean {
    return this.generation !== this.door.generation;
  }

  /** When the attempt times out: knockd's `now - started >= seq_timeout`, in milliseconds. */
  get deadline(): number {
    return this.started + this.door.lane.timeoutMs;
  }
}

/**
 * An attempt of an IPv6 source, keyed by the address's four words (ipv6Words); its text is made
 * only for the events that need it. A subclass, so that IPv4 attempts carry no word fields.
 */
export class Ipv6Attempt extends Attempt {
  w0 = 0;
  w1 = 0;
  w2 = 0;
  w3 = 0;

  constructor(door: DoorState, words: Int32Array, started: number, serial: number) {
    super(door, IPV6_KEY, undefined, started, serial);
    this.setWords(words);
  }

  /** Takes the source's words (as ipv6Words wrote them). */
  setWords(words: Int32Array): void {
    this.w0 = words[0] ?? 0;
    this.w1 = words[1] ?? 0;
    this.w2 = words[2] ?? 0;
    this.w3 = words[3] ?? 0;
  }

  override source(): string {
    return formatIpv6(this.w0, this.w1, this.w2, this.w3);
  }
}

/** Recycles attempt records; holds at most as many as were ever live at once (bounded by the matcher). */
export class AttemptPool {
  readonly #free: Attempt[] = [];
  readonly #freeIpv6: Ipv6Attempt[] = [];

  /**
   * A record for a new attempt at stage 1, reused when one is free: an Ipv6Attempt with `words`
   * when `key` is IPV6_KEY, else an Attempt with `key` and `text`.
   */
  take(
    door: DoorState,
    key: number,
    words: Int32Array,
    text: string | undefined,
    started: number,
    serial: number,
  ): Attempt {
    if (key === IPV6_KEY) {
      const attempt = this.#freeIpv6.pop();
      if (!attempt) return new Ipv6Attempt(door, words, started, serial);
      attempt.setWords(words);
      return restart(attempt, door, started, serial);
    }
    const attempt = this.#free.pop();
    if (!attempt) return new Attempt(door, key, text, started, serial);
    attempt.key = key;
    attempt.text = text;
    return restart(attempt, door, started, serial);
  }

  /** Takes back a record that left its lane and its source: nothing may use it afterwards. */
  give(attempt: Attempt): void {
    if (attempt instanceof Ipv6Attempt) {
      this.#freeIpv6.push(attempt);
    } else {
      attempt.text = undefined;
      this.#free.push(attempt);
    }
  }
}

/** A recycled record made a new attempt at stage 1. */
function restart(attempt: Attempt, door: DoorState, started: number, serial: number): Attempt {
  attempt.door = door;
  attempt.generation = door.generation;
  attempt.started = started;
  attempt.serial = serial;
  attempt.stage = 1;
  return attempt;
}

/**
 * The live attempts of every door sharing one seq timeout, oldest first. Packet times never go back,
 * so start order is deadline order and the next attempt to expire is always at the front: expiry
 * pops from the front instead of scanning every attempt (knockd scans them all on every packet).
 */
export class Lane {
  oldest: Attempt | undefined = undefined;
  #newest: Attempt | undefined = undefined;

  constructor(readonly timeoutMs: number) {}

  /** Appends an attempt that started at or after every attempt already in the lane. */
  push(attempt: Attempt): void {
    attempt.older = this.#newest;
    attempt.newer = undefined;
    if (this.#newest) this.#newest.newer = attempt;
    else this.oldest = attempt;
    this.#newest = attempt;
  }

  /** Unlinks an attempt from anywhere in the lane in O(1). */
  remove(attempt: Attempt): void {
    const { older, newer } = attempt;
    if (older) older.newer = newer;
    else this.oldest = newer;
    if (newer) newer.older = older;
    else this.#newest = older;
    attempt.older = undefined;
    attempt.newer = undefined;
  }
}

/** Of the lanes' front attempts, the one created first (the oldest live attempt overall). */
export function oldestFront(lanes: readonly Lane[]): Attempt | undefined {
  let oldest: Attempt | undefined;
  for (const lane of lanes) {
    const front = lane.oldest;
    if (front && (!oldest || front.serial < oldest.serial)) oldest = front;
  }
  return oldest;
}

/** Of the lanes' front attempts, the one due first (ties: created first), or undefined. */
export function earliestDue(lanes: readonly Lane[]): Attempt | undefined {
  let due: Attempt | undefined;
  for (const lane of lanes) {
    const front = lane.oldest;
    if (!front) continue;
    if (!due || front.deadline < due.deadline) due = front;
    else if (front.deadline === due.deadline && front.serial < due.serial) due = front;
  }
  return due;
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
