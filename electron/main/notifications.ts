import type { KnockOutcome } from '../../shared/door/outcome';
import { verdictText } from './tray-menu';

/** A desktop notification's text. */
export interface NotificationText {
  title: string;
  body: string;
}

/** The notification for a finished knock: what was done, to which address, and the probe's result. */
export function knockNotification(outcome: KnockOutcome): NotificationText {
  const what =
    outcome.action === 'close' ? 'Close' : outcome.action === 'ssh' ? 'Open SSH' : 'Open';
  const title = `${outcome.profileName}: ${verdictText(outcome)}`;
  const sent = outcome.hits.filter((h) => h.error === undefined).length;
  const parts = [
    outcome.address
      ? `${what}: ${sent} of ${outcome.hits.length} hits sent to ${outcome.address}.`
      : `${what}: nothing sent.`,
  ];
  if (outcome.probe)
    parts.push(
      `Port ${outcome.probe.port} is ${outcome.probe.state} (${outcome.probe.elapsedMs} ms).`,
    );
  if (outcome.ssh)
    parts.push(
      `ssh started in ${outcome.ssh.terminal}${outcome.ssh.closesOnExit ? '; the door closes when it ends' : ''}.`,
    );
  if (outcome.error && outcome.verdict !== 'cancelled') parts.push(outcome.error);
  return { title, body: parts.join(' ') };
}

/** What the notifier needs: whether the user wants notifications and a way to show one. */
export interface NotifierDeps {
  enabled: () => boolean;
  isSupported: () => boolean;
  show: (text: NotificationText) => void;
}

/** Shows a notification for each finished knock when enabled and supported. */
export function notifyOutcome(deps: NotifierDeps, outcome: KnockOutcome): boolean {
  if (!deps.enabled() || !deps.isSupported()) return false;
  deps.show(knockNotification(outcome));
  return true;
}
