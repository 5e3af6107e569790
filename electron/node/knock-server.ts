import { randomBytes } from 'node:crypto';
import type { KnockdConfig, KnockdDoor } from '../../shared/knockd/config';
import { Matcher, type MatcherEvent } from '../../shared/matcher/matcher';
import type { ListenedPort } from '../../shared/matcher/capture-filter';
import type { DecodedPacket } from '../../shared/matcher/packet-decode';
import type { Capture, CaptureOptions } from './capture';
import type { CaptureReport } from './capture-report';
import { runDoorCommands, type ShellRunner } from './door-commands';
import { OneTimeSequences, type OneTimeFiles } from './one-time-sequences';
import { RotatingDoors, type SecretReader } from './rotating-doors';
import { ServerCaptures, type Listening } from './server-captures';
import { serverDoors } from './server-doors';
import type { ServerLog } from './server-log';
import { assertNever, errorMessage, type Parsed } from '../../shared/basics';

/** What the server is wired to; the CLI passes the real ones, tests pass fakes. */
export interface KnockServerDeps {
  openCapture: (
    options: CaptureOptions,
  ) => { ok: true; value: Capture } | { ok: false; error: string };
  /** The addresses of an interface (every interface's for `any`). */
  localAddresses: (iface: string) => Set<string>;
  shell?: ShellRunner;
  files: OneTimeFiles;
  log: Pick<ServerLog, 'log'>;
  debug?: (message: string) => void;
  /** -v: a line a second of packets seen, matched and dropped, while they come (stdout). */
  progress?: (line: string) => void;
  /** Wall-clock time, for the `since HH:MM` of the drop lines. */
  clock?: () => Date;
  now?: () => number;
  maxAttempts?: number;
  /** Seeds the matcher's source hash (default: random, from the OS; see shared/matcher/int-map.ts). */
  hashSeed?: () => number;
  /** Reads a rotating door's secret file (default: the real file, owner and mode checked). */
  readSecret?: SecretReader;
  /** Wall-clock milliseconds since the epoch, which rotating doors take their step from. */
  wallClock?: () => number;
}

/** The interface and protocol choices of one run (command line over file, as knockd does). */
export interface ServerSettings {
  /** The interfaces to listen on, one capture each (`any` is every interface). */
  interfaces: readonly string[];
  ipv4Only: boolean;
}

/** How often the kernel's drop counters are read (and the -v progress line printed). */
const REPORT_EVERY_MS = 1000;

interface Running {
  config: KnockdConfig;
  /** The config door behind each matcher door (a one-time door with no sequence left has none). */
  doors: KnockdDoor[];
  matcher: Matcher;
  /** One capture per interface, each with its drop report. */
  listening: Listening[];
  oneTime: OneTimeSequences;
  rotating: RotatingDoors;
  /** The ports of the doors that are not rotating, kept for the filter of each new step. */
  listened: ListenedPort[];
}

/**
 * The server mode: capture → matcher → door commands, with knockd's log lines. It keeps serving the
 * old configuration when a reload fails, runs commands without ever blocking capture, and on stop
 * runs pending stop commands at once so a door it opened does not stay open.
 */
export class KnockServer {
  private running: Running | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private expiryAt: number | undefined;
  private stepTimer: NodeJS.Timeout | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<{ done: Promise<void>; runStopNow: () => void }>();
  private readonly now: () => number;
  private readonly wallClock: () => number;
  private readonly captures: ServerCaptures;

  constructor(
    private readonly deps: KnockServerDeps,
    private readonly settings: ServerSettings,
  ) {
    this.now = deps.now ?? (() => performance.now());
    this.wallClock = deps.wallClock ?? (() => Date.now());
    this.captures = new ServerCaptures({
      openCapture: deps.openCapture,
      interfaces: settings.interfaces,
      ipv4Only: settings.ipv4Only,
      sink: (packet, time, report) => this.handlePacket(packet, time, report),
      log: (line) => deps.log.log(line),
      debug: deps.debug,
      progress: deps.progress,
      clock: deps.clock ?? (() => new Date()),
      now: this.now,
    });
  }

