import { useEffect, useState } from 'react';
import type { SesameApi, SettingsView } from '../../../shared/ipc/contract';

/**
 * What to say next to Open SSH when the terminal it starts cannot tell Sesame that ssh ended (so
 * the door cannot close then), read from the settings each time the profile list is shown.
 */
export function useSshNote(api: SesameApi, shown: boolean): string | undefined {
  const [note, setNote] = useState<string | undefined>();
  useEffect(() => {
    if (!shown) return;
    let current = true;
    void api.settings.get().then((result) => {
      if (current && result.ok) setNote(sshNote(result.value));
    });
    return () => {
      current = false;
    };
  }, [api, shown]);
  return note;
}

/** The note for a settings view: none when the terminal waits for ssh. */
export function sshNote(view: SettingsView): string | undefined {
  const use = view.terminalInUse;
  if (!use?.ok || use.waits) return undefined;
  const minutes = view.settings.closeAfterMinutes;
  return minutes > 0
    ? `${use.label} does not say when ssh ends: Open SSH closes the door after ${String(minutes)} min.`
    : `${use.label} does not say when ssh ends: after Open SSH the door stays open until you close it (or set "Close the door after" in Settings).`;
}
