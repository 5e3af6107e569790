// The knocks a door sequence sends: a fixed sequence's, or a rotating sequence's of the current step.
import type { DoorSequence } from '../../shared/profile/profile';
import { deriveSequence, stepAt } from '../../shared/rotating/derive';
import type { RotatingParams } from '../../shared/rotating/params';
import {
  isRotating,
  rotatingParamsOf,
  rotatingSecretBytes,
  type RotatingSequence,
} from '../../shared/rotating/rotating-sequence';
import { knockDurationMs, waitBeforeKnock } from '../../shared/rotating/timing';
import { msToNextStep } from '../../shared/rotating/window';
import { formatSequence, withDefaultDelay, type Knock } from '../../shared/sequence/sequence';
import { hmacSha256 } from './hmac';

/**
 * The knocks of `sequence` sent at wall-clock time `nowMs` (ms since the epoch), each hit without
 * a delay of its own waiting `delayMs`: a fixed sequence as it is, a rotating one derived for the
 * step `nowMs` falls in.
 */
export function knocksAt(sequence: DoorSequence, delayMs: number, nowMs: number): Knock[] {
  if (!isRotating(sequence)) return withDefaultDelay(sequence, delayMs);
  const secret = rotatingSecretBytes(sequence);
  return rotatingKnocksAt(secret, sequence.label, rotatingParamsOf(sequence), delayMs, nowMs);
}

/**
 * A rotating sequence's knocks for the step `nowMs` falls in, each waiting `delayMs` after it: for
 * a profile's sequence (knocksAt) and for `sesame knock --secret-file`.
 */
export function rotatingKnocksAt(
  secret: Uint8Array,
  label: string,
  params: RotatingParams,
  delayMs: number,
  nowMs: number,
): Knock[] {
  const step = stepAt(nowMs / 1000, params.stepSeconds);
  return withDefaultDelay(deriveSequence(hmacSha256, secret, label, step, params), delayMs);
}

/**
 * How long to wait at `nowMs` before sending `sequence`: 0 for a fixed one; for a rotating one,
 * long enough that the knock neither starts just after a step boundary nor runs into the next
 * (shared/rotating/timing.ts), where a server may be switching steps.
 */
export function waitBeforeSending(sequence: DoorSequence, delayMs: number, nowMs: number): number {
  if (!isRotating(sequence)) return 0;
  return waitBeforeKnock(nowMs, sequence.stepSeconds, knockDurationMs(sequence.length, delayMs));
}

/** A rotating sequence's knocks at `nowMs` in knockd's syntax, and when its next step starts. */
export function rotatingPreview(
  sequence: RotatingSequence,
  nowMs: number,
): { sequence: string; nextStepAt: number } {
  return {
    sequence: formatSequence(knocksAt(sequence, 0, nowMs)),
    nextStepAt: nowMs + msToNextStep(nowMs, sequence.stepSeconds),
  };
}
