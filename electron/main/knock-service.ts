import { errorMessage, isRecord } from '../../shared/basics';
import { ipcFailure, type IpcResult } from '../../shared/ipc/contract';
import type {
  KnockAction,
  KnockOutcome,
  KnockProgressEvent,
  ProbeView,
} from '../../shared/door/outcome';
import type { Settings } from '../../shared/settings/settings';
import type { Profile } from '../../shared/profile/profile';
import type { DoorEngine } from '../node/door-engine';
import type { ResolvedAddress } from '../node/resolve';
import type { Logger } from '../node/logger';
import type { KnockHistory } from './knock-history';
import { KnockRun, probeView } from './knock-run';
import { Listeners } from './listeners';

/** Starts ssh in a terminal: which one was used, whether it waits for ssh, and when it exits. */
export type TerminalLauncher = (
  setting: Settings['terminal'],
  argv: readonly string[],
) => Promise<
  | { ok: true; label: string; waits: boolean; exited: Promise<unknown> }
  | { ok: false; error: string }
>;

/** The door engine and the app's state the knock service works with; tests pass fakes. */
export interface KnockServiceDeps {
  findProfile: (id: string) => IpcResult<Profile>;
  settings: () => Settings;
  history: KnockHistory;
  door: DoorEngine;
  launchTerminal: TerminalLauncher;
  logger: Logger;
  now?: () => number;
  newRunId?: () => string;
}

/** A knock that started: its id at once, its outcome when it ends (also sent as `finished`). */
export interface StartedKnock {
  runId: string;
  finished: Promise<KnockOutcome>;
}

/** What a run may ask for beyond its action: knock once more if the door stays closed. */
export interface KnockOptions {
  reknock?: boolean | undefined;
}

/**
 * Open, Close, Open SSH and Check door for the window and the tray, through the door engine: one
 * run per profile at a time, progress events hit by hit, and every finished knock recorded in the
 * history and announced (the window, the tray and the notifications listen).
 */
export class KnockService {
  /** Progress of running knocks, hit by hit. */
  readonly progress = new Listeners<KnockProgressEvent>();
  /** Every finished knock (open, close, or the knock of Open SSH). */
  readonly finished = new Listeners<KnockOutcome>();
  private readonly running = new Map<
    string,
    { controller: AbortController; finished?: Promise<KnockOutcome> }
  >();
  /** ssh sessions whose door closes when they end, after a delay, or when the app quits. */
  private readonly sessions = new Set<SshSessionEntry>();
  private readonly now: () => number;
  private readonly newRunId: () => string;
  private runCount = 0;

  constructor(private readonly deps: KnockServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.newRunId = deps.newRunId ?? (() => `run-${this.now()}-${++this.runCount}`);
  }

  /** The recent knocks, newest first. */
  history(): KnockOutcome[] {
    return this.deps.history.list();
  }

  /**
   * Starts a door run: refused at once (unknown profile, already running) or running, with its id.
   * Open SSH starts ssh in the user's terminal against the knocked address; when the terminal waits
   * for ssh and the profile has a close sequence, a close run follows when ssh ends.
   */
  start(id: string, action: KnockAction, options: KnockOptions = {}): IpcResult<StartedKnock> {
    switch (action) {
      case 'open':
        return this.begin(id, 'open', async (profile, run) =>
          run.door(
            await this.deps.door.open(profile, { ...run.events, signal: run.signal, ...options }),
          ),
        );
      case 'close':
        return this.begin(id, 'close', (profile, run) => this.closeBody(profile, run));
      case 'ssh':
        return this.begin(id, 'ssh', (profile, run) => this.sshBody(profile, run));
    }
  }

