import { captureFilter, type ListenedPort } from '../../shared/matcher/capture-filter';
import type { DecodedPacket } from '../../shared/matcher/packet-decode';
import { errorMessage, type Parsed } from '../../shared/basics';
import type { Capture, CaptureOptions } from './capture';
import { CaptureHandover } from './capture-handover';
import { CaptureReport } from './capture-report';
import { carriesVlanTags } from './server-interfaces';

/** One interface's capture: its drop report and its id in the interface's handover. */
export interface Listening {
  name: string;
  capture: Capture;
  report: CaptureReport;
  id: number;
}

/** What the server's captures are opened with and report to. */
export interface ServerCapturesDeps {
  openCapture: (
    options: CaptureOptions,
  ) => { ok: true; value: Capture } | { ok: false; error: string };
  interfaces: readonly string[];
  ipv4Only: boolean;
  /** Where every packet goes, with the report of the capture it came from (KnockServer). */
  sink: (packet: DecodedPacket, time: number, report: CaptureReport) => void;
  log: (line: string) => void;
  debug?: ((message: string) => void) | undefined;
  progress?: ((line: string) => void) | undefined;
  clock: () => Date;
  now: () => number;
  /** Whether an interface's frames can carry VLAN tags (its filter then lets tagged knocks in). */
  vlanTags?: ((name: string) => boolean) | undefined;
}

/**
 * The server's captures, one per interface, each routed through a handover of its own (so a step
 * boundary of rotating doors can swap a capture for one with a new filter without losing or
 * repeating a packet) and each with its drop report. A set opens whole or not at all.
 */
export class ServerCaptures {
  private readonly handovers = new Map<string, CaptureHandover>();
  /** The report of the capture whose packets pass now, per interface. */
  private readonly reports = new Map<string, CaptureReport>();
  /** Whether each interface's frames can carry VLAN tags: read once, not at every step swap. */
  private readonly vlanTags = new Map<string, boolean>();

  constructor(private readonly deps: ServerCapturesDeps) {}

  /** One capture per interface with the kernel filter for these ports; on a failure none stays. */
  open(ports: readonly ListenedPort[]): Parsed<Listening[]> {
    const set: Listening[] = [];
    for (const name of this.deps.interfaces) {
      let vlanTags = this.vlanTags.get(name);
      if (vlanTags === undefined) {
        vlanTags = (this.deps.vlanTags ?? carriesVlanTags)(name);
        this.vlanTags.set(name, vlanTags);
      }
      const filter = captureFilter(ports, this.deps.ipv4Only, vlanTags);
      this.deps.debug?.(`capture filter on ${name}: ${filter}`);
      const opened = this.openOne(name, filter);
      if (!opened.ok) {
        this.close(set);
        return opened;
      }
      set.push(opened.value);
    }
    return { ok: true, value: set };
  }

  /** Makes these the captures whose packets pass (a start or a reload); any swap is forgotten. */
  use(set: readonly Listening[]): void {
    for (const listening of set) {
      this.handoverOf(listening.name).use(listening.id);
      this.reports.set(listening.name, listening.report);
    }
  }

  /**
   * A step boundary: each interface's capture is swapped for one with the filter for these ports.
   * The old ones close one event-loop turn later, once they have read what arrived while the new
   * ones opened; the handovers pass each packet once. Should a new one fail, the old set serves on.
   */
  swap(old: readonly Listening[], ports: readonly ListenedPort[]): Parsed<Listening[]> {
    const opened = this.open(ports);
    if (!opened.ok) return opened;
    const swaps = opened.value.map((listening) => {
      this.reports.set(listening.name, listening.report);
      return this.handoverOf(listening.name).begin(listening.id);
    });
    // After this turn's poll phase, in which the old captures read their buffers.
    setImmediate(() => {
      this.close(old);
      opened.value.forEach((listening, i) => {
        this.handoverOf(listening.name).finish(swaps[i] ?? 0, this.deps.now());
      });
    });
    return opened;
  }

  /** Closes captures, logging their drops first. */
  close(set: readonly Listening[]): void {
    for (const { capture, report } of set) {
      try {
        report.finish();
        capture.close();
      } catch (error) {
        this.deps.log(`cannot close the capture: ${errorMessage(error)}`);
      }
    }
  }

  /** Once a second: the drop lines, and with -v the progress lines. */
  tick(set: readonly Listening[]): void {
    for (const { report } of set) report.tick();
  }

  private handoverOf(name: string): CaptureHandover {
    let handover = this.handovers.get(name);
    if (!handover) {
      handover = new CaptureHandover((packet, time) => {
        const report = this.reports.get(name);
        if (report) this.deps.sink(packet, time, report);
      });
      this.handovers.set(name, handover);
    }
    return handover;
  }

  private openOne(name: string, filter: string): Parsed<Listening> {
    const { id, onPacket } = this.handoverOf(name).attach();
    const capture = this.deps.openCapture({
      interface: name,
      filter,
      onPacket,
      onError: (message) => this.deps.log(`${name}: ${message}`),
    });
    if (!capture.ok) return capture;
    const opened = capture.value;
    const several = this.deps.interfaces.length > 1;
    const report = new CaptureReport({
      counters: () => opened.counters(),
      log: (line) => this.deps.log(several ? `${name}: ${line}` : line),
      progress: this.deps.progress,
      clock: this.deps.clock,
    });
    return { ok: true, value: { name, capture: opened, report, id } };
  }
}
