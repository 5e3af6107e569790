import {
  markOneTimeSequenceUsed,
  nextOneTimeSequence,
  startsOnOneTimeSequence,
  type KnockdDoor,
} from '../../shared/knockd/config';
import type { Knock } from '../../shared/sequence/sequence';

/** File access for one-time sequence files; tests pass an in-memory map. */
export interface OneTimeFiles {
  read(path: string): string;
  /** Rewrites the file in place (the admin's file: its owner and mode stay). */
  write(path: string, text: string): void;
}

type Result = { ok: true; value: Knock[] } | { ok: false; error: string };

/** Where a door stands in its file: a line index, the config's own `sequence`, or nothing left. */
type Position = number | 'config' | undefined;

/**
 * knockd's One_Time_Sequences: a door uses the first valid line of its file; after an open that
 * line's first character becomes `#` and the next valid line takes over. When none is left the
 * door is disabled (knockd exits there; Sesame keeps serving the other doors). As in knockd, a
 * `sequence` written after `one_time_sequences` is knocked first, and then the file's lines.
 */
export class OneTimeSequences {
  private readonly position = new Map<KnockdDoor, Position>();
  private readonly texts = new Map<KnockdDoor, string>();

  constructor(private readonly files: OneTimeFiles) {}

  /** Reads the door's file at start (or reload); an unreadable file stops the start. */
  load(door: KnockdDoor): Result {
    const path = door.oneTimeSequences ?? '';
    let text: string;
    try {
      text = this.files.read(path);
    } catch (error) {
      const why = (error as { code?: string }).code ?? String(error);
      return {
        ok: false,
        error: `cannot read one time sequences file ${path} for door ${door.name}: ${why}`,
      };
    }
    this.texts.set(door, text);
    if (!startsOnOneTimeSequence(door) && door.sequence.length > 0) {
      this.position.set(door, 'config');
      return { ok: true, value: door.sequence };
    }
    const first = nextOneTimeSequence(text, door.name, -1);
    this.position.set(door, first?.index);
    return { ok: true, value: first?.sequence ?? [] };
  }

  /**
   * Every port the door may still listen on (the current and all later usable lines), so the
   * kernel filter of the capture already lets the next sequence through after a rotation.
   */
  upcoming(door: KnockdDoor): Knock[] {
    const text = this.texts.get(door) ?? '';
    const position = this.position.get(door);
    const ports: Knock[] = position === 'config' ? [...door.sequence] : [];
    for (
      let next = nextOneTimeSequence(text, door.name, -1);
      next;
      next = nextOneTimeSequence(text, door.name, next.index)
    ) {
      if (position === 'config' || (position !== undefined && next.index >= position))
        ports.push(...next.sequence);
    }
    return ports;
  }

  /** Marks the sequence just used and returns the next one, or says the door is now disabled. */
  used(door: KnockdDoor): Result {
    const path = door.oneTimeSequences ?? '';
    const position = this.position.get(door);
    const disabled = {
      ok: false as const,
      error: `no more sequences left in the one time sequences file for door ${door.name} --> disabling the door`,
    };
    if (position === undefined) return disabled;
    let text: string;
    try {
      text = this.files.read(path);
      if (position !== 'config') {
        text = markOneTimeSequenceUsed(text, position);
        this.files.write(path, text);
      }
    } catch (error) {
      return {
        ok: false,
        error: `cannot update one time sequences file ${path}: ${String(error)}`,
      };
    }
    this.texts.set(door, text);
    const next = nextOneTimeSequence(text, door.name, position === 'config' ? -1 : position);
    this.position.set(door, next?.index);
    return next ? { ok: true, value: next.sequence } : disabled;
  }
}
