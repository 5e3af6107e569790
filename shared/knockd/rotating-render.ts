// knockd-rotate's rendering: a knockd.conf template whose rotating doors become plain doors, one
// per accepted step, which stock knockd reads.
import { deriveSequence, stepAt, type HmacSha256 } from '../rotating/derive';
import { acceptedSteps, msToNextStep } from '../rotating/window';
import { utf8Length } from './config-lines';
import { rotatingLabelOf } from './config-rotating';
import { KNOCKD_MAX_NAME_BYTES, type KnockdConfig, type KnockdDoor } from './config-types';

/** The name of a rendered door: the template's name and the step, within knockd's 127 bytes. */
export function renderedDoorName(name: string, step: number): string {
  const named = `${name} step ${step}`;
  return utf8Length(named) <= KNOCKD_MAX_NAME_BYTES ? named : name;
}

/**
 * The template with each rotating door replaced by plain doors for the previous, current and next
 * step at `nowMs` (in that order), each with the door's commands, timeouts, flags and target.
 * `secrets` maps each rotating door's secret file path to its checked secret.
 */
export function renderRotatingDoors(
  template: KnockdConfig,
  hmac: HmacSha256,
  secrets: ReadonlyMap<string, Uint8Array>,
  nowMs: number,
): KnockdConfig {
  const doors: KnockdDoor[] = [];
  for (const door of template.doors) {
    const rotating = door.rotating;
    if (!rotating) {
      doors.push(door);
      continue;
    }
    const secret = secrets.get(rotating.secretFile);
    if (!secret) throw new RangeError(`no secret read for ${rotating.secretFile}`);
    const label = rotatingLabelOf({ ...door, rotating });
    const { params } = rotating;
    for (const step of acceptedSteps(stepAt(nowMs / 1000, params.stepSeconds))) {
      const plain: KnockdDoor = {
        ...door,
        name: renderedDoorName(door.name, step),
        sequence: deriveSequence(hmac, secret, label, step, params),
      };
      delete plain.rotating;
      doors.push(plain);
    }
  }
  return { options: template.options, doors };
}

/** Milliseconds until the next step of any rotating door begins (undefined: none rotates). */
export function msToNextRender(template: KnockdConfig, nowMs: number): number | undefined {
  const waits = template.doors.flatMap((door) =>
    door.rotating ? [msToNextStep(nowMs, door.rotating.params.stepSeconds)] : [],
  );
  return waits.length === 0 ? undefined : Math.min(...waits);
}