  /** Probes a profile's service port without knocking. */
  async probe(id: string): Promise<IpcResult<ProbeView>> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const checked = await this.deps.door.check(found.value);
    if (!checked.ok) return ipcFailure('resolve', checked.error);
    return { ok: true, value: probeView(found.value.id, checked.probe, this.now()) };
  }

  /** Stops a running knock of this profile; the knock finishes as `cancelled`. */
  cancel(id: string): { cancelled: boolean } {
    const running = this.running.get(id);
    running?.controller.abort(new Error('cancelled'));
    return { cancelled: running !== undefined };
  }

  /** How many ssh sessions are running whose door closes when they end. */
  openSessions(): number {
    return [...this.sessions].filter((session) => !session.closed).length;
  }

  /**
   * Closes the doors of ssh sessions that are still running (the app is quitting: nothing would
   * close them later). Resolves when every close has finished.
   */
  async closeOpenSessions(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => this.endSession(session)));
  }

  private async closeBody(profile: Profile, run: KnockRun, target?: ResolvedAddress) {
    return run.door(
      await this.deps.door.close(profile, { ...run.events, signal: run.signal, target }),
    );
  }

  private async sshBody(profile: Profile, run: KnockRun): Promise<KnockOutcome> {
    const session = await this.deps.door.ssh(
      profile,
      (argv) => this.deps.launchTerminal(this.deps.settings().terminal, argv),
      { ...run.events, signal: run.signal },
    );
    if (!session.ok) {
      // The door opened but ssh did not start (no terminal, say): close it again.
      if (session.probe?.state === 'open' && session.target && profile.close)
        void this.closeAfterSsh(profile.id, session.target);
      return run.door(session);
    }
    const outcome = run.door(session);
    const ssh = { terminal: session.terminal, closesOnExit: session.closesOnExit };
    if (session.closesOnExit) {
      const entry: SshSessionEntry = { profileId: profile.id, target: session.target };
      this.sessions.add(entry);
      const end = (exit: unknown) => {
        // Why the door closes now: an ssh (or terminal) that failed at once says so here only.
        const how = exitWords(exit);
        const line = `${profile.name}: the ssh session in ${session.terminal} ended${how ? ` (${how})` : ''}; closing the door`;
        if (how === undefined || how === 'exit code 0') this.deps.logger.info(line);
        else this.deps.logger.warn(line);
        void this.endSession(entry);
      };
      void session.exited.then(end, end);
      return { ...outcome, ssh };
    }
    // The terminal cannot say when ssh ends: close after the user's delay, if they set one.
    const minutes = this.deps.settings().closeAfterMinutes;
    if (!profile.close) return { ...outcome, ssh };
    if (minutes === 0) return { ...outcome, ssh: { ...ssh, staysOpen: true } };
    const entry: SshSessionEntry = { profileId: profile.id, target: session.target };
    this.sessions.add(entry);
    entry.timer = setTimeout(() => void this.endSession(entry), minutes * 60_000);
    entry.timer.unref();
    return { ...outcome, ssh: { ...ssh, closesAt: this.now() + minutes * 60_000 } };
  }

  /** Closes a session's door once, whether ssh ended or the app quits first. */
  private endSession(session: SshSessionEntry): Promise<void> {
    clearTimeout(session.timer);
    session.closed ??= this.closeAfterSsh(session.profileId, session.target).finally(() =>
      this.sessions.delete(session),
    );
    return session.closed;
  }

  /**
   * The close that follows an ssh session: it waits for a knock of the same profile that is running
   * (a close must never be refused as busy), then runs as its own knock.
   */
  private async closeAfterSsh(id: string, target: ResolvedAddress): Promise<void> {
    for (let current = this.running.get(id); current; current = this.running.get(id))
      await current.finished;
    const started = this.begin(id, 'close', (profile, run) => this.closeBody(profile, run, target));
    if (!started.ok) this.deps.logger.warn(`closing ${id} after ssh: ${started.error.message}`);
    else await started.value.finished;
  }

  private begin(
    id: string,
    action: KnockAction,
    body: (profile: Profile, run: KnockRun) => Promise<KnockOutcome>,
  ): IpcResult<StartedKnock> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const profile = found.value;
    if (this.running.has(profile.id)) return busy(profile);
    const controller = new AbortController();
    const entry: { controller: AbortController; finished?: Promise<KnockOutcome> } = { controller };
    this.running.set(profile.id, entry);
    const run = new KnockRun(
      profile,
      action,
      this.newRunId(),
      controller.signal,
      this.now,
      (event) =>
        this.progress.emit(event, (e) => this.deps.logger.error(`progress listener: ${String(e)}`)),
    );
    const finished = (async () => {
      let outcome: KnockOutcome;
      try {
        outcome = await body(profile, run);
      } catch (error) {
        this.deps.logger.error(`${action} ${profile.name}: ${String(error)}`);
        outcome = run.failed(errorMessage(error));
      } finally {
        this.running.delete(profile.id);
      }
      try {
        this.deps.history.add(outcome);
      } catch (error) {
        this.deps.logger.error(`history: ${errorMessage(error)}`);
      }
      this.finished.emit(outcome, (e) => this.deps.logger.error(`finished listener: ${String(e)}`));
      return outcome;
    })();
    entry.finished = finished;
    return { ok: true, value: { runId: run.runId, finished } };
  }
}

/** An ssh session whose door is closed when it ends. */
interface SshSessionEntry {
  profileId: string;
  target: ResolvedAddress;
  /** Set once the close has started. */
  closed?: Promise<void>;
  /** The close after the user's delay, for a terminal that cannot say when ssh ends. */
  timer?: NodeJS.Timeout;
}

function busy(profile: Profile): { ok: false; error: { code: string; message: string } } {
  return {
    ok: false,
    error: { code: 'busy', message: `${profile.name} is being knocked already; wait or cancel it` },
  };
}

/** How a terminal process ended, in words (`exit code 1`, `signal SIGTERM`), if the launcher said. */
function exitWords(exit: unknown): string | undefined {
  if (!isRecord(exit)) return undefined;
  if (typeof exit.code === 'number') return `exit code ${String(exit.code)}`;
  if (typeof exit.signal === 'string') return `signal ${exit.signal}`;
  return undefined;
}
