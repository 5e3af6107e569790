import type { Profile } from '../../shared/profile/profile';
import { sshArgv, sshProblem } from '../../shared/profile/ssh-argv';
import type { Knock } from '../../shared/sequence/sequence';
import { knocksAt, waitBeforeSending } from './door-knocks';
import { sendKnocks, type KnockProgress, type KnockResult } from './knock-sender';
import { probePort, type ProbeResult } from './probe';
import { resolveHost, type ResolvedAddress } from './resolve';
import { sendSpa } from './spa-sender';

/** How long the engine waits for a door (ms). */
export interface DoorTiming {
  /** The probe after an open knock keeps trying this long before the door counts as closed. */
  openProbeMs: number;
  /** One probe of a door that should answer at once: "Check door", and each probe after a close. */
  quickProbeMs: number;
  /**
   * After a close, a port that still answers is probed again for this long before it counts as
   * open: the server removes its rule only after the last hit (knockd runs a command, the firewall
   * takes a moment). A silent port ends the wait as soon as its probe times out.
   */
  closeSettleMs: number;
  /** The pause between those probes. */
  closeRetryMs: number;
}

/** The engine's waits, in one place; tests and the CLI's --probe-timeout override single values. */
export const DOOR_TIMING: Readonly<DoorTiming> = {
  openProbeMs: 5000,
  quickProbeMs: 1500,
  closeSettleMs: 3000,
  closeRetryMs: 250,
};

