import type { KnockdConfig, KnockdDoor } from '../../shared/knockd/config';
import type { ListenedPort } from '../../shared/matcher/capture-filter';
import type { MatcherDoor } from '../../shared/matcher/matcher';
import type { Parsed } from '../../shared/basics';
import { noSequenceLeft, type OneTimeSequences } from './one-time-sequences';
import type { RotatingDoors } from './rotating-doors';

/** A configuration's doors as the matcher takes them, with what the capture must listen for. */
export interface ServerDoors {
  /** The config door behind each matcher door (a rotating door has one per accepted step). */
  doors: KnockdDoor[];
  matcherDoors: MatcherDoor[];
  /** The ports of the doors that are not rotating (the rotating ones change step by step). */
  listened: ListenedPort[];
  /** Log lines for once the configuration is in use (a one-time door with no sequence left). */
  notes: string[];
}

/**
 * Turns a configuration's doors into matcher doors: a plain door as it is, a one-time door with its
 * next unused sequence (none left: no matcher door, and a note), a rotating door as one matcher
 * door per accepted step.
 */
export function serverDoors(
  config: KnockdConfig,
  oneTime: OneTimeSequences,
  rotating: RotatingDoors,
  wallNow: number,
): Parsed<ServerDoors> {
  const doors: KnockdDoor[] = [];
  const matcherDoors: MatcherDoor[] = [];
  const notes: string[] = [];
  for (const door of config.doors) {
    if (door.rotating) {
      const slots = rotating.load({ ...door, rotating: door.rotating }, doors.length, wallNow);
      if (!slots.ok) return slots;
      for (const sequence of slots.value) {
        doors.push(door);
        matcherDoors.push(matcherDoor(door, sequence));
      }
      continue;
    }
    const sequence = door.oneTimeSequences
      ? oneTime.load(door)
      : { ok: true as const, value: door.sequence };
    if (!sequence.ok) return sequence;
    if (sequence.value.length === 0) {
      notes.push(noSequenceLeft(door));
      continue;
    }
    doors.push(door);
    matcherDoors.push(matcherDoor(door, sequence.value));
  }
  const listened = doors.flatMap((door, i) =>
    door.rotating
      ? []
      : door.oneTimeSequences
        ? oneTime.upcoming(door)
        : (matcherDoors[i]?.sequence ?? []),
  );
  return { ok: true, value: { doors, matcherDoors, listened, notes } };
}

function matcherDoor(door: KnockdDoor, sequence: MatcherDoor['sequence']): MatcherDoor {
  return {
    name: door.name,
    sequence,
    seqTimeoutMs: door.seqTimeout * 1000,
    tcpFlags: door.tcpFlags,
    target: door.target,
  };
}
