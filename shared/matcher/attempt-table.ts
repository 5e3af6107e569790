// The matcher's attempts (knockd's "attempt": one source's progress through one door), held as
// 64-byte records in one growable buffer, numbered by slot, instead of one object each.
//
// Why records: at the matcher's cap of 100,000 attempts, objects (ten fields, a boxed start time)
// and the tables' references to them held 13-16 MB more of V8's heap, all of it traced by every
// full collection while a flood runs. A record is 64 bytes outside the traced heap, IPv6 words
// included. One record per slot, rather than a typed array per
// field, keeps an attempt on one cache line: eviction and expiry touch old attempts at random, and
// the per-field layout ran the evicting benchmark 8-22 % slower. docs/benchmarks.md measures both
// ("Attempts as records").
import { formatIpv6 } from './ipv6-key';
import { formatSourceKey, IPV6_KEY, TEXT_KEY } from './source-key';

/** No attempt: the end of a lane, of a source's list, or of the free list. */
export const NONE = -1;

const MIN_CAPACITY = 1 << 10;

/** A record is 16 int32 (64 bytes); these are the int32 offsets of its fields. */
const SHIFT = 4;
const DOOR = 0;
const GENERATION = 1;
const STAGE = 2;
const OLDER = 3;
/** Also links free slots. */
const NEWER = 4;
const NEXT_OF_SOURCE = 5;
/** IPv4 sources: the sourceKey. */
const KEY = 6;
const KIND = 7;
/** IPv6 sources: the four words (ipv6Words), 8-11. */
const WORDS = 8;
/** Float64 offsets (a record is 8 of them): ints 12-13 and 14-15. */
const STARTED = 6;
const SERIAL = 7;

/** KIND values: how the source is keyed. */
const IPV4 = 0;
const IPV6 = 1;
const TEXT = 2;

/**
 * Every attempt's fields, in one record per slot. A slot number is valid from `take` until `give`.
 * The fields are read and written through the methods below, which V8 inlines.
 */
export class AttemptTable {
  #ints: Int32Array;
  #floats: Float64Array;
  /** The source text of TEXT_KEY attempts, by slot (other sources are rebuilt from their key). */
  readonly #text = new Map<number, string>();
  /** Slots never handed out start here; freed ones are linked from #free through NEWER. */
  #fresh = 0;
  #free = NONE;

  /**
   * `bound`: how many attempts the caller can hold at once. Growth doubles the buffer but stops at
   * the bound (100,000 attempts take 6.4 MB, not the 8.4 MB of the next power of two).
   */
  constructor(readonly bound = Infinity) {
    this.#ints = new Int32Array(Math.min(MIN_CAPACITY, bound) << SHIFT);
    this.#floats = new Float64Array(this.#ints.buffer);
  }

