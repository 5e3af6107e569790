import { join } from 'node:path';
import type { BrowserWindow as BrowserWindowType, IpcMainInvokeEvent } from 'electron';
import { mainWindowOptions } from './window-options';

/** What the window service needs from Electron, passed in so tests can give fakes. */
export interface WindowDeps {
  createWindow: (options: ReturnType<typeof mainWindowOptions>) => BrowserWindowType;
  outDir: string;
  devServerUrl?: string | undefined;
}

/** Owns the one main window: creates it, shows it again, and knows whether a sender is it. */
export class MainWindowService {
  private window: BrowserWindowType | undefined;

  constructor(private readonly deps: WindowDeps) {}

  /** Shows the window, creating it on first use (a second launch or the tray calls this too). */
  show(): void {
    if (this.window && !this.window.isDestroyed()) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return;
    }
    const window = this.deps.createWindow(
      mainWindowOptions(join(this.deps.outDir, 'preload/index.cjs')),
    );
    window.once('ready-to-show', () => window.show());
    if (this.deps.devServerUrl) void window.loadURL(this.deps.devServerUrl);
    else void window.loadFile(join(this.deps.outDir, 'renderer/index.html'));
    this.window = window;
  }

  /** True only for messages from our window's main frame. */
  isTrustedSender(event: IpcMainInvokeEvent): boolean {
    const window = this.window;
    if (!window || window.isDestroyed()) return false;
    return (
      event.sender === window.webContents && event.senderFrame === window.webContents.mainFrame
    );
  }
}
