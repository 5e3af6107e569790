import { rotatingLabelOf, type KnockdDoor, type RotatingDoor } from '../../shared/knockd/config';
import type { Parsed } from '../../shared/basics';
import { deriveSequence, stepAt, type HmacSha256 } from '../../shared/rotating/derive';
import { msToNextStep, RotatingWindow, WINDOW_SLOTS } from '../../shared/rotating/window';
import type { Knock } from '../../shared/sequence/sequence';
import { hmacSha256 } from './hmac';
import { readSecretFile } from './rotating-secret';

/** Reads a door's secret file (the real one checks owner and mode); tests pass a map. */
export type SecretReader = (path: string) => Parsed<Uint8Array>;

interface Run {
  door: KnockdDoor & { rotating: RotatingDoor };
  secret: Uint8Array;
  label: string;
  window: RotatingWindow;
  /** The matcher door of each slot. */
  doors: number[];
}

/** A slot whose step changed: its matcher door gets this sequence (and is enabled again). */
export interface SlotSequence {
  matcherDoor: number;
  sequence: Knock[];
}

/**
 * The server's rotating doors. Each becomes WINDOW_SLOTS matcher doors, one per accepted step
 * (previous, current, next), so a knock in progress on one step is untouched when the window
 * moves; only the slot of the step that left is given the new step's sequence. A slot that opened
 * is spent: the server disables its matcher door until the slot holds another step, so a sequence
 * opens once, even when replayed inside its step.
 */
export class RotatingDoors {
  private readonly runs: Run[] = [];
  private readonly byMatcherDoor = new Map<number, { run: Run; slot: number }>();

  constructor(
    private readonly readSecret: SecretReader = readSecretFile,
    private readonly hmac: HmacSha256 = hmacSha256,
  ) {}

  /**
   * Reads the door's secret and places its window at `nowMs`; the door's slots become matcher
   * doors `firstMatcherDoor`, +1, +2. Returns the slots' sequences in slot order.
   */
  load(
    door: KnockdDoor & { rotating: RotatingDoor },
    firstMatcherDoor: number,
    nowMs: number,
  ): Parsed<Knock[][]> {
    const secret = this.readSecret(door.rotating.secretFile);
    if (!secret.ok) return { ok: false, error: `door ${door.name}: ${secret.error}` };
    const run: Run = {
      door,
      secret: secret.value,
      label: rotatingLabelOf(door),
      window: new RotatingWindow(),
      doors: [],
    };
    run.window.moveTo(this.stepOf(run, nowMs));
    const sequences: Knock[][] = [];
    for (let slot = 0; slot < WINDOW_SLOTS; slot += 1) {
      run.doors.push(firstMatcherDoor + slot);
      this.byMatcherDoor.set(firstMatcherDoor + slot, { run, slot });
      sequences.push(this.sequence(run, run.window.stepOf(slot) ?? 0));
    }
    this.runs.push(run);
    return { ok: true, value: sequences };
  }

  /** Whether a matcher door is a rotating door's slot. */
  has(matcherDoor: number): boolean {
    return this.byMatcherDoor.has(matcherDoor);
  }

  /** A slot opened: its step is spent. Returns that step (the caller disables the matcher door). */
  spend(matcherDoor: number): number | undefined {
    const found = this.byMatcherDoor.get(matcherDoor);
    return found && found.run.window.spend(found.slot);
  }

  /**
   * Carries the spent steps of a configuration being replaced (SIGHUP) over to this one, for
   * each door with the same secret file, label and parameters: a reload must not make a used
   * sequence open again. Returns the matcher doors to switch off.
   */
  inherit(previous: RotatingDoors | undefined): number[] {
    if (!previous) return [];
    const spent = new Map(previous.runs.map((run) => [identity(run), run.window.spentSteps()]));
    const off: number[] = [];
    for (const run of this.runs) {
      for (const step of spent.get(identity(run)) ?? []) {
        const slot = run.window.slotOfStep(step);
        const matcherDoor = slot === undefined ? undefined : run.doors[slot];
        if (slot === undefined || matcherDoor === undefined) continue;
        run.window.spend(slot);
        off.push(matcherDoor);
      }
    }
    return off;
  }

  /** Moves every door's window to `nowMs`: the slots that now hold another step, with its sequence. */
  advance(nowMs: number): SlotSequence[] {
    const changed: SlotSequence[] = [];
    for (const run of this.runs) {
      for (const { slot, step } of run.window.moveTo(this.stepOf(run, nowMs))) {
        const matcherDoor = run.doors[slot];
        if (matcherDoor !== undefined)
          changed.push({ matcherDoor, sequence: this.sequence(run, step) });
      }
    }
    return changed;
  }

  /** Every knock of every accepted step (spent ones too: the filter need not change for them). */
  listened(): Knock[] {
    return this.runs.flatMap((run) =>
      run.doors.flatMap((_, slot) => this.sequence(run, run.window.stepOf(slot) ?? 0)),
    );
  }

  /** Milliseconds until the next step of any rotating door begins; undefined without any. */
  msToNextStep(nowMs: number): number | undefined {
    const waits = this.runs.map((run) => msToNextStep(nowMs, run.door.rotating.params.stepSeconds));
    return waits.length === 0 ? undefined : Math.min(...waits);
  }

  private stepOf(run: Run, nowMs: number): number {
    return stepAt(nowMs / 1000, run.door.rotating.params.stepSeconds);
  }

  private sequence(run: Run, step: number): Knock[] {
    return deriveSequence(this.hmac, run.secret, run.label, step, run.door.rotating.params);
  }
}

/** What makes two configurations' rotating doors the same door: secret file, label, parameters. */
function identity(run: Run): string {
  return JSON.stringify([run.door.rotating.secretFile, run.label, run.door.rotating.params]);
}
