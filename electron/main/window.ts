import { join } from 'node:path';
import type { BrowserWindow as BrowserWindowType, IpcMainInvokeEvent } from 'electron';
import type { EventChannel, EventPayloads } from '../../shared/ipc/contract';
import { originOf } from './app-protocol';
import { mainWindowOptions } from './window-options';

/** What the window service needs from Electron, passed in so tests can give fakes. */
export interface WindowDeps {
  createWindow: (options: ReturnType<typeof mainWindowOptions>) => BrowserWindowType;
  outDir: string;
  /** The page to load (app-protocol.ts rendererPageUrl): its origin is the only one trusted. */
  pageUrl: string;
  /** True when closing the window should keep the app running in the tray. */
  keepInTray?: () => boolean;
}

/**
 * Owns the one main window: creates it, shows it again, hides it to the tray on close (until the
 * app quits), knows whether a sender is it, and sends it the contract's events.
 */
export class MainWindowService {
  private window: BrowserWindowType | undefined;
  private quitting = false;

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
    window.on('close', (event) => {
      if (this.quitting || !(this.deps.keepInTray?.() ?? false)) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    void window.loadURL(this.deps.pageUrl);
    this.window = window;
  }

  /** From now on closing the window closes it (Quit was chosen). */
  prepareToQuit(): void {
    this.quitting = true;
  }

  /**
   * True only for messages from our window's main frame while it shows a page of the origin we
   * loaded: a frame that navigated elsewhere (or was pointed elsewhere) gets no API.
   * https://www.electronjs.org/docs/latest/tutorial/security#17-validate-the-sender-of-all-ipc-messages
   */
  isTrustedSender(event: IpcMainInvokeEvent): boolean {
    const window = this.window;
    if (!window || window.isDestroyed()) return false;
    const frame = event.senderFrame;
    return (
      event.sender === window.webContents &&
      frame !== null &&
      frame === window.webContents.mainFrame &&
      this.isOurPage(frame.url)
    );
  }

  /** Sends one of the contract's events to the window, if it is open and shows our page (events
   * carry profiles and knock results, which no other page may see). */
  send<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    const window = this.window;
    if (!window || window.isDestroyed()) return;
    if (!this.isOurPage(window.webContents.mainFrame.url)) return;
    window.webContents.send(event, payload);
  }

  private isOurPage(url: string): boolean {
    const origin = originOf(url);
    return origin !== undefined && origin === originOf(this.deps.pageUrl);
  }
}
