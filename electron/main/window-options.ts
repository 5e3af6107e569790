import type { BrowserWindowConstructorOptions } from 'electron';

/** The Content-Security-Policy of every page of the app (also set as a meta tag in index.html). */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'";

/**
 * The one place that builds the main window's options, so the security posture of the design
 * (context isolation, sandbox, no Node in the page) is set once and checked by a unit test.
 * https://www.electronjs.org/docs/latest/tutorial/security
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 960,
    height: 680,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Sesame',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}
