import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, session } from 'electron';
import { appInfo } from './app-info';
import { registerIpcHandlers } from './ipc';
import { setupContentSecurity } from './security';
import { MainWindowService } from './window';

// The main entry only composes the setup steps; each lives in its own module.
const outDir = dirname(dirname(fileURLToPath(import.meta.url)));
const windows = new MainWindowService({
  createWindow: (options) => new BrowserWindow(options),
  outDir,
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => windows.show());
  setupContentSecurity(app, () => session.defaultSession);
  registerIpcHandlers({ 'app:info': () => appInfo(app, process.platform) }, (event) =>
    windows.isTrustedSender(event),
  );
  void app.whenReady().then(() => windows.show());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
