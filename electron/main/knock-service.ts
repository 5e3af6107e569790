import type { IpcResult } from '../../shared/ipc/contract';
import type {
  HitView,
  KnockAction,
  KnockOutcome,
  KnockProgressEvent,
  KnockVerdict,
  ProbeView,
} from '../../shared/door/outcome';
import type { Settings } from '../../shared/settings/settings';
import type { Profile } from '../../shared/profile/profile';
import { withDefaultDelay } from '../../shared/sequence/sequence';
import { sshArgv } from '../../shared/profile/ssh-argv';
import type { KnockHit, KnockResult, sendKnocks } from '../node/knock-sender';
import type { Logger } from '../node/logger';
import type { openDoor } from '../node/open-door';
import type { probePort, ProbeResult } from '../node/probe';
import type { resolveHost } from '../node/resolve';
import type { KnockHistory } from './knock-history';
import { Listeners } from './listeners';
import { errorMessage } from '../../shared/basics';

/** Starts ssh in a terminal: which one was used, whether it waits for ssh, and when it exits. */
export type TerminalLauncher = (
  setting: Settings['terminal'],
  argv: readonly string[],
) => Promise<
  | { ok: true; label: string; waits: boolean; exited: Promise<unknown> }
  | { ok: false; error: string }
>;

/** The engines and the app's state the knock service works with; tests pass fakes. */
export interface KnockServiceDeps {
  findProfile: (id: string) => IpcResult<Profile>;
  settings: () => Settings;
  history: KnockHistory;
  openDoor: typeof openDoor;
  sendKnocks: typeof sendKnocks;
  probePort: typeof probePort;
  resolveHost: typeof resolveHost;
  launchTerminal: TerminalLauncher;
  logger: Logger;
  now?: () => number;
  newRunId?: () => string;
  /** How long the probe after a knock keeps trying (ms). */
  probeTimeoutMs?: number;
  /** How long after Close a door that still answers is probed again before it counts as open (ms). */
  closeSettleMs?: number;
}

type Failure = { ok: false; error: { code: string; message: string } };

/**
 * Open, Close, Open SSH and Probe for the window and the tray: one run per profile at a time,
 * progress events hit by hit, and every finished knock recorded in the history and announced (the
 * tray and the notifications listen).
 */
export class KnockService {
  /** Progress of running knocks, hit by hit. */
  readonly progress = new Listeners<KnockProgressEvent>();
  /** Every finished knock (open, close, or the knock of Open SSH). */
  readonly finished = new Listeners<KnockOutcome>();
  private readonly running = new Map<string, AbortController>();
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

  /** The profile ids being knocked right now (the tray shows them as busy). */
  busy(): string[] {
    return [...this.running.keys()];
  }

  /** Knocks the open sequence and probes the service port (once more with `reknock` if closed). */
  open(id: string, reknock = false): Promise<IpcResult<KnockOutcome>> {
    return this.run(id, 'open', async (profile, run) => {
      const opened = await this.openAt(profile, run, reknock);
      if (!opened.ok) return run.failed(opened.error);
      run.address = opened.address;
      return run.probed(opened.probe);
    });
  }

  /** Knocks the close sequence, then probes to show the door's new state. */
  close(id: string): Promise<IpcResult<KnockOutcome>> {
    return this.run(id, 'close', async (profile, run) => {
      if (!profile.close) return run.failed(`${profile.name} has no close sequence`);
      const resolved = await this.deps.resolveHost(profile.host, profile.family);
      if (!resolved.ok) return run.failed(resolved.error);
      run.address = resolved.value.address;
      const sent = await this.closeAt(profile, resolved.value, run);
      if (sent) return run.failed(sent);
      run.stage('probing');
      return run.probed(await this.probeUntilClosed(resolved.value.address, profile, run.signal));
    });
  }

  /**
   * Open SSH: knock, probe until open, then ssh in the user's terminal against the knocked address.
   * When the terminal waits for ssh and the profile has a close sequence, it is sent when ssh ends.
   */
  openSsh(id: string): Promise<IpcResult<KnockOutcome>> {
    return this.run(id, 'ssh', async (profile, run) => {
      const opened = await this.openAt(profile, run, false);
      if (!opened.ok) return run.failed(opened.error);
      run.address = opened.address;
      if (opened.probe.state !== 'open') {
        run.probed(opened.probe);
        return run.failed(
          `port ${profile.servicePort} on ${opened.address} is ${opened.probe.state} after knocking; ssh was not started`,
          opened.probe.state,
        );
      }
      run.probed(opened.probe);
      const argv = sshArgv(profile, opened.address);
      if (!argv.ok) return run.failed(argv.error);
      run.stage('launching');
      const launched = await this.deps.launchTerminal(this.deps.settings().terminal, argv.argv);
      if (!launched.ok) return run.failed(launched.error);
      const closesOnExit = launched.waits && profile.close !== undefined;
      run.ssh = { terminal: launched.label, closesOnExit };
      if (closesOnExit) {
        const target = { address: opened.address, family: opened.family };
        void launched.exited.then(
          () => this.closeAfterSsh(profile, target),
          () => this.closeAfterSsh(profile, target),
        );
      }
      return run.result();
    });
  }

