// How a profile opens its door, in one short phrase for lists, the tray and the import preview.
import { formatSequence } from '../sequence/sequence';
import { formatSpaAccess, type SpaRequest } from '../spa/spa-request';
import { isRotating, type RotatingSequence } from '../rotating/rotating-sequence';
import type { DoorSequence, Profile } from './profile';

/** An SPA request in a few words: `SPA tcp/22 (fwknopd udp/62201)`; keys are never shown. */
export function spaSummary(spa: SpaRequest): string {
  return `SPA ${formatSpaAccess(spa.access)} (fwknopd udp/${String(spa.port)})`;
}

/** A rotating sequence in a few words; the secret is never shown. */
export function rotatingSummary(r: RotatingSequence): string {
  return `rotating "${r.label}" (${String(r.length)} knocks, ${String(r.stepSeconds)} s steps, ports ${String(r.ports.low)}-${String(r.ports.high)} ${r.protocols})`;
}

/** A fixed sequence in knockd's syntax (`7000,8000:udp`), a rotating one described; none: `-`. */
export function sequenceSummary(sequence: DoorSequence | undefined): string {
  if (sequence === undefined) return '-';
  return isRotating(sequence) ? rotatingSummary(sequence) : formatSequence(sequence);
}

/** The open sequence, or the SPA request a profile sends instead. */
export function openSummary(profile: Pick<Profile, 'open' | 'spa'>): string {
  return profile.spa ? spaSummary(profile.spa) : sequenceSummary(profile.open);
}