  /** Starts capturing with a parsed configuration; a failure is a message for the user. */
  start(config: KnockdConfig): { ok: true } | { ok: false; error: string } {
    const result = this.open(config);
    if (!result.ok) return result;
    this.running = result.value.running;
    this.captures.use(this.running.listening);
    this.scheduleStep(this.running);
    this.deps.log.log(`starting up, listening on ${this.settings.interfaces.join(', ')}`);
    for (const line of result.value.notes) this.deps.log.log(line);
    this.reportTimer = setInterval(() => {
      if (this.running) this.captures.tick(this.running.listening);
    }, REPORT_EVERY_MS);
    this.reportTimer.unref();
    return { ok: true };
  }

  /** SIGHUP: switch to a new configuration, or keep the old one and log why not. */
  reload(
    path: string,
    config: { ok: true; value: KnockdConfig } | { ok: false; error: string },
  ): void {
    this.deps.log.log(`re-reading config file: ${path}`);
    if (!config.ok) {
      this.deps.log.log(`${config.error} (keeping the previous configuration)`);
      return;
    }
    const next = this.open(config.value);
    if (!next.ok) {
      this.deps.log.log(`${next.error} (keeping the previous configuration)`);
      return;
    }
    this.closeCapture();
    clearTimeout(this.expiryTimer);
    clearTimeout(this.stepTimer);
    this.expiryAt = undefined;
    this.running = next.value.running;
    this.captures.use(this.running.listening);
    this.scheduleStep(this.running);
    for (const line of next.value.notes) this.deps.log.log(line);
  }

  /** SIGTERM/SIGINT: stop capturing, run pending stop commands now, wait for commands to finish. */
  async stop(): Promise<void> {
    this.deps.log.log('shutting down');
    clearInterval(this.reportTimer);
    clearTimeout(this.expiryTimer);
    clearTimeout(this.stepTimer);
    this.expiryAt = undefined;
    this.closeCapture();
    this.running = undefined;
    for (const p of this.pending) p.runStopNow();
    await Promise.all([...this.pending].map((p) => p.done));
  }

  /** Feeds one decoded packet (also the entry point of tests and replays). */
  handlePacket(packet: DecodedPacket, time: number = this.now(), report?: CaptureReport): void {
    const running = this.running;
    if (!running) return;
    if (this.settings.ipv4Only && packet.family === 6) return;
    const events = running.matcher.feed({ time, ...packet });
    report?.packet(events.some((e) => e.type === 'stage' || e.type === 'open'));
    this.handleEvents(running, events);
    this.scheduleExpiry(running);
  }

  /**
   * Builds everything a configuration needs, or says why it cannot run. Never throws: an unexpected
   * failure here must not take down a running server (its doors' stop commands would never run).
   * `notes` are log lines for the caller to write once the configuration is in use.
   */
  private open(config: KnockdConfig): Parsed<{ running: Running; notes: string[] }> {
    try {
      return this.openOrFail(config);
    } catch (error) {
      return { ok: false, error: errorMessage(error) };
    }
  }

  private openOrFail(config: KnockdConfig): Parsed<{ running: Running; notes: string[] }> {
    const oneTime = new OneTimeSequences(this.deps.files);
    const rotating = new RotatingDoors(this.deps.readSecret);
    const built = serverDoors(config, oneTime, rotating, this.wallClock());
    if (!built.ok) return built;
    const { doors, matcherDoors, listened, notes } = built.value;
    const local = new Set(
      this.settings.interfaces.flatMap((name) => [...this.deps.localAddresses(name)]),
    );
    const matcher = new Matcher(matcherDoors, {
      isLocalAddress: (address) => local.has(address),
      hashSeed: (this.deps.hashSeed ?? randomSeed)(),
      ...(this.deps.maxAttempts === undefined ? {} : { maxAttempts: this.deps.maxAttempts }),
    });
    // A reload keeps the rotating doors' spent steps: a used sequence stays used.
    for (const index of rotating.inherit(this.running?.rotating)) matcher.disableDoor(index);
    const listening = this.captures.open([...listened, ...rotating.listened()]);
    if (!listening.ok) return listening;
    return {
      ok: true,
      value: {
        running: {
          config,
          doors,
          matcher,
          listening: listening.value,
          oneTime,
          rotating,
          listened,
        },
        notes,
      },
    };
  }

  /** Arms the timer for the next step boundary of any rotating door. */
  private scheduleStep(running: Running): void {
    const wait = running.rotating.msToNextStep(this.wallClock());
    if (wait === undefined) return;
    clearTimeout(this.stepTimer);
    this.stepTimer = setTimeout(() => {
      if (this.running !== running) return;
      this.nextStep(running);
      this.scheduleStep(running);
    }, wait + 1);
    this.stepTimer.unref();
  }

