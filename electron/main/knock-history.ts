import type { KnockOutcome } from '../../shared/door/outcome';

/** How many finished knocks the history keeps. */
export const HISTORY_LIMIT = 50;

/** Where the history is kept between runs (electron-store in the app, memory in tests). */
export interface HistoryStorage {
  read(): unknown;
  write(outcomes: KnockOutcome[]): void;
}

/** The recent knocks, newest first, shown in the window's history and kept across restarts. */
export class KnockHistory {
  private outcomes: KnockOutcome[];

  constructor(private readonly storage: HistoryStorage) {
    const stored = storage.read();
    this.outcomes = Array.isArray(stored) ? stored.filter(isOutcome).slice(0, HISTORY_LIMIT) : [];
  }

  /** The recent knocks, newest first. */
  list(): KnockOutcome[] {
    return [...this.outcomes];
  }

  /** Records a finished knock and drops the oldest beyond the limit. */
  add(outcome: KnockOutcome): void {
    this.outcomes = [outcome, ...this.outcomes].slice(0, HISTORY_LIMIT);
    this.storage.write(this.outcomes);
  }

  /** Forgets a deleted profile's knocks. */
  forgetProfile(profileId: string): void {
    const kept = this.outcomes.filter((o) => o.profileId !== profileId);
    if (kept.length === this.outcomes.length) return;
    this.outcomes = kept;
    this.storage.write(kept);
  }
}

// The history file is ours but may be hand-edited or from another version: keep only entries that
// have the fields the window reads.
function isOutcome(value: unknown): value is KnockOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  return (
    typeof o.runId === 'string' &&
    typeof o.profileId === 'string' &&
    typeof o.profileName === 'string' &&
    typeof o.action === 'string' &&
    typeof o.verdict === 'string' &&
    Array.isArray(o.hits) &&
    typeof o.startedAt === 'number' &&
    typeof o.finishedAt === 'number'
  );
}
