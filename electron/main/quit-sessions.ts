import type { Logger } from '../node/logger';
import type { KnockService } from './knock-service';

/** What holding Quit needs of Electron's app: its before-quit event and quit(). */
export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Quit waits until the doors of running ssh sessions are closed (nothing would close them once
 * Sesame is gone), for at most `limitMs`, then quits for real.
 */
export function closeSessionsBeforeQuit(
  app: QuittingApp,
  knocks: Pick<KnockService, 'openSessions' | 'closeOpenSessions'>,
  logger: Logger,
  limitMs = 10_000,
): void {
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed || knocks.openSessions() === 0) return;
    event.preventDefault();
    logger.info(`closing the doors of ${knocks.openSessions()} ssh session(s) before quitting`);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        logger.warn(`quitting after ${limitMs} ms with doors still closing`);
        resolve();
      }, limitMs);
    });
    void Promise.race([knocks.closeOpenSessions(), limit]).finally(() => {
      clearTimeout(timer);
      closed = true;
      app.quit();
    });
  });
}