  /**
   * A step began: the slots of the step that left the window get the new next step's sequence
   * (attempts on the other steps carry on), and the capture filter follows the ports in use: a
   * capture with the new filter opens, and the old one closes one event-loop turn later, once it
   * has read what arrived while the new one opened; the handover passes each packet once. Should
   * the new capture fail, the old one keeps serving and the next step tries again.
   */
  private nextStep(running: Running): void {
    const changed = running.rotating.advance(this.wallClock());
    if (changed.length === 0) return;
    for (const { matcherDoor: index, sequence } of changed) {
      running.matcher.setDoorSequence(index, sequence);
    }
    const swapped = this.captures.swap(running.listening, [
      ...running.listened,
      ...running.rotating.listened(),
    ]);
    if (!swapped.ok) {
      this.deps.log.log(
        `${swapped.error} (keeping the previous capture filter until the next step)`,
      );
      return;
    }
    running.listening = swapped.value;
  }

  private closeCapture(): void {
    if (this.running) this.captures.close(this.running.listening);
  }

  private handleEvents(running: Running, events: MatcherEvent[]): void {
    for (const event of events) {
      const door = running.doors[event.door];
      if (!door) continue;
      switch (event.type) {
        case 'stage':
          this.deps.log.log(`${event.source}: ${door.name}: Stage ${event.stage}`);
          break;
        case 'open':
          this.deps.log.log(`${event.source}: ${door.name}: OPEN SESAME`);
          this.runCommands(door, event.source);
          this.advanceOneTime(running, event.door, door);
          this.spendRotating(running, event.door, door);
          break;
        case 'timeout':
          this.deps.log.log(
            `${event.source}: ${door.name}: sequence timeout (stage ${event.stage})`,
          );
          break;
        case 'evicted':
          this.deps.debug?.(
            `${event.source}: ${door.name}: attempt dropped at stage ${event.stage} (attempt table full)`,
          );
          break;
        default:
          assertNever(event);
      }
    }
  }

  private runCommands(door: KnockdDoor, source: string): void {
    const six = source.includes(':');
    const start = (six ? door.startCommand6 : undefined) ?? door.startCommand;
    const stop = (six ? door.stopCommand6 : undefined) ?? door.stopCommand;
    // As knockd: nothing runs (not even a stop command) without a non-empty start command, and a
    // stop command that is set but empty still "runs" after cmd_timeout (found by the differential
    // suite, rows 18b and 18c).
    if (!start) return;
    const run = runDoorCommands(
      {
        door: door.name,
        source,
        start,
        stop,
        cmdTimeoutMs: door.cmdTimeout * 1000,
      },
      this.deps.log,
      this.deps.shell,
    );
    this.pending.add(run);
    void run.done.finally(() => this.pending.delete(run));
  }

  /** A rotating door's sequence opened: it never opens again (its slot stays off until it moves on). */
  private spendRotating(running: Running, index: number, door: KnockdDoor): void {
    if (!running.rotating.has(index)) return;
    const step = running.rotating.spend(index);
    running.matcher.disableDoor(index);
    this.deps.log.log(`${door.name}: the sequence of step ${step} is used: it will not open again`);
  }

  private advanceOneTime(running: Running, index: number, door: KnockdDoor): void {
    if (!door.oneTimeSequences) return;
    const next = running.oneTime.used(door);
    if (next.ok) {
      running.matcher.setDoorSequence(index, next.value);
      return;
    }
    this.deps.log.log(next.error);
    running.matcher.disableDoor(index);
  }

  // Called per packet, so it only touches the timer when the next expiry moved earlier (attempts
  // start in time order, so a new one rarely does): no timer churn under a flood.
  private scheduleExpiry(running: Running): void {
    const at = running.matcher.nextExpiry();
    if (at === undefined || (this.expiryAt !== undefined && this.expiryAt <= at)) return;
    clearTimeout(this.expiryTimer);
    this.expiryAt = at;
    this.expiryTimer = setTimeout(
      () => {
        this.expiryAt = undefined;
        if (this.running !== running) return;
        this.handleEvents(running, running.matcher.expire(this.now()));
        this.scheduleExpiry(running);
      },
      Math.max(0, at - this.now()),
    );
    this.expiryTimer.unref();
  }
}

/** 32 random bits from the OS: a fresh seed for each matcher (start and every reload). */
function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