  /**
   * A slot for a new attempt at stage 1 of door number `door` (of that `generation`): keyed by
   * `key`, with the four `words` when that is IPV6_KEY and `text` when it is TEXT_KEY.
   */
  take(
    door: number,
    generation: number,
    key: number,
    words: Int32Array,
    text: string | undefined,
    started: number,
    serial: number,
  ): number {
    let slot = this.#free;
    if (slot === NONE) {
      if (this.#fresh << SHIFT === this.#ints.length) this.#grow();
      slot = this.#fresh++;
    } else {
      this.#free = this.newer(slot);
    }
    const ints = this.#ints;
    const at = slot << SHIFT;
    ints[at + DOOR] = door;
    ints[at + GENERATION] = generation;
    ints[at + STAGE] = 1;
    ints[at + OLDER] = NONE;
    ints[at + NEWER] = NONE;
    ints[at + NEXT_OF_SOURCE] = NONE;
    if (key < TEXT_KEY) {
      ints[at + KEY] = key;
      ints[at + KIND] = IPV4;
    } else if (key === IPV6_KEY) {
      ints[at + KIND] = IPV6;
      ints[at + WORDS] = words[0] ?? 0;
      ints[at + WORDS + 1] = words[1] ?? 0;
      ints[at + WORDS + 2] = words[2] ?? 0;
      ints[at + WORDS + 3] = words[3] ?? 0;
    } else {
      ints[at + KIND] = TEXT;
      this.#text.set(slot, text ?? '');
    }
    const floats = this.#floats;
    floats[(slot << 3) + STARTED] = started;
    floats[(slot << 3) + SERIAL] = serial;
    return slot;
  }

  /** Takes back a slot that left its lane and its source: nothing may use it afterwards. */
  give(slot: number): void {
    if (this.#ints[(slot << SHIFT) + KIND] === TEXT) this.#text.delete(slot);
    this.setNewer(slot, this.#free);
    this.#free = slot;
  }

  /** The door's index (its position in the config). */
  door(slot: number): number {
    return this.#ints[(slot << SHIFT) + DOOR] ?? 0;
  }

  /** The door's generation when the attempt started: a later change retires the attempt. */
  generation(slot: number): number {
    return this.#ints[(slot << SHIFT) + GENERATION] ?? 0;
  }

  /** How many knocks of the door's sequence the source has made. */
  stage(slot: number): number {
    return this.#ints[(slot << SHIFT) + STAGE] ?? 0;
  }

  setStage(slot: number, stage: number): void {
    this.#ints[(slot << SHIFT) + STAGE] = stage;
  }

  /** The lane's neighbours while the attempt is live, NONE at the ends. */
  older(slot: number): number {
    return this.#ints[(slot << SHIFT) + OLDER] ?? NONE;
  }

  setOlder(slot: number, older: number): void {
    this.#ints[(slot << SHIFT) + OLDER] = older;
  }

  newer(slot: number): number {
    return this.#ints[(slot << SHIFT) + NEWER] ?? NONE;
  }

  setNewer(slot: number, newer: number): void {
    this.#ints[(slot << SHIFT) + NEWER] = newer;
  }

  /** The next attempt of the same source, in start order, or NONE. */
  nextOfSource(slot: number): number {
    return this.#ints[(slot << SHIFT) + NEXT_OF_SOURCE] ?? NONE;
  }

  setNextOfSource(slot: number, next: number): void {
    this.#ints[(slot << SHIFT) + NEXT_OF_SOURCE] = next;
  }

  /** The source's key: its sourceKey for IPv4, else IPV6_KEY (see `word`) or TEXT_KEY (see `text`). */
  key(slot: number): number {
    const at = slot << SHIFT;
    const kind = this.#ints[at + KIND];
    if (kind === IPV4) return this.#ints[at + KEY] ?? 0;
    return kind === IPV6 ? IPV6_KEY : TEXT_KEY;
  }

  /** Word `i` (0-3, most significant first) of an IPV6_KEY attempt's source. */
  word(slot: number, i: number): number {
    return this.#ints[(slot << SHIFT) + WORDS + i] ?? 0;
  }

  /** The source text of a TEXT_KEY attempt. */
  text(slot: number): string {
    return this.#text.get(slot) ?? '';
  }

  /** When the attempt started, in the packets' milliseconds. */
  started(slot: number): number {
    return this.#floats[(slot << 3) + STARTED] ?? 0;
  }

  /** Creation order over the whole matcher: breaks ties between lanes, so order is deterministic. */
  serial(slot: number): number {
    return this.#floats[(slot << 3) + SERIAL] ?? 0;
  }

  /** The source address, for events about an attempt whose packet is gone (timeout, eviction). */
  source(slot: number): string {
    const key = this.key(slot);
    if (key < TEXT_KEY) return formatSourceKey(key);
    if (key === TEXT_KEY) return this.text(slot);
    return formatIpv6(
      this.word(slot, 0),
      this.word(slot, 1),
      this.word(slot, 2),
      this.word(slot, 3),
    );
  }

  /** How many slots the buffer has room for (for tests). */
  get capacity(): number {
    return this.#ints.length >> SHIFT;
  }

  /** Doubles the buffer (up to the bound, if it is not there yet), keeping every record. */
  #grow(): void {
    const slots = this.capacity;
    const grown = slots < this.bound ? Math.min(2 * slots, this.bound) : 2 * slots;
    const ints = new Int32Array(grown << SHIFT);
    ints.set(this.#ints);
    this.#ints = ints;
    this.#floats = new Float64Array(ints.buffer);
  }
}
