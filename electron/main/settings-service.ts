import type { EncryptionView, SettingsView, TerminalChoice } from '../../shared/ipc/contract';
import { problemLine } from '../../shared/field-problems';
import { settingsFrom, type Settings } from '../../shared/settings/settings';
import type { Logger } from '../node/logger';
import { Listeners } from './listeners';

/** Where settings are kept (electron-store `settings.json` in the app, memory in tests). */
export interface SettingsStorage {
  read(): unknown;
  write(settings: Record<string, unknown>): void;
}

/** What the settings service needs: storage, what the OS offers, and a logger. */
export interface SettingsServiceDeps {
  storage: SettingsStorage;
  encryption: (encryptSequences: boolean) => EncryptionView;
  terminals: () => Promise<TerminalChoice[]>;
  logger: Logger;
}

/**
 * The user's settings: validated on read (a bad stored value falls back to its default, logged once
 * with its field; keys this version does not know are ignored and kept) and on save, and announced so
 * the profile store can re-seal when encryption flips.
 */
export class SettingsService {
  /** New settings after every save. */
  readonly changed = new Listeners<Settings>();
  private readonly warned = new Set<string>();

  constructor(private readonly deps: SettingsServiceDeps) {}

  /** The current settings (defaults for anything missing or invalid). */
  current(): Settings {
    const { settings, problems } = settingsFrom(this.deps.storage.read());
    const report = problems.map(problemLine).join('; ');
    // Once per problem: the settings are read on every knock and every view.
    if (report && !this.warned.has(report)) {
      this.warned.add(report);
      this.deps.logger.warn(`settings: ${report}; using the defaults for those`);
    }
    return settings;
  }

  /** What the settings screen shows. */
  async view(): Promise<SettingsView> {
    const settings = this.current();
    return {
      settings,
      encryption: this.deps.encryption(settings.encryptSequences),
      terminals: await this.deps.terminals(),
    };
  }

  /** Saves validated settings (the IPC layer parsed them with the same schema). */
  async save(settings: Settings): Promise<SettingsView> {
    const { unknown } = settingsFrom(this.deps.storage.read());
    this.deps.storage.write({ ...unknown, ...settings });
    this.changed.emit(settings, (e) => this.deps.logger.error(`settings listener: ${String(e)}`));
    return this.view();
  }
}
