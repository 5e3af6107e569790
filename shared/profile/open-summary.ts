// How a profile opens its door, in one short phrase for lists, the tray and the import preview.
import { formatSequence } from '../sequence/sequence';
import { formatSpaAccess, type SpaRequest } from '../spa/spa-request';
import type { Profile } from './profile';

/** An SPA request in a few words: `SPA tcp/22 (fwknopd udp/62201)`; keys are never shown. */
export function spaSummary(spa: SpaRequest): string {
  return `SPA ${formatSpaAccess(spa.access)} (fwknopd udp/${String(spa.port)})`;
}

/** The open sequence (`7000,8000:udp`), or the SPA request a profile sends instead. */
export function openSummary(profile: Pick<Profile, 'open' | 'spa'>): string {
  return profile.spa ? spaSummary(profile.spa) : formatSequence(profile.open ?? []);
}
