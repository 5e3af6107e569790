// When a client may send a rotating knock: never across a step boundary.
import { msToNextStep } from './window';

/**
 * Margin kept from a step boundary on both sides. At the boundary a server switches to the next
 * step's sequences (knockd-rotate reloads knockd, which drops knocks in progress), and two clocks
 * that agree to within this margin see the same step.
 */
export const BOUNDARY_GUARD_MS = 1000;

/** Time allowed per knock for sending, on top of its delay. */
export const HIT_ALLOWANCE_MS = 50;

/** How long a knock of `length` hits with `delayMs` after each may take, at most. */
export function knockDurationMs(length: number, delayMs: number): number {
  return length * (delayMs + HIT_ALLOWANCE_MS);
}

/**
 * How long to wait before sending a knock that takes `durationMs`: 0 when it ends at least
 * BOUNDARY_GUARD_MS before the next boundary and starts at least that long after the last one;
 * else the time until BOUNDARY_GUARD_MS after the next (or current) boundary. A knock longer
 * than a step minus the margins cannot be placed: the caller refuses it.
 */
export function waitBeforeKnock(nowMs: number, stepSeconds: number, durationMs: number): number {
  const stepMs = stepSeconds * 1000;
  const toNext = msToNextStep(nowMs, stepSeconds);
  const sinceLast = stepMs - toNext;
  if (sinceLast < BOUNDARY_GUARD_MS) return BOUNDARY_GUARD_MS - sinceLast;
  if (toNext >= durationMs + BOUNDARY_GUARD_MS) return 0;
  return toNext + BOUNDARY_GUARD_MS;
}

/** Whether a knock this long fits in one step with the margins on both sides. */
export function fitsInStep(stepSeconds: number, durationMs: number): boolean {
  return durationMs + 2 * BOUNDARY_GUARD_MS <= stepSeconds * 1000;
}
