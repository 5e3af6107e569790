import type { KnockOutcome, KnockProgressEvent } from '../../shared/door/outcome';
import type { Profile } from '../../shared/profile/profile';
import { trayModel, type TrayAction, type TrayIconState, type TrayItem } from './tray-menu';

/** The parts of Electron's Tray the service drives (a fake in tests). */
export interface TrayLike {
  setContextMenu(menu: unknown): void;
  setToolTip(text: string): void;
  setImage(image: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** What the tray service needs, passed in (Signal's SystemTrayService pattern). */
export interface TrayServiceDeps {
  createTray: (image: unknown) => TrayLike;
  /** Turns the menu model into the platform's menu; `click` runs an item's action. */
  buildMenu: (items: TrayItem[], click: (action: TrayAction) => void) => unknown;
  images: Record<TrayIconState, unknown>;
  onAction: (action: TrayAction) => void;
  /** How long the success/failure icon stays before going back to idle. */
  resultIconMs?: number;
  setTimer?: (fn: () => void, ms: number) => { unref?: () => void } | number;
}

/**
 * The system-tray quick knock: a menu of profiles with Open, Close and Open SSH, rebuilt when the
 * profiles change or a knock moves on, and an icon that shows knocking, then success or failure.
 */
export class TrayService {
  private tray: TrayLike | undefined;
  private profiles: readonly Profile[] = [];
  private readonly running = new Map<string, KnockProgressEvent>();
  private readonly last = new Map<string, KnockOutcome>();
  private latest: KnockOutcome | undefined;
  private lastIcon: TrayIconState | undefined;

  constructor(private readonly deps: TrayServiceDeps) {}

  /** Creates the tray icon (after app ready). */
  start(profiles: readonly Profile[]): void {
    this.profiles = profiles;
    this.tray = this.deps.createTray(this.deps.images.idle);
    this.tray.on('click', () => this.deps.onAction({ kind: 'show' }));
    this.render();
  }

  /** The profile list changed. */
  setProfiles(profiles: readonly Profile[]): void {
    this.profiles = profiles;
    for (const id of [...this.last.keys()])
      if (!profiles.some((p) => p.id === id)) this.last.delete(id);
    this.render();
  }

  /** A knock moved on. */
  progress(event: KnockProgressEvent): void {
    this.running.set(event.profileId, event);
    this.render();
  }

  /** A knock finished: show its result on the icon for a while. */
  finished(outcome: KnockOutcome): void {
    this.running.delete(outcome.profileId);
    this.last.set(outcome.profileId, outcome);
    this.latest = outcome;
    this.render();
    const timer = (this.deps.setTimer ?? setTimeout)(() => {
      if (this.latest === outcome && this.running.size === 0) {
        this.latest = undefined;
        this.render();
      }
    }, this.deps.resultIconMs ?? 8000);
    if (typeof timer === 'object') timer.unref?.();
  }

  /** Removes the icon (on quit). */
  stop(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }

  private render(): void {
    const tray = this.tray;
    if (!tray) return;
    const model = trayModel({
      profiles: this.profiles,
      running: this.running,
      last: this.last,
      latest: this.latest,
    });
    tray.setContextMenu(this.deps.buildMenu(model.items, (action) => this.deps.onAction(action)));
    tray.setToolTip(model.tooltip);
    if (model.icon !== this.lastIcon) {
      tray.setImage(this.deps.images[model.icon]);
      this.lastIcon = model.icon;
    }
  }
}
