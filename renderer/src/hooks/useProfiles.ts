import { useCallback, useEffect, useState } from 'react';
import type { ProfilesView, SesameApi } from '../../../shared/ipc/contract';

/** The saved profiles as the window shows them, and why they could not be loaded if so. */
export interface ProfilesState {
  view: ProfilesView | undefined;
  error: string | undefined;
  reload: () => Promise<void>;
}

/** Loads the profiles and follows `profiles:changed` (our saves, the CLI, another window). */
export function useProfiles(api: SesameApi): ProfilesState {
  const [view, setView] = useState<ProfilesView | undefined>();
  const [error, setError] = useState<string | undefined>();

  const reload = useCallback(async () => {
    const result = await api.profiles.list();
    if (result.ok) {
      setView(result.value);
      setError(undefined);
    } else {
      setError(`Could not load the profiles: ${result.error.message}`);
    }
  }, [api]);

  useEffect(() => {
    const off = api.on('profiles:changed', (next) => {
      setView(next);
      setError(undefined);
    });
    void reload();
    return off;
  }, [api, reload]);

  return { view, error, reload };
}
