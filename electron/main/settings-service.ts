import type { EncryptionView, SettingsView, TerminalChoice } from '../../shared/ipc/contract';
import { defaultSettings, settingsSchema, type Settings } from '../../shared/settings/settings';
import { fieldProblems, problemLine } from '../../shared/field-problems';
import type { Logger } from '../node/logger';
import { Listeners } from './listeners';
import { isRecord } from '../../shared/basics';

/** Where settings are kept (electron-store `settings.json` in the app, memory in tests). */
export interface SettingsStorage {
  read(): unknown;
  write(settings: Settings): void;
}

/** What the settings service needs: storage, what the OS offers, and a logger. */
export interface SettingsServiceDeps {
  storage: SettingsStorage;
  encryption: (encryptSequences: boolean) => EncryptionView;
  terminals: () => Promise<TerminalChoice[]>;
  logger: Logger;
}

/**
 * The user's settings: validated on read (a bad stored value falls back to the default, logged
 * with its field) and on save, and announced so the profile store can re-seal when encryption flips.
 */
export class SettingsService {
  /** New settings after every save. */
  readonly changed = new Listeners<Settings>();

  constructor(private readonly deps: SettingsServiceDeps) {}

  /** The current settings (defaults for anything missing or invalid). */
  current(): Settings {
    const stored = this.deps.storage.read();
    const merged = { ...defaultSettings, ...(isRecord(stored) ? stored : {}) };
    const parsed = settingsSchema.safeParse(merged);
    if (parsed.success) return parsed.data;
    this.deps.logger.warn(
      `settings: ${fieldProblems(parsed.error).map(problemLine).join('; ')}; using the defaults for those`,
    );
    const repaired: Record<string, unknown> = { ...merged };
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (typeof key === 'string' && key in defaultSettings)
        repaired[key] = defaultSettings[key as keyof Settings];
    }
    const again = settingsSchema.safeParse(repaired);
    return again.success ? again.data : defaultSettings;
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
    this.deps.storage.write(settings);
    this.changed.emit(settings, (e) => this.deps.logger.error(`settings listener: ${String(e)}`));
    return this.view();
  }
}