/** The real and injected parts of a door run: resolver, sender, prober and clock. */
export interface DoorParts {
  resolve: (host: string, family: Profile['family']) => ReturnType<typeof resolveHost>;
  send: typeof sendKnocks;
  /** Sends a profile's SPA request (its open, when it has one instead of a sequence). */
  sendSpa: typeof sendSpa;
  probe: typeof probePort;
  /** Monotonic milliseconds. */
  now: () => number;
  /** Wall-clock milliseconds since the epoch: a rotating sequence's step is read from it. */
  wallNow: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** The parts that touch the network and the real clock. */
export const realDoorParts: DoorParts = {
  resolve: (host, family) => resolveHost(host, family),
  send: sendKnocks,
  sendSpa,
  probe: probePort,
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Where a door run is, for the window's progress, the tray and the CLI's -v lines. */
export type DoorStage =
  'resolving' | 'waiting' | 'knocking' | 'probing' | 'reknocking' | 'launching';

/** What every door run may be given: a way to stop it, progress hooks, an address already knocked. */
export interface DoorRunOptions {
  signal?: AbortSignal | undefined;
  onStage?: ((stage: DoorStage) => void) | undefined;
  onHit?: ((progress: KnockProgress) => void) | undefined;
  /** Knock this address instead of resolving the host (the close after ssh uses ssh's address). */
  target?: ResolvedAddress | undefined;
}

/** Options of an open: knock once more if the door stays closed, and how long to probe. */
export interface OpenOptions extends DoorRunOptions {
  reknock?: boolean | undefined;
  probeTimeoutMs?: number | undefined;
}

/** How a door run ended: the address knocked, every knock sent and the probe, or why it stopped. */
export type DoorResult =
  | { ok: true; target: ResolvedAddress; knocks: KnockResult[]; probe: ProbeResult }
  | {
      ok: false;
      error: string;
      /** Set once the host was resolved: the failure happened on this address. */
      target?: ResolvedAddress;
      knocks: KnockResult[];
      /** Set when the failure is the probe's verdict (ssh refused to start on a closed door). */
      probe?: ProbeResult;
    };

/** Starts ssh (in a terminal, or in this one): which, whether it waits for ssh, and when it ends. */
export type SshLauncher = (
  argv: readonly string[],
) => Promise<
  | { ok: true; label: string; waits: boolean; exited: Promise<unknown> }
  | { ok: false; error: string }
>;

/** An ssh session that started: the open that preceded it, the argv, and what follows its end. */
export interface SshSession {
  ok: true;
  target: ResolvedAddress;
  knocks: KnockResult[];
  probe: ProbeResult;
  argv: string[];
  terminal: string;
  /** True when the launcher waits for ssh and the profile has a close sequence. */
  closesOnExit: boolean;
  /** Settles when ssh ends (never, for a terminal that does not wait). */
  exited: Promise<unknown>;
}

/** The door engine: open, close, check and an ssh session, the same for the window, tray and CLI. */
export type DoorEngine = ReturnType<typeof createDoorEngine>;

/**
 * The knocks a profile sends for an action at wall-clock time `nowMs`, with the profile's default
 * delay applied (a rotating sequence's of that step); undefined when it has no such sequence.
 */
export function doorKnocks(
  profile: Profile,
  action: 'open' | 'close',
  nowMs: number,
): Knock[] | undefined {
  const sequence = action === 'open' ? profile.open : profile.close;
  return sequence && knocksAt(sequence, profile.delayMs, nowMs);
}

/**
 * Builds the door engine from its parts. Open: resolve once, knock (or send the profile's SPA
 * packet), probe the service port on the
 * same address until it answers (knock once more if asked). Close: knock the close sequence on the
 * same address, then probe until the port stops answering. Ssh: open, then start ssh against the
 * knocked address; the caller closes after `exited` when `closesOnExit`.
 */
export function createDoorEngine(
  parts: DoorParts = realDoorParts,
  timingOverrides: Partial<DoorTiming> = {},
) {
  const timing: DoorTiming = { ...DOOR_TIMING, ...timingOverrides };
  async function locate(
    profile: Profile,
    options: DoorRunOptions,
  ): Promise<{ ok: true; value: ResolvedAddress } | { ok: false; error: string }> {
    if (options.target) return { ok: true, value: options.target };
    options.onStage?.('resolving');
    // fwknopd 2.6 takes SPA over IPv4 only: an SPA profile's `auto` host resolves to IPv4.
    const family = profile.spa && profile.family === 'auto' ? 'ipv4' : profile.family;
    return parts.resolve(profile.host, family);
  }

  async function knock(
    profile: Profile,
    action: 'open' | 'close',
    target: ResolvedAddress,
    options: DoorRunOptions,
    knocks: KnockResult[],
  ): Promise<string | undefined> {
    const planned = action === 'open' ? profile.open : profile.close;
    if (!planned) return `${profile.name} has no ${action} sequence`;
    // A rotating knock must not cross a step boundary: it waits for the next step instead.
    const wait = waitBeforeSending(planned, profile.delayMs, parts.wallNow());
    if (wait > 0) {
      options.onStage?.('waiting');
      await parts.sleep(wait);
      if (options.signal?.aborted) return 'cancelled';
      options.onStage?.('knocking');
    }
    const sequence = knocksAt(planned, profile.delayMs, parts.wallNow());
    const sent = await parts.send({
      address: target.address,
      family: target.family,
      sequence,
      signal: options.signal,
      onProgress: options.onHit,
    });
    knocks.push(sent);
    return sent.error ?? (sent.cancelled ? 'cancelled' : undefined);
  }

  /** The open: the SPA packet for a profile that has one, else the open sequence. */
  async function knockOpen(
    profile: Profile,
    target: ResolvedAddress,
    options: DoorRunOptions,
    knocks: KnockResult[],
  ): Promise<string | undefined> {
    if (!profile.spa) return knock(profile, 'open', target, options, knocks);
    const sent = await parts.sendSpa({
      address: target.address,
      family: target.family,
      request: profile.spa,
      signal: options.signal,
      onProgress: options.onHit,
    });
    knocks.push(sent);
    return sent.error ?? (sent.cancelled ? 'cancelled' : undefined);
  }

  function probeOnce(
    profile: Profile,
    target: ResolvedAddress,
    timeoutMs: number,
    options: DoorRunOptions,
  ) {
    return parts.probe({
      address: target.address,
      port: profile.servicePort,
      timeoutMs,
      signal: options.signal,
    });
  }

  async function open(profile: Profile, options: OpenOptions = {}): Promise<DoorResult> {
    const knocks: KnockResult[] = [];
    const located = await locate(profile, options);
    if (!located.ok) return { ok: false, error: located.error, knocks };
    const target = located.value;
    const probeMs = options.probeTimeoutMs ?? timing.openProbeMs;
    let error = await knockOpen(profile, target, options, knocks);
    if (error) return { ok: false, error, target, knocks };
    options.onStage?.('probing');
    let probe = await probeOnce(profile, target, probeMs, options);
    if (probe.state === 'closed' && options.reknock && !options.signal?.aborted) {
      options.onStage?.('reknocking');
      error = await knockOpen(profile, target, options, knocks);
      if (error) return { ok: false, error, target, knocks };
      options.onStage?.('probing');
      probe = await probeOnce(profile, target, probeMs, options);
    }
    return { ok: true, target, knocks, probe };
  }

  async function close(profile: Profile, options: DoorRunOptions = {}): Promise<DoorResult> {
    const knocks: KnockResult[] = [];
    if (!profile.close) {
      const why = profile.spa
        ? `${profile.name} opens with SPA and has no close sequence: fwknopd removes its rule by itself when its timeout ends`
        : `${profile.name} has no close sequence`;
      return { ok: false, error: why, knocks };
    }
    const located = await locate(profile, options);
    if (!located.ok) return { ok: false, error: located.error, knocks };
    const target = located.value;
    const error = await knock(profile, 'close', target, options, knocks);
    if (error) return { ok: false, error, target, knocks };
    options.onStage?.('probing');
    const deadline = parts.now() + timing.closeSettleMs;
    for (;;) {
      const probe = await probeOnce(profile, target, timing.quickProbeMs, options);
      if (probe.state !== 'open' || parts.now() >= deadline || options.signal?.aborted)
        return { ok: true, target, knocks, probe };
      await parts.sleep(timing.closeRetryMs);
    }
  }

  async function check(
    profile: Profile,
    options: DoorRunOptions = {},
  ): Promise<{ ok: true; probe: ProbeResult } | { ok: false; error: string }> {
    const located = await locate(profile, options);
    if (!located.ok) return located;
    return {
      ok: true,
      probe: await probeOnce(profile, located.value, timing.quickProbeMs, options),
    };
  }

  async function ssh(
    profile: Profile,
    launch: SshLauncher,
    options: OpenOptions = {},
  ): Promise<SshSession | Extract<DoorResult, { ok: false }>> {
    // Before knocking: a door opened for an ssh that will not start would stay open for nothing.
    const problem = sshProblem(profile);
    if (problem !== undefined)
      return { ok: false, error: `ssh was not started: ${problem}`, knocks: [] };
    const opened = await open(profile, options);
    if (!opened.ok) return opened;
    const { target, knocks, probe } = opened;
    if (probe.state !== 'open')
      return {
        ok: false,
        error: `port ${profile.servicePort} on ${target.address} is ${probe.state} after knocking; ssh was not started`,
        target,
        knocks,
        probe,
      };
    const argv = sshArgv(profile, target.address);
    if (!argv.ok) return { ok: false, error: argv.error, target, knocks, probe };
    options.onStage?.('launching');
    const launched = await launch(argv.argv);
    if (!launched.ok) return { ok: false, error: launched.error, target, knocks, probe };
    return {
      ok: true,
      target,
      knocks,
      probe,
      argv: argv.argv,
      terminal: launched.label,
      closesOnExit: launched.waits && profile.close !== undefined,
      exited: launched.exited,
    };
  }

  return { open, close, check, ssh };
}
