import type {
  EncryptionView,
  IpcResult,
  SettingsView,
  TerminalChoice,
} from '../../shared/ipc/contract';
import { problemLine } from '../../shared/field-problems';
import type { Settings } from '../../shared/settings/settings';
import {
  readSettingsFile,
  settingsFileDocument,
  type SettingsFileRead,
} from '../../shared/settings/settings-file';
import type { Logger } from '../node/logger';
import { Listeners } from './listeners';

/** Where settings are kept (electron-store `settings.json` in the app, memory in tests). */
export interface SettingsStorage {
  read(): unknown;
  write(document: Record<string, unknown>): void;
}

/** What the settings service needs: storage, what the OS offers, and a logger. */
export interface SettingsServiceDeps {
  storage: SettingsStorage;
  encryption: (encryptSequences: boolean) => EncryptionView;
  terminals: () => Promise<TerminalChoice[]>;
  /** The terminal Open SSH would use with this setting (none where the app has no launcher). */
  terminalInUse?: (
    setting: Settings['terminal'],
  ) => Promise<NonNullable<SettingsView['terminalInUse']>>;
  logger: Logger;
}

/**
 * The user's settings: validated on read (a bad stored value falls back to its default, logged once
 * with its field; keys this version does not know are ignored and kept) and on save, and announced so
 * the profile store can re-seal when encryption flips. A settings.json from a newer Sesame is read
 * as the defaults and never written over.
 */
export class SettingsService {
  /** New settings after every save. */
  readonly changed = new Listeners<Settings>();
  private readonly warned = new Set<string>();

  constructor(private readonly deps: SettingsServiceDeps) {}

  /** The current settings (defaults for anything missing or invalid). */
  current(): Settings {
    return this.read().settings;
  }

  /** What the settings screen shows. */
  async view(): Promise<SettingsView> {
    const settings = this.current();
    return {
      settings,
      encryption: this.deps.encryption(settings.encryptSequences),
      terminals: await this.deps.terminals(),
      ...(this.deps.terminalInUse
        ? { terminalInUse: await this.deps.terminalInUse(settings.terminal) }
        : {}),
    };
  }

  /** Saves validated settings (the IPC layer parsed them with the same schema). */
  async save(settings: Settings): Promise<IpcResult<SettingsView>> {
    const read = this.read();
    if (!read.ok && read.newer) {
      const message = `${read.error}; the settings are not saved until Sesame is updated`;
      return { ok: false, error: { code: 'newer-version', message } };
    }
    this.deps.storage.write(settingsFileDocument(settings, read));
    this.changed.emit(settings, (e) => this.deps.logger.error(`settings listener: ${String(e)}`));
    return { ok: true, value: await this.view() };
  }

  private read(): SettingsFileRead {
    const read = readSettingsFile(this.deps.storage.read());
    if (!read.ok) {
      const what = read.newer
        ? 'it is left as it is, and the defaults are used until Sesame is updated'
        : 'using the defaults (the next save replaces it)';
      this.warnOnce(`${read.error}; ${what}`);
    } else if (read.problems.length > 0) {
      const problems = read.problems.map(problemLine).join('; ');
      this.warnOnce(`settings.json: ${problems}; using the defaults for those`);
    }
    return read;
  }

  // Once per message: the settings are read on every knock and every view.
  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.deps.logger.warn(message);
  }
}
