import fs from 'node:fs';
import path from 'node:path';
import Store from 'electron-store';
import { moveFileAside } from '../node/atomic-file';
import type { Logger } from '../node/logger';
import type { ProfileFileBackend } from '../node/profile-store-file';
import type { HistoryStorage } from './knock-history';
import type { SettingsStorage } from './settings-service';

// The profile file is written exactly as the CLI writes it, so either face can change it and the
// other reads the same text: indented JSON, a final newline, mode 0600.
const serialize = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

type AnyStore = Store;

/**
 * The profile file through electron-store, on the CLI's path (`<userData>/profiles.json`). Reads go
 * to the file itself so the profile store can report and move aside a broken file (electron-store
 * would throw, or with clearInvalidConfig wipe it); writes and change-watching go through
 * electron-store, which is created only once the file has been read successfully.
 * https://github.com/sindresorhus/electron-store#options
 */
export class ElectronStoreProfileBackend implements ProfileFileBackend {
  private store: AnyStore | undefined;
  private lastWritten: string | undefined;
  private readonly dir: string;
  private readonly name: string;

  constructor(
    readonly filePath: string,
    private readonly logger: Logger,
  ) {
    this.dir = path.dirname(filePath);
    this.name = path.basename(filePath, '.json');
  }

  read(): Uint8Array {
    return fs.readFileSync(this.filePath);
  }

  write(data: Record<string, unknown>): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.lastWritten = serialize(data);
    this.open().store = data;
  }

  /**
   * Calls `listener` when another process (the CLI, an editor) changes the file; our own writes are
   * not reported. electron-store polls the file on Linux, so a change shows within about a second.
   */
  watch(listener: () => void): () => void {
    let store: AnyStore;
    try {
      // electron-store writes `{}` when it finds no file: that check-then-write could replace a
      // file the CLI just wrote, so the empty file is made here, only if there is none (O_EXCL).
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      createIfMissing(this.filePath, serialize({}));
      store = this.open();
    } catch (error) {
      this.logger.warn(`cannot watch ${this.filePath}: ${String(error)}`);
      return () => undefined;
    }
    return store.onDidAnyChange(() => {
      let text: string | undefined;
      try {
        text = fs.readFileSync(this.filePath, 'utf8');
      } catch {
        text = undefined;
      }
      if (text !== undefined && text === this.lastWritten) return;
      listener();
    });
  }

  private open(): AnyStore {
    this.store ??= new Store({
      name: this.name,
      cwd: this.dir,
      configFileMode: 0o600,
      clearInvalidConfig: false,
      watch: true,
      serialize,
      accessPropertiesByDotNotation: false,
    });
    return this.store;
  }
}

/** Creates `file` with `text`, mode 0600, unless it exists (then nothing happens). */
function createIfMissing(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
  }
}

/**
 * A small JSON document in userData through electron-store (settings, history), read and written
 * whole: the versioned file readers in shared/ make sense of it. A file that does not parse is moved
 * aside with a warning and the defaults are used; it is never wiped. No file reads as `undefined`.
 */
export function electronStoreDocument(
  dir: string,
  name: string,
  logger: Logger,
): { read(): unknown; write(document: Record<string, unknown>): void } {
  let store: AnyStore | undefined;
  const open = (): AnyStore => {
    if (store) return store;
    const options = {
      name,
      cwd: dir,
      configFileMode: 0o600,
      clearInvalidConfig: false,
      serialize,
      accessPropertiesByDotNotation: false,
    };
    try {
      store = new Store(options);
    } catch (error) {
      const file = path.join(dir, `${name}.json`);
      const movedTo = moveFileAside(file, new Date());
      logger.warn(
        `${file} could not be read (${String(error)}); moved to ${movedTo}, using defaults`,
      );
      store = new Store(options);
    }
    return store;
  };
  return {
    read: () => {
      const document = open().store;
      // `{}` is electron-store's empty store: a file not written yet.
      return Object.keys(document).length === 0 ? undefined : document;
    },
    write: (document) => {
      open().store = document;
    },
  };
}

/** Settings in `<userData>/settings.json`. */
export function settingsStorage(dir: string, logger: Logger): SettingsStorage {
  return electronStoreDocument(dir, 'settings', logger);
}

/** The knock history in `<userData>/history.json`. */
export function historyStorage(dir: string, logger: Logger): HistoryStorage {
  return electronStoreDocument(dir, 'history', logger);
}
