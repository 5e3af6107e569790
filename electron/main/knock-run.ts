import type {
  HitView,
  KnockAction,
  KnockOutcome,
  KnockProgressEvent,
  KnockVerdict,
  ProbeView,
} from '../../shared/door/outcome';
import type { Profile } from '../../shared/profile/profile';
import type { DoorResult, DoorStage } from '../node/door-engine';
import type { KnockHit, KnockProgress, KnockResult } from '../node/knock-sender';
import type { ProbeResult } from '../node/probe';

/**
 * One knock of the window or the tray while it runs: turns the door engine's stages and hits into
 * progress events, and its result into the outcome that the history, the tray and the window show.
 */
export class KnockRun {
  address: string | undefined;
  ssh: KnockOutcome['ssh'];
  private hits: HitView[] = [];
  private probe: ProbeView | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly profile: Profile,
    readonly action: KnockAction,
    readonly runId: string,
    readonly signal: AbortSignal,
    private readonly now: () => number,
    private readonly emit: (event: KnockProgressEvent) => void,
  ) {
    this.startedAt = now();
  }

  /** The hooks a door run reports through. */
  readonly events = {
    onStage: (stage: DoorStage) => {
      this.stage(stage);
    },
    onHit: ({ hit, total }: KnockProgress) => {
      this.hit(hit, total);
    },
  };

  stage(stage: KnockProgressEvent['stage']): void {
    this.emit({ ...this.base(), stage });
  }

  private hit(hit: KnockHit, total: number): void {
    this.address = hit.address;
    this.emit({ ...this.base(), stage: 'knocking', hit: hitView(hit, total) });
  }

  /** Records what a door run sent and probed; a failed run becomes a failed outcome. */
  door(result: DoorResult): KnockOutcome {
    if (result.target) this.address = result.target.address;
    this.knocks(result.knocks);
    if (result.probe) this.probe = probeView(this.profile.id, result.probe, this.now());
    // ssh refused to start on a door that stayed shut: the probe's state is the verdict.
    if (!result.ok)
      return this.failed(
        result.error,
        result.probe?.state === 'open' ? undefined : result.probe?.state,
      );
    return this.result(result.probe.state);
  }

  failed(error: string, verdict?: KnockVerdict): KnockOutcome {
    const cancelled = this.signal.aborted;
    return {
      ...this.result(cancelled ? 'cancelled' : (verdict ?? 'failed')),
      error: cancelled ? 'cancelled' : error,
    };
  }

  result(verdict: KnockVerdict = this.probe?.state ?? 'sent'): KnockOutcome {
    return {
      runId: this.runId,
      profileId: this.profile.id,
      profileName: this.profile.name,
      action: this.action,
      verdict,
      ...(this.address !== undefined ? { address: this.address } : {}),
      hits: this.hits,
      ...(this.probe ? { probe: this.probe } : {}),
      ...(this.ssh ? { ssh: this.ssh } : {}),
      startedAt: this.startedAt,
      finishedAt: this.now(),
    };
  }

  private knocks(results: readonly KnockResult[]): void {
    this.hits = results.flatMap((r) => r.hits.map((h) => hitView(h, r.hits.length)));
  }

  private base() {
    return {
      runId: this.runId,
      profileId: this.profile.id,
      action: this.action,
      ...(this.address !== undefined ? { address: this.address } : {}),
    };
  }
}

function hitView(hit: KnockHit, total: number): HitView {
  return {
    index: hit.index,
    total,
    port: hit.port,
    protocol: hit.protocol,
    offsetMs: hit.offsetMs,
    ...(hit.error !== undefined ? { error: hit.error } : {}),
  };
}

/** A probe as the window shows it: the door's state, where, how long it took, and when. */
export function probeView(profileId: string, result: ProbeResult, at: number): ProbeView {
  return {
    profileId,
    address: result.address,
    port: result.port,
    state: result.state,
    elapsedMs: Math.round(result.elapsedMs),
    at,
  };
}
