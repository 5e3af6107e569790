import { useEffect } from 'react';
import type { SesameApi } from '../../../shared/ipc/contract';
import { useLatest } from './useLatest';

/**
 * Hands each sesame://rotating link the app was opened with to `onLink`: those waiting when the
 * window starts, and each one announced later (`links:opened`). Main keeps them until taken, so a
 * link that arrives before the window is ready is not lost, and none is handed over twice.
 */
export function useProvisioningLinks(api: SesameApi, onLink: (link: string) => void): void {
  const latest = useLatest(onLink);
  useEffect(() => {
    let current = true;
    const takeAll = () =>
      void api.links.take().then((taken) => {
        if (!current || !taken.ok) return;
        for (const link of taken.value) latest.current(link);
      });
    takeAll();
    const off = api.on('links:opened', takeAll);
    return () => {
      current = false;
      off();
    };
  }, [api, latest]);
}
