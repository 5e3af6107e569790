import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  Menu,
  net,
  Notification,
  nativeImage,
  protocol,
  safeStorage,
  session,
  Tray,
} from 'electron';
import { createLogger } from '../node/logger';
import { profileStorePath } from '../node/profile-store-file';
import { currentProcess, sesameCommand } from '../node/self-command';
import { userSshConfigPath } from '../node/ssh-config-file';
import { availableTerminals, launchInTerminal, terminalInUse } from '../node/terminal-launch';
import { appInfo } from './app-info';
import { registerAppScheme, rendererPageUrl, serveAppScheme } from './app-protocol';
import { createAppServices } from './app-services';
import { encryptionView, safeStorageSealer } from './encryption';
import { ElectronStoreProfileBackend, historyStorage, settingsStorage } from './electron-stores';
import { createHandlers } from './handlers';
import { registerIpcHandlers } from './ipc';
import { closeSessionsBeforeQuit } from './quit-sessions';
import { claimLinkScheme, linksIn } from './provisioning-links';
import { notifyOutcome } from './notifications';
import { setupContentSecurity } from './security';
import { TrayService } from './tray';
import { electronMenu, trayImagePaths } from './tray-electron';
import { MainWindowService } from './window';

const log = createLogger('main');

/**
 * The desktop app: one window, the tray, notifications, and the services behind the window's API,
 * composed from their setup steps. Closing the window keeps Sesame in the tray; Quit quits.
 */
export function startDesktop(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  const outDir = dirname(dirname(fileURLToPath(import.meta.url)));
  registerAppScheme(protocol); // before ready, as Electron requires
  let trayStarted = false;
  const windows = new MainWindowService({
    createWindow: (options) => new BrowserWindow(options),
    outDir,
    pageUrl: rendererPageUrl(app.isPackaged, process.env.ELECTRON_RENDERER_URL),
    keepInTray: () => trayStarted,
  });
  // sesame://rotating links: macOS hands them to the running app (open-url, possibly before ready);
  // Linux and Windows start a second instance with the link in its argv, which hands it over here.
  const early: string[] = linksIn(process.argv);
  let offerLink = (link: string) => void early.push(link);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    offerLink(url);
  });
  app.on('second-instance', (_event, argv) => {
    for (const link of linksIn(argv)) offerLink(link);
    windows.show();
  });
  app.on('before-quit', () => windows.prepareToQuit());
  setupContentSecurity(app, () => session.defaultSession);

  void app.whenReady().then(() => {
    serveAppScheme(protocol, join(outDir, 'renderer'), (url) => net.fetch(url));
    const userData = app.getPath('userData');
    const profilePath = profileStorePath(process.env, process.platform, app.getPath('home'));
    const env = process.env;
    const backend = new ElectronStoreProfileBackend(profilePath, createLogger('store'));
    const services = createAppServices({
      appInfo: () => appInfo(app, process.platform),
      profilePath,
      profileBackend: backend,
      sealing: safeStorageSealer(safeStorage, process.platform),
      settingsStorage: settingsStorage(userData, createLogger('settings')),
      historyStorage: historyStorage(userData, createLogger('history')),
      encryption: (on) => encryptionView(safeStorage, process.platform, on),
      terminals: () => availableTerminals(process.platform, env),
      terminalInUse: (setting) => terminalInUse(setting, { platform: process.platform, env }),
      launchTerminal: (setting, argv) =>
        launchInTerminal(setting, argv, { platform: process.platform, env }),
      sshConfig: {
        file: () => userSshConfigPath(app.getPath('home')),
        sesame: () => sesameCommand(currentProcess(app.isPackaged ? undefined : app.getAppPath())),
        platform: process.platform,
      },
      logger: (module) => createLogger(module),
    });
    registerIpcHandlers(
      createHandlers(services),
      (event) => windows.isTrustedSender(event),
      undefined,
      (channel, error) =>
        log.error(
          `${channel}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
    );

    const tray = new TrayService({
      createTray: (image) => new Tray(image as Electron.NativeImage),
      buildMenu: (items, click) => electronMenu(Menu, items, click),
      images: trayImagePaths(
        process.platform,
        app.isPackaged ? process.resourcesPath : join(outDir, '..'),
        nativeImage,
      ),
      onAction: (action) => {
        switch (action.kind) {
          case 'show':
            windows.show();
            return;
          case 'quit':
            windows.prepareToQuit();
            app.quit();
            return;
          case 'open':
          case 'close':
          case 'ssh': {
            const started = services.knocks.start(action.profileId, action.kind);
            if (!started.ok) log.warn(`tray ${action.kind}: ${started.error.message}`);
            return;
          }
        }
      },
    });
    services.knocks.progress.add((event) => {
      windows.send('knock:progress', event);
      tray.progress(event);
    });
    services.knocks.finished.add((outcome) => {
      windows.send('knock:finished', outcome);
      tray.finished(outcome);
      notifyOutcome(
        {
          enabled: () => services.settings.current().notifications,
          isSupported: () => Notification.isSupported(),
          show: (text) => new Notification(text).show(),
        },
        outcome,
      );
    });
    services.links.opened.add((pending) => {
      windows.send('links:opened', pending);
      windows.show();
    });
    offerLink = (link) => void services.links.offer(link);
    for (const link of early.splice(0)) offerLink(link);
    claimLinkScheme(app, log);
    services.profiles.changed.add((view) => {
      windows.send('profiles:changed', view);
      tray.setProfiles(view.profiles);
    });

    const initial = services.profiles.view();
    if (initial.problem) log.warn(initial.problem);
    try {
      tray.start(initial.profiles);
      trayStarted = true;
    } catch (error) {
      // Some Linux desktops have no status area; the window then quits the app when closed.
      log.warn(`no system tray: ${String(error)}`);
    }
    backend.watch(() => services.profiles.fileChanged());
    closeSessionsBeforeQuit(app, services.knocks, log);
    app.on('will-quit', () => tray.stop());
    windows.show();
  });

  app.on('window-all-closed', () => {
    if (!trayStarted && process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => windows.show());
}
