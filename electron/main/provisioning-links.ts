// sesame://rotating links the app is opened with (a click in a browser or a chat, a QR code's app):
// kept until the window takes them, and announced when the window is already there.
import { PROVISIONING_PREFIX } from '../../shared/rotating/uri';
import { Listeners } from './listeners';

/** Longest link taken: a provisioning URI is about 200 characters; more is not one. */
const MAX_LINK_LENGTH = 4096;
/** Links kept for the window at most; more (a script opening links in a loop) are dropped. */
const MAX_PENDING = 8;

/** The provisioning links among a process's arguments (Linux and Windows pass the link there). */
export function linksIn(argv: readonly string[]): string[] {
  return argv.filter(isProvisioningLink);
}

/** A sesame://rotating link of a sane length; the window reads and checks its fields. */
export function isProvisioningLink(text: string): boolean {
  return text.startsWith(PROVISIONING_PREFIX) && text.length <= MAX_LINK_LENGTH;
}

/**
 * Links waiting for the window. `offer` keeps a link and announces it; the window takes every
 * waiting link when it starts and after each announcement, so none is shown twice or lost before
 * the window is ready. Nothing is saved from a link: the window fills in a new profile to confirm.
 */
export class ProvisioningLinks {
  private pending: string[] = [];
  /** Fires after a link was kept, with how many wait. */
  readonly opened = new Listeners<{ pending: number }>();

  /** Keeps `link` for the window if it is a provisioning link; returns whether it was kept. */
  offer(link: string): boolean {
    if (!isProvisioningLink(link)) return false;
    if (this.pending.length >= MAX_PENDING) return false;
    this.pending.push(link);
    this.opened.emit({ pending: this.pending.length });
    return true;
  }

  /** The waiting links, oldest first; they are handed over once. */
  take(): string[] {
    const links = this.pending;
    this.pending = [];
    return links;
  }
}

/** The URL scheme of provisioning links (electron-builder's `protocols` declares it too). */
export const LINK_SCHEME = 'sesame';

/** The part of Electron's `app` that claims a URL scheme. */
export interface SchemeClaim {
  isPackaged: boolean;
  isDefaultProtocolClient(scheme: string): boolean;
  setAsDefaultProtocolClient(scheme: string): boolean;
}

/**
 * Makes the installed app the handler of sesame:// links, where the installer has not already
 * (the .desktop file's MimeType on Linux, Info.plist on macOS, the registry on Windows). A
 * development run does not claim it: links would then start a bare Electron.
 */
export function claimLinkScheme(app: SchemeClaim, log: { warn(line: string): void }): void {
  if (!app.isPackaged || app.isDefaultProtocolClient(LINK_SCHEME)) return;
  if (!app.setAsDefaultProtocolClient(LINK_SCHEME))
    log.warn(`could not register as the handler of ${LINK_SCHEME}:// links`);
}
