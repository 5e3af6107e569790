import type { App } from 'electron';
import type { AppInfo } from '../../shared/ipc/contract';

/** Answers `app:info`: what the window's about line shows. */
export function appInfo(app: Pick<App, 'getName' | 'getVersion'>, platform: string): AppInfo {
  return { name: app.getName(), version: app.getVersion(), platform };
}
