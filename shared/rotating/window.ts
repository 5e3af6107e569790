// Which steps a server accepts at a time (the previous, current and next: one step of clock skew
// either way) and which of them have opened already. Pure bookkeeping: the server maps slots onto
// matcher doors, knockd-rotate onto knockd doors.

/** Steps accepted either side of the current one. */
export const ACCEPTED_SKEW_STEPS = 1;

/** Slots per rotating door: one per accepted step. */
export const WINDOW_SLOTS = 2 * ACCEPTED_SKEW_STEPS + 1;

/** The steps accepted when `current` is the server's step, oldest first. */
export function acceptedSteps(current: number): number[] {
  const steps: number[] = [];
  for (let offset = -ACCEPTED_SKEW_STEPS; offset <= ACCEPTED_SKEW_STEPS; offset += 1) {
    steps.push(current + offset);
  }
  return steps;
}

/** The slot a step lives in while accepted: steps that are accepted together never share one. */
export function slotOf(step: number): number {
  return ((step % WINDOW_SLOTS) + WINDOW_SLOTS) % WINDOW_SLOTS;
}

/** A slot that now holds another step: its old step left the window, `step` entered it. */
export interface SlotChange {
  slot: number;
  step: number;
}

/**
 * The window of one rotating door. `moveTo` says which slots change when the step advances (the
 * caller swaps their sequences in: attempts on the other slots carry on); `spend` records that a
 * step's sequence opened, so it never opens again. Spent steps are forgotten as they leave the
 * window, so the set holds at most WINDOW_SLOTS entries.
 */
export class RotatingWindow {
  readonly #slots: (number | undefined)[] = new Array<number | undefined>(WINDOW_SLOTS);
  readonly #spent = new Set<number>();
  #current: number | undefined;

  /** The server's current step, once `moveTo` was called. */
  get current(): number | undefined {
    return this.#current;
  }

  /** Moves the window so that `current` is the middle step; returns the slots whose step changed. */
  moveTo(current: number): SlotChange[] {
    this.#current = current;
    const changes: SlotChange[] = [];
    for (const step of acceptedSteps(current)) {
      const slot = slotOf(step);
      if (this.#slots[slot] === step) continue;
      const old = this.#slots[slot];
      if (old !== undefined) this.#spent.delete(old);
      this.#slots[slot] = step;
      changes.push({ slot, step });
    }
    return changes;
  }

  /** The step a slot holds now. */
  stepOf(slot: number): number | undefined {
    return this.#slots[slot];
  }

  /** Marks the slot's step as opened; returns that step. */
  spend(slot: number): number | undefined {
    const step = this.#slots[slot];
    if (step !== undefined) this.#spent.add(step);
    return step;
  }

  /** Whether a step's sequence has opened while it was in the window. */
  isSpent(step: number): boolean {
    return this.#spent.has(step);
  }

  /** The spent steps still in the window. */
  spentSteps(): number[] {
    return [...this.#spent];
  }

  /** The slot holding `step`, if the window holds it. */
  slotOfStep(step: number): number | undefined {
    const slot = slotOf(step);
    return this.#slots[slot] === step ? slot : undefined;
  }

  /** How many spent steps are remembered (at most WINDOW_SLOTS). */
  spentCount(): number {
    return this.#spent.size;
  }
}

/** Milliseconds from `nowMs` to the start of the next step. */
export function msToNextStep(nowMs: number, stepSeconds: number): number {
  const stepMs = stepSeconds * 1000;
  return stepMs - (((nowMs % stepMs) + stepMs) % stepMs);
}
