import type { App, Session, WebContents } from 'electron';
import { contentSecurityPolicy } from './window-options';

/**
 * Denies what a page of ours never needs: navigation away, new windows, permissions, webviews.
 * https://www.electronjs.org/docs/latest/tutorial/security#13-disable-or-limit-navigation
 */
export function setupContentSecurity(app: App, getSession: () => Session): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.whenReady().then(
    () => {
      const session = getSession();
      session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
      session.setPermissionCheckHandler(() => false);
      session.webRequest.onHeadersReceived((details, callback) => {
        callback({
          responseHeaders: {
            ...details.responseHeaders,
            'Content-Security-Policy': [contentSecurityPolicy],
          },
        });
      });
    },
    () => undefined,
  );
}
