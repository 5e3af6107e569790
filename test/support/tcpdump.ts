// tcpdump on a test-bed host, for tests and benchmarks that check what really went over the wire.
import type { ChildProcess } from 'node:child_process';
import type { Host } from './netns';
import type { TestBed } from './testbed';

/** A running capture: its output lines so far, and a way to start counting afresh or stop. */
export interface Tcpdump {
  child: ChildProcess;
  /** The lines tcpdump printed since the start (or the last `reset`). */
  lines(): string[];
  reset(): void;
  /** Waits `afterMs` (for late packets, such as a SYN retransmission), stops, returns the lines. */
  stop(afterMs?: number): Promise<string[]>;
}

/**
 * Starts `tcpdump -nn -l -U [extra] FILTER` on the host's veth and resolves once it is listening.
 * `extra` adds options such as `-tt` (epoch time stamps) or `-vv`.
 */
export async function startTcpdump(
  bed: TestBed,
  host: Host,
  filter: string,
  extra: string[] = [],
): Promise<Tcpdump> {
  const child = bed.spawn(host, [
    'tcpdump',
    '-i',
    host.ifname,
    '-nn',
    '-l',
    '-U',
    ...extra,
    filter,
  ]);
  let lines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      if (c.toString().includes('listening on')) resolve();
    });
    child.once('exit', () => {
      reject(new Error('tcpdump exited before it was listening'));
    });
  });
  return {
    child,
    lines: () => lines,
    reset: () => {
      lines = [];
    },
    async stop(afterMs = 0) {
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      if (partial) lines.push(partial);
      return lines;
    },
  };
}

/** Epoch milliseconds of a `-tt` line (`1700000000.123456789 IP ...`), keeping the fraction exact. */
export function tcpdumpTimeMs(line: string): number {
  const [whole = '0', fraction = '0'] = (line.split(' ')[0] ?? '').split('.');
  return (Number(whole) + Number(`0.${fraction}`)) * 1000;
}
