import type { KnockOutcome, KnockProgressEvent } from '../../shared/door/outcome';
import type { Profile } from '../../shared/profile/profile';

/** What a tray menu item does when clicked. */
export type TrayAction =
  { kind: 'open' | 'close' | 'ssh'; profileId: string } | { kind: 'show' } | { kind: 'quit' };

/** A menu item, free of Electron types so the menu can be tested as data. */
export type TrayItem =
  | { type: 'separator' }
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'submenu'; label: string; items: TrayItem[] };

/** The tray icon's state: idle, knocking, or how the last knock ended. */
export type TrayIconState = 'idle' | 'knocking' | 'success' | 'failure';

/** What the tray shows right now. */
export interface TrayModel {
  items: TrayItem[];
  icon: TrayIconState;
  tooltip: string;
}

/** The state the tray menu is built from. */
export interface TrayState {
  profiles: readonly Pick<Profile, 'id' | 'name' | 'close'>[];
  running: ReadonlyMap<string, KnockProgressEvent>;
  last: ReadonlyMap<string, KnockOutcome>;
  latest?: KnockOutcome | undefined;
}

const MAX_MENU_PROFILES = 30;

/**
 * Builds the tray menu: a submenu per profile with Open, Close (when it has a close sequence) and
 * Open SSH, marked while knocking and with its last result; then Show window and Quit.
 */
export function trayModel(state: TrayState): TrayModel {
  const items: TrayItem[] = [];
  const shown = state.profiles.slice(0, MAX_MENU_PROFILES);
  for (const profile of shown) {
    const running = state.running.get(profile.id);
    const busy = running !== undefined;
    const last = state.last.get(profile.id);
    const status = running ? ` (${stageText(running)})` : last ? ` (${verdictText(last)})` : '';
    items.push({
      type: 'submenu',
      label: `${profile.name}${status}`,
      items: [
        {
          type: 'normal',
          label: 'Open',
          enabled: !busy,
          action: { kind: 'open', profileId: profile.id },
        },
        {
          type: 'normal',
          label: 'Close',
          enabled: !busy && profile.close !== undefined,
          action: { kind: 'close', profileId: profile.id },
        },
        {
          type: 'normal',
          label: 'Open SSH',
          enabled: !busy,
          action: { kind: 'ssh', profileId: profile.id },
        },
      ],
    });
  }
  if (state.profiles.length === 0)
    items.push({ type: 'normal', label: 'No profiles yet', enabled: false });
  if (state.profiles.length > shown.length)
    items.push({
      type: 'normal',
      label: `${state.profiles.length - shown.length} more in the window…`,
      enabled: false,
    });
  items.push(
    { type: 'separator' },
    { type: 'normal', label: 'Show window', enabled: true, action: { kind: 'show' } },
    { type: 'normal', label: 'Quit Sesame', enabled: true, action: { kind: 'quit' } },
  );
  return { items, ...iconAndTooltip(state) };
}

function iconAndTooltip(state: TrayState): { icon: TrayIconState; tooltip: string } {
  const running = [...state.running.values()];
  if (running.length > 0) {
    const names = running.map(
      (r) => state.profiles.find((p) => p.id === r.profileId)?.name ?? r.profileId,
    );
    return { icon: 'knocking', tooltip: `Sesame: knocking ${names.join(', ')}…` };
  }
  const latest = state.latest;
  if (!latest) return { icon: 'idle', tooltip: 'Sesame' };
  const good =
    latest.action === 'close'
      ? latest.verdict === 'closed' || latest.verdict === 'sent'
      : latest.verdict === 'open';
  return {
    icon: good ? 'success' : 'failure',
    tooltip: `Sesame: ${latest.profileName} ${verdictText(latest)}`,
  };
}

function stageText(event: KnockProgressEvent): string {
  switch (event.stage) {
    case 'resolving':
      return 'resolving…';
    case 'waiting':
      return 'waiting for the next step…';
    case 'knocking':
      return event.hit ? `knocking ${event.hit.index + 1}/${event.hit.total}…` : 'knocking…';
    case 'probing':
      return 'probing…';
    case 'reknocking':
      return 'knocking again…';
    case 'launching':
      return 'starting ssh…';
  }
}

/** The last result of a profile in a few words (menu labels, tooltip). */
export function verdictText(outcome: KnockOutcome): string {
  switch (outcome.verdict) {
    case 'open':
      return outcome.action === 'ssh' ? 'open, ssh started' : 'open';
    case 'closed':
      return outcome.action === 'close' ? 'closed' : 'still closed';
    case 'unreachable':
      return 'unreachable';
    case 'sent':
      return outcome.action === 'close' ? 'close sequence sent' : 'knock sent';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}
