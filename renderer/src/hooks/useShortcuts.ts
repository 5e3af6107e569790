import { useEffect } from 'react';
import { useLatest } from './useLatest';
import { shortcutFor, type ShortcutAction } from '../model/shortcuts';

/**
 * Calls `handle` for every shortcut pressed in the window. `handle` returns true when it used the
 * key, which then does nothing else (no scrolling on arrows). Off while `enabled` is false (a dialog
 * handles its own keys).
 */
export function useShortcuts(handle: (action: ShortcutAction) => boolean, enabled: boolean): void {
  const latest = useLatest(handle);

  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return;
      const action = shortcutFor(event);
      if (action && latest.current(action)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [enabled, latest]);
}
