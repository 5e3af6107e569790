import { describe, expect, it } from 'vitest';
import type { CaptureCounters } from '../../../electron/node/capture';
import { CaptureReport } from '../../../electron/node/capture-report';

// The drop lines and the -v progress line, from the kernel's counters as a capture reports them.

function setup(verbose = true) {
  const counters: CaptureCounters = { received: 0, dropped: 0, interfaceDropped: 0 };
  const log: string[] = [];
  const progress: string[] = [];
  let minutes = 2 * 60 + 5;
  const report = new CaptureReport({
    counters: () => ({ ...counters }),
    log: (line) => log.push(line),
    progress: verbose ? (line) => progress.push(line) : undefined,
    clock: () => new Date(2026, 11, 2, Math.floor(minutes / 60), minutes % 60),
  });
  return {
    report,
    counters,
    log,
    progress,
    later: (m: number) => (minutes += m),
  };
}

describe('CaptureReport', () => {
  it('logs drops when the counter grows, each time since the last such line', () => {
    const { report, counters, log, later } = setup(false);
    report.tick();
    expect(log).toEqual([]);
    counters.received = 5000;
    counters.dropped = 120;
    later(3);
    report.tick();
    report.tick();
    counters.dropped = 130;
    later(1);
    report.tick();
    expect(log).toEqual([
      'capture: 120 packets dropped by the kernel since 02:05',
      'capture: 10 packets dropped by the kernel since 02:08',
    ]);
  });

  it('with -v, prints seen, matched and dropped for each second with packets, and nothing idle', () => {
    const { report, counters, progress } = setup();
    report.tick();
    for (let i = 0; i < 40; i += 1) report.packet(i < 3);
    counters.dropped = 7;
    report.tick();
    report.tick(); // a quiet second
    report.packet(false);
    report.tick();
    expect(progress).toEqual([
      'capture: 40 packets seen, 3 matched, 7 dropped in the last second',
      'capture: 1 packets seen, 0 matched, 0 dropped in the last second',
    ]);
  });

  it('at shutdown logs the drops not yet logged and the total, only when there were any', () => {
    const quiet = setup(false);
    quiet.report.finish();
    expect(quiet.log).toEqual([]);
    const { report, counters, log } = setup(false);
    counters.received = 1_000_000;
    counters.dropped = 900;
    report.tick();
    counters.dropped = 1000;
    report.finish();
    expect(log).toEqual([
      'capture: 900 packets dropped by the kernel since 02:05',
      'capture: 100 packets dropped by the kernel since 02:05',
      'capture: 1000 of 1000000 packets dropped by the kernel in all since 02:05',
    ]);
  });

  it('says nothing when the capture cannot give its counters (closed)', () => {
    const log: string[] = [];
    const report = new CaptureReport({
      counters: () => {
        throw new Error('capture: closed');
      },
      log: (line) => log.push(line),
      clock: () => new Date(),
    });
    report.packet(true);
    report.tick();
    report.finish();
    expect(log).toEqual([]);
  });
});
