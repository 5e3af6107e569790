import { closeSync, constants, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import {
  findOneTimeLine,
  nextOneTimeSequence,
  oneTimeMarkOffset,
  startsOnOneTimeSequence,
  type KnockdDoor,
  type OneTimeSequence,
} from '../../shared/knockd/config';
import type { Knock } from '../../shared/sequence/sequence';
import { errorMessage } from '../../shared/basics';

/** File access for one-time sequence files; tests pass an in-memory map. */
export interface OneTimeFiles {
  /** The file's bytes, one character per byte (latin1), so text offsets are byte offsets. */
  read(path: string): string;
  /** Why the file cannot be written in place (an error code such as `EROFS`), or undefined. */
  writable(path: string): string | undefined;
  /** Overwrites the byte at `offset` with `#` in place (owner and mode stay) and syncs it to disk. */
  mark(path: string, offset: number): void;
}

const errorCode = (error: unknown) => (error as { code?: string }).code ?? errorMessage(error);

/** The real files: one byte written in place, as knockd marks a line, and synced. */
export const oneTimeFilesOnDisk: OneTimeFiles = {
  read: (path) => readFileSync(path, 'latin1'),
  writable: (path) => {
    try {
      closeSync(openSync(path, constants.O_WRONLY));
      return undefined;
    } catch (error) {
      return errorCode(error);
    }
  },
  mark: (path, offset) => {
    const fd = openSync(path, constants.O_WRONLY);
    try {
      writeSync(fd, '#', offset, 'latin1');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
};

type Result = { ok: true; value: Knock[] } | { ok: false; error: string };

/** What a door knocks now: the config's own `sequence`, a line of its file, or nothing left. */
type Current = { kind: 'config' } | { kind: 'line'; used: OneTimeSequence } | undefined;

/** knockd's words when a door's file has no sequence left. */
export function noSequenceLeft(door: KnockdDoor): string {
  return `no more sequences left in the one time sequences file for door ${door.name} --> disabling the door`;
}

/**
 * knockd's One_Time_Sequences: a door uses the first valid line of its file; after an open that
 * line's first character becomes `#` and the next valid line takes over. When none is left the
 * door is disabled (knockd exits there; Sesame keeps serving the other doors). As in knockd, a
 * `sequence` written after `one_time_sequences` is knocked first, and then the file's lines.
 * The used line is found again by its text before it is marked (the admin may have edited the file),
 * and a door whose file cannot be written is refused: an unmarked sequence would open again after a
 * restart.
 */
export class OneTimeSequences {
  private readonly current = new Map<KnockdDoor, Current>();
  private readonly texts = new Map<KnockdDoor, string>();

  constructor(private readonly files: OneTimeFiles) {}

  /** Reads the door's file at start (or reload); an unreadable or unwritable file stops the start. */
  load(door: KnockdDoor): Result {
    const path = door.oneTimeSequences ?? '';
    let text: string;
    try {
      text = this.files.read(path);
    } catch (error) {
      return {
        ok: false,
        error: `cannot read one time sequences file ${path} for door ${door.name}: ${errorCode(error)}`,
      };
    }
    this.texts.set(door, text);
    const first = nextOneTimeSequence(text, door.name, -1);
    const why = first && this.files.writable(path);
    if (why !== undefined) {
      return {
        ok: false,
        error: `cannot write one time sequences file ${path} for door ${door.name} (${why}): a used sequence is marked there, or it would open again after a restart`,
      };
    }
    if (!startsOnOneTimeSequence(door) && door.sequence.length > 0) {
      this.current.set(door, { kind: 'config' });
      return { ok: true, value: door.sequence };
    }
    this.current.set(door, first && { kind: 'line', used: first });
    return { ok: true, value: first?.sequence ?? [] };
  }

  /**
   * Every port the door may still listen on (its current sequence and every later one), so the
   * kernel filter of the capture already lets the next sequence through after a rotation.
   */
  upcoming(door: KnockdDoor): Knock[] {
    const text = this.texts.get(door) ?? '';
    const current = this.current.get(door);
    if (current === undefined) return [];
    const ports: Knock[] = current.kind === 'config' ? [...door.sequence] : [];
    for (
      let next = nextOneTimeSequence(text, door.name, -1);
      next;
      next = nextOneTimeSequence(text, door.name, next.index)
    ) {
      ports.push(...next.sequence);
    }
    return ports;
  }

  /**
   * Marks the sequence just used and returns the next one (the file's first usable line: every line
   * before it is used), or says why the door is now disabled.
   */
  used(door: KnockdDoor): Result {
    const path = door.oneTimeSequences ?? '';
    const current = this.current.get(door);
    if (current === undefined) return { ok: false, error: noSequenceLeft(door) };
    let text: string;
    try {
      text = this.files.read(path);
      const index = current.kind === 'line' ? findOneTimeLine(text, current.used) : undefined;
      const offset = index === undefined ? undefined : oneTimeMarkOffset(text, index);
      if (offset !== undefined) {
        this.files.mark(path, offset);
        text = `${text.slice(0, offset)}#${text.slice(offset + 1)}`;
      }
    } catch (error) {
      this.current.set(door, undefined);
      return {
        ok: false,
        error: `cannot update one time sequences file ${path}: ${errorMessage(error)} --> disabling the door ${door.name}`,
      };
    }
    this.texts.set(door, text);
    const next = nextOneTimeSequence(text, door.name, -1);
    this.current.set(door, next && { kind: 'line', used: next });
    return next ? { ok: true, value: next.sequence } : { ok: false, error: noSequenceLeft(door) };
  }
}
