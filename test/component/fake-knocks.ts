// The knocking half of the fake main process: event listeners, a clock, the history, and knocks
// that run to the end at once (every progress event, then knock:finished) or are held so a test can
// step them hit by hit.
import { isRotating } from '../../shared/rotating/rotating-sequence';
import type { EventPayloads, IpcResult } from '../../shared/ipc/contract';
import type {
  KnockAction,
  KnockOutcome,
  KnockProgressEvent,
  KnockVerdict,
  ProbeState,
  ProbeView,
  HitView,
} from '../../shared/door/outcome';
import type { EventChannel } from '../../shared/ipc/channels';
import type { Profile } from '../../shared/profile/profile';

/** A knock the fake has started and not finished (when `holding`). */
export interface HeldRun {
  runId: string;
  profile: Profile;
  action: KnockAction;
}

/** The address every fake knock resolves to (TEST-NET-1). */
export const ADDRESS = '192.0.2.10';

/** Events, history and knocks of the fake main process; FakeSesame adds the request channels. */
export class FakeKnocks {
  history: KnockOutcome[] = [];
  /** Door state the probe reports after the next knocks, by profile id (default: open after Open). */
  readonly probeStates = new Map<string, ProbeState>();
  /** When set, knocks wait for `stage`/`hit`/`finish` calls instead of running to the end. */
  holding = false;
  readonly held: HeldRun[] = [];
  protected readonly listeners = new Map<EventChannel, Set<(payload: never) => void>>();
  private clock = Date.UTC(2025, 0, 2, 9, 0, 0);
  private runs = 0;

  /** How many listeners the page has on an event (to check it unsubscribes). */
  listenerCount(event: EventChannel): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  /** Sends an event to the page as main would. */
  emit<E extends EventChannel>(event: E, payload: EventPayloads[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      (listener as (p: EventPayloads[E]) => void)(payload);
    }
  }

  /** The held run, newest first by default. */
  run(index = this.held.length - 1): HeldRun {
    const run = this.held[index];
    if (!run) throw new Error(`FakeSesame: no held run at ${index} (${this.held.length} held)`);
    return run;
  }

  /** Sends a stage of the newest held run. */
  stage(stage: KnockProgressEvent['stage']): void {
    const run = this.run();
    this.emit('knock:progress', this.progressEvent(run, stage));
  }

  /** Sends hit `index` of the newest held run. */
  hit(index: number, error?: string): void {
    const run = this.run();
    const hit = this.hitsOf(run.profile, run.action)[index];
    if (!hit) throw new Error(`FakeSesame: ${run.profile.name} has no hit ${index}`);
    this.emit('knock:progress', {
      ...this.progressEvent(run, 'knocking'),
      hit: { ...hit, ...(error !== undefined ? { error } : {}) },
    });
  }

  /** Ends the newest held run with `knock:finished`. */
  finish(verdict: KnockVerdict, error?: string): KnockOutcome {
    const run = this.held.pop();
    if (!run) throw new Error('FakeSesame: no held run to finish');
    const outcome = this.outcome(run, verdict, error);
    this.history = [outcome, ...this.history];
    this.emit('knock:finished', outcome);
    return outcome;
  }

  private progressEvent(run: HeldRun, stage: KnockProgressEvent['stage']): KnockProgressEvent {
    return {
      runId: run.runId,
      profileId: run.profile.id,
      action: run.action,
      stage,
      address: ADDRESS,
    };
  }

  private hitsOf(profile: Profile, action: KnockAction): HitView[] {
    const planned = action === 'close' ? profile.close : profile.open;
    // A rotating sequence's knocks are main's to derive; this fake shows its length in port 0s.
    const sequence = isRotating(planned)
      ? Array.from({ length: planned.length }, () => ({
          port: 0,
          protocol: 'tcp' as const,
          delayMs: undefined,
        }))
      : (planned ?? []);
    return sequence.map((knock, index) => ({
      index,
      total: sequence.length,
      port: knock.port,
      protocol: knock.protocol,
      offsetMs: index * (knock.delayMs ?? profile.delayMs),
    }));
  }

  /** A probe of the service port as main reports it. */
  protected probe(profile: Profile, state: ProbeState): ProbeView {
    return {
      profileId: profile.id,
      address: ADDRESS,
      port: profile.servicePort,
      state,
      elapsedMs: 7,
      at: this.tick(),
    };
  }

  private outcome(run: HeldRun, verdict: KnockVerdict, error?: string): KnockOutcome {
    const probed = verdict === 'open' || verdict === 'closed' || verdict === 'unreachable';
    return {
      runId: run.runId,
      profileId: run.profile.id,
      profileName: run.profile.name,
      action: run.action,
      verdict,
      address: ADDRESS,
      hits: this.hitsOf(run.profile, run.action),
      ...(probed ? { probe: this.probe(run.profile, verdict) } : {}),
      ...(error !== undefined ? { error } : {}),
      ...(run.action === 'ssh' && verdict === 'open'
        ? { ssh: { terminal: 'xterm', closesOnExit: false } }
        : {}),
      startedAt: this.tick(),
      finishedAt: this.tick(),
    };
  }

  private tick(): number {
    this.clock += 1000;
    return this.clock;
  }

  /**
   * Starts a knock of a profile found by the caller, as main does: refused at once (unknown id),
   * or accepted with its run id; progress and the outcome follow as events (at once, or when a
   * test steps a held run).
   */
  protected knock(
    id: string,
    profile: Profile | undefined,
    action: KnockAction,
  ): Promise<IpcResult<{ runId: string }>> {
    if (!profile) {
      return Promise.resolve({
        ok: false,
        error: { code: 'not-found', message: `no profile with id ${id}` },
      });
    }
    this.runs += 1;
    const runId = `run-${this.runs}`;
    this.held.push({ runId, profile, action });
    if (!this.holding) {
      this.stage('resolving');
      this.hitsOf(profile, action).forEach((_, i) => this.hit(i));
      this.stage('probing');
      const fallback: ProbeState = action === 'close' ? 'closed' : 'open';
      this.finish(this.probeStates.get(id) ?? fallback);
    }
    return Promise.resolve({ ok: true, value: { runId } });
  }
}
