// A door as the matcher holds it: compiled for matching.
import { TCP_FLAG_BITS, type TcpFlagName } from '../sequence/tcp-flags';
import type { Lane } from './lanes';
import type { MatcherDoor, MatcherKnock } from './types';

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
