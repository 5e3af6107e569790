// Debian's fwknopd (2.6.10) on the bed's server host: the reference peer for `sesame spa` and SPA
// profiles. Everything it reads and writes is in one temp folder (fwknopd.conf, access.conf, pid,
// digest cache): /etc/fwknop and /var/run/fwknop are never used. It runs in the foreground with -v,
// so its log is its output; it sniffs the server's veth with pcap and adds its iptables rules in the
// server namespace (under the bed's INPUT policy of DROP).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasExited, requireCommand, terminate } from './processes';
import type { TestBed } from './testbed';

/** What fwknopd is given: the keys of its one stanza, and access.conf lines to add. */
export interface FwknopdOptions {
  keyBase64: string;
  hmacKeyBase64: string;
  /** Seconds a rule stays (access.conf's FW_ACCESS_TIMEOUT); long enough for a test's checks. */
  accessTimeoutS?: number;
}

/** A running fwknopd and its output so far. */
export interface Fwknopd {
  readonly child: ChildProcess;
  readonly dir: string;
  /** Everything it printed (stdout and stderr) so far. */
  log(): string;
  /** Waits until the output after `since` (a length of `log()`) matches; returns that part. */
  waitForLog(pattern: RegExp | string, since?: number, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const READY = 'Starting fwknopd main event loop.';

/** Starts fwknopd on the server's veth and resolves once it sniffs. */
export async function startFwknopd(bed: TestBed, options: FwknopdOptions): Promise<Fwknopd> {
  const fwknopd = requireCommand('fwknopd');
  const dir = mkdtempSync(join(tmpdir(), `sesame-${String(process.pid)}-fwknopd-`));
  const config = join(dir, 'fwknopd.conf');
  const access = join(dir, 'access.conf');
  writeFileSync(
    config,
    [
      `PCAP_INTF ${bed.server.ifname};`,
      `FWKNOP_RUN_DIR ${dir};`,
      `FIREWALL_EXE ${requireCommand('iptables')};`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  writeFileSync(
    access,
    [
      'SOURCE ANY',
      `KEY_BASE64 ${options.keyBase64}`,
      `HMAC_KEY_BASE64 ${options.hmacKeyBase64}`,
      `FW_ACCESS_TIMEOUT ${String(options.accessTimeoutS ?? 120)}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const argv = [fwknopd, '-f', '-v', '-c', config, '-a', access];
  argv.push('-p', join(dir, 'fwknopd.pid'), '-d', join(dir, 'digest.cache'));
  const child = bed.spawn(bed.server, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const waitForLog = async (pattern: RegExp | string, since = 0, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const part = output.slice(since);
      if (typeof pattern === 'string' ? part.includes(pattern) : pattern.test(part)) return part;
      if (hasExited(child))
        throw new Error(`fwknopd exited before logging ${String(pattern)}:\n${output}`);
      if (Date.now() >= deadline)
        throw new Error(
          `fwknopd did not log ${String(pattern)} within ${String(timeoutMs)} ms:\n${part}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForLog(READY);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, dir, log: () => output, waitForLog, stop };
}

/** The rules fwknopd added in the server's FWKNOP_INPUT chain for a TCP port (`iptables -S`). */
export async function fwknopRules(bed: TestBed, port: number): Promise<string[]> {
  const listed = await bed.run(bed.server, ['iptables', '-w', '5', '-S', 'FWKNOP_INPUT']);
  return listed.stdout.split('\n').filter((line) => line.includes(`--dport ${String(port)} `));
}
