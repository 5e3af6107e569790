import {
  HISTORY_LIMIT,
  historyFileDocument,
  readHistoryFile,
} from '../../shared/door/history-file';
import type { KnockOutcome } from '../../shared/door/outcome';
import type { Logger } from '../node/logger';

/** Where the history is kept between runs (electron-store `history.json` in the app, memory in tests). */
export interface HistoryStorage {
  read(): unknown;
  write(document: Record<string, unknown>): void;
}

/**
 * The recent knocks, newest first, shown in the window's history and kept across restarts. Entries
 * of the file that fail the schema are dropped; a file from a newer Sesame is left as it is (this
 * run's knocks are shown, not saved).
 */
export class KnockHistory {
  private outcomes: KnockOutcome[];
  private readonly others: Record<string, unknown>;
  private readonly writable: boolean;

  constructor(
    private readonly storage: HistoryStorage,
    logger: Logger,
  ) {
    const read = readHistoryFile(storage.read());
    if (!read.ok) {
      const what = read.newer
        ? 'it is left as it is, and the knocks of this run are not saved'
        : 'starting an empty history';
      logger.warn(`${read.error}; ${what}`);
      this.outcomes = [];
      this.others = {};
      this.writable = !read.newer;
      return;
    }
    if (read.dropped > 0)
      logger.warn(`history.json: left out ${String(read.dropped)} entries that are not valid`);
    this.outcomes = read.knocks.slice(0, HISTORY_LIMIT);
    this.others = read.others;
    this.writable = true;
  }

  /** The recent knocks, newest first. */
  list(): KnockOutcome[] {
    return [...this.outcomes];
  }

  /** Records a finished knock and drops the oldest beyond the limit. */
  add(outcome: KnockOutcome): void {
    this.outcomes = [outcome, ...this.outcomes].slice(0, HISTORY_LIMIT);
    this.save();
  }

  /** Forgets a deleted profile's knocks. */
  forgetProfile(profileId: string): void {
    const kept = this.outcomes.filter((o) => o.profileId !== profileId);
    if (kept.length === this.outcomes.length) return;
    this.outcomes = kept;
    this.save();
  }

  private save(): void {
    if (this.writable) this.storage.write(historyFileDocument(this.outcomes, this.others));
  }
}