  /** Probes a profile's service port without knocking. */
  async probe(id: string): Promise<IpcResult<ProbeView>> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const profile = found.value;
    const resolved = await this.deps.resolveHost(profile.host, profile.family);
    if (!resolved.ok) return { ok: false, error: { code: 'resolve', message: resolved.error } };
    const probed = await this.deps.probePort({
      address: resolved.value.address,
      port: profile.servicePort,
      timeoutMs: 1500,
    });
    return { ok: true, value: probeView(profile.id, probed, this.now()) };
  }

  /** Stops a running knock of this profile; the knock finishes as `cancelled`. */
  cancel(id: string): { cancelled: boolean } {
    const controller = this.running.get(id);
    controller?.abort(new Error('cancelled'));
    return { cancelled: controller !== undefined };
  }

  /**
   * The probe after Close. The server removes its rule only after the last hit arrives (knockd runs
   * a command, the firewall takes a moment), so an "open" right after the knock is retried for a
   * short while before it is believed; a silent port ends the wait as soon as it times out.
   */
  private async probeUntilClosed(
    address: string,
    profile: Profile,
    signal: AbortSignal,
  ): Promise<ProbeResult> {
    const deadline = performance.now() + (this.deps.closeSettleMs ?? 3000);
    for (;;) {
      const probed = await this.deps.probePort({
        address,
        port: profile.servicePort,
        timeoutMs: 1500,
        signal,
      });
      if (probed.state !== 'open' || performance.now() >= deadline || signal.aborted) return probed;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  private async closeAfterSsh(profile: Profile, target: { address: string; family: 4 | 6 }) {
    const result = await this.run(profile.id, 'close', async (current, run) => {
      run.address = target.address;
      const error = await this.closeAt(current, target, run);
      if (error) return run.failed(error);
      run.stage('probing');
      return run.probed(await this.probeUntilClosed(target.address, current, run.signal));
    });
    if (!result.ok)
      this.deps.logger.warn(`closing ${profile.name} after ssh: ${result.error.message}`);
  }

  /** Resolves, knocks the open sequence and probes, reporting each step on the run. */
  private async openAt(profile: Profile, run: Run, reknock: boolean) {
    const opened = await this.deps.openDoor({
      host: profile.host,
      family: profile.family,
      sequence: withDefaultDelay(profile.open, profile.delayMs),
      servicePort: profile.servicePort,
      probeTimeoutMs: this.deps.probeTimeoutMs ?? 5000,
      reknock,
      signal: run.signal,
      onProgress: (p) => run.hit(p.hit, p.total),
      onProbe: (stage) => run.stage(stage),
    });
    run.knocks(opened.knocks);
    return opened;
  }

  private async closeAt(
    profile: Profile,
    target: { address: string; family: 4 | 6 },
    run: Run,
  ): Promise<string | undefined> {
    if (!profile.close) return `${profile.name} has no close sequence`;
    const sent = await this.deps.sendKnocks({
      address: target.address,
      family: target.family,
      sequence: withDefaultDelay(profile.close, profile.delayMs),
      signal: run.signal,
      onProgress: (p) => run.hit(p.hit, p.total),
    });
    run.knocks([sent]);
    return sent.error ?? (sent.cancelled ? 'cancelled' : undefined);
  }

  private async run(
    id: string,
    action: KnockAction,
    body: (profile: Profile, run: Run) => Promise<KnockOutcome>,
  ): Promise<IpcResult<KnockOutcome>> {
    const found = this.deps.findProfile(id);
    if (!found.ok) return found;
    const profile = found.value;
    if (this.running.has(profile.id)) return busy(profile);
    const controller = new AbortController();
    this.running.set(profile.id, controller);
    const run = new Run(profile, action, this.newRunId(), controller.signal, this.now, (event) =>
      this.progress.emit(event, (e) => this.deps.logger.error(`progress listener: ${String(e)}`)),
    );
    let outcome: KnockOutcome;
    try {
      run.stage('resolving');
      outcome = await body(profile, run);
    } catch (error) {
      this.deps.logger.error(`${action} ${profile.name}: ${String(error)}`);
      outcome = run.failed(errorMessage(error));
    } finally {
      this.running.delete(profile.id);
    }
    this.deps.history.add(outcome);
    this.finished.emit(outcome, (e) => this.deps.logger.error(`finished listener: ${String(e)}`));
    return { ok: true, value: outcome };
  }
}

/** One knock in progress: collects hits and stages, and builds the outcome. */
class Run {
  address: string | undefined;
  ssh: KnockOutcome['ssh'];
  private hits: HitView[] = [];
  private probe: ProbeView | undefined;
  private readonly startedAt: number;

  constructor(
    private readonly profile: Profile,
    private readonly action: KnockAction,
    private readonly runId: string,
    readonly signal: AbortSignal,
    private readonly now: () => number,
    private readonly emit: (event: KnockProgressEvent) => void,
  ) {
    this.startedAt = now();
  }

  stage(stage: KnockProgressEvent['stage']): void {
    this.emit({ ...this.base(), stage });
  }

  hit(hit: KnockHit, total: number): void {
    this.address = hit.address;
    this.emit({ ...this.base(), stage: 'knocking', hit: hitView(hit, total) });
  }

  knocks(results: readonly KnockResult[]): void {
    this.hits = results.flatMap((r) => r.hits.map((h) => hitView(h, r.hits.length)));
  }

  probed(result: ProbeResult): KnockOutcome {
    this.probe = probeView(this.profile.id, result, this.now());
    return this.result(result.state);
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

function probeView(profileId: string, result: ProbeResult, at: number): ProbeView {
  return {
    profileId,
    address: result.address,
    port: result.port,
    state: result.state,
    elapsedMs: Math.round(result.elapsedMs),
    at,
  };
}

function busy(profile: Profile): Failure {
  return {
    ok: false,
    error: { code: 'busy', message: `${profile.name} is being knocked already; wait or cancel it` },
  };
}
