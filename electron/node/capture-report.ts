import type { CaptureCounters } from './capture';

/** Where the report reads and writes. */
export interface CaptureReportDeps {
  /** libpcap's counters of the capture in use (they start at 0 when it opens). */
  counters: () => CaptureCounters;
  /** A line for the server's log (file, syslog, and stdout with -v). */
  log: (line: string) => void;
  /** With -v: a line a second on stdout while packets come. */
  progress?: ((line: string) => void) | undefined;
  clock: () => Date;
}

/** libpcap on Linux counts dropped packets among the received ones (the kernel adds them). */
const ZERO: CaptureCounters = { received: 0, dropped: 0, interfaceDropped: 0 };

/** `HH:MM` of the server's local time, as the drop lines say since when. */
function clockTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}`;
}

/**
 * Makes lost knocks visible: once a second it reads the kernel's counters and logs the packets
 * dropped since the last such line (`capture: 120 packets dropped by the kernel since 14:02`), and
 * with -v prints what was seen, matched and dropped in that second while packets come. At shutdown
 * it logs the total when anything was dropped. A capture that cannot say (closed) says nothing.
 */
export class CaptureReport {
  private readonly started: Date;
  private since: Date;
  private logged: CaptureCounters = ZERO;
  private lastTick: CaptureCounters = ZERO;
  private seen = 0;
  private matched = 0;

  constructor(private readonly deps: CaptureReportDeps) {
    this.started = deps.clock();
    this.since = this.started;
  }

  /** One packet reached the matcher; `matched` when it moved an attempt on or opened a door. */
  packet(matched: boolean): void {
    this.seen += 1;
    if (matched) this.matched += 1;
  }

  /** Called once a second. */
  tick(): void {
    const now = this.read();
    if (!now) return;
    if (now.dropped > this.logged.dropped) {
      const lost = now.dropped - this.logged.dropped;
      this.deps.log(
        `capture: ${String(lost)} packets dropped by the kernel since ${clockTime(this.since)}`,
      );
      this.logged = now;
      this.since = this.deps.clock();
    }
    if (this.deps.progress && this.seen > 0) {
      const dropped = now.dropped - this.lastTick.dropped;
      this.deps.progress(
        `capture: ${String(this.seen)} packets seen, ${String(this.matched)} matched, ${String(dropped)} dropped in the last second`,
      );
    }
    this.seen = 0;
    this.matched = 0;
    this.lastTick = now;
  }

  /** At shutdown: the drops not logged yet, and the total when there were any. */
  finish(): void {
    this.tick();
    const now = this.read() ?? this.logged;
    if (now.dropped > 0)
      this.deps.log(
        `capture: ${String(now.dropped)} of ${String(now.received)} packets dropped by the kernel in all since ${clockTime(this.started)}`,
      );
  }

  private read(): CaptureCounters | undefined {
    try {
      return this.deps.counters();
    } catch {
      return undefined;
    }
  }
}
