import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardDir } from './guardian';
import type { Host } from './netns';
import {
  hasExited,
  readSyncIfPresent,
  requireCommand,
  spawnIn,
  terminate,
  track,
} from './processes';
import type { BedResources } from './teardown';

/**
 * Which door server to run: Debian's knockd (the default) or another program with knockd's command
 * line, such as `sesame server`, so the same scenarios run against both.
 */
export interface DoorServerProgram {
  /** The argv before knockd's own options (`-i IF -c FILE -v -p PID -g LOG`). */
  argv: string[];
  /** What it prints on stdout (with -v) once it captures. */
  readyLine: (ifname: string) => string;
}

/** Debian's knockd 0.8. */
export const realKnockd = (): DoorServerProgram => ({
  argv: [requireCommand('knockd')],
  readyLine: (ifname) => `listening on ${ifname}...`,
});

/** Extra knobs for TestBed.startKnockd. */
export interface KnockdOptions {
  /** The program to run (default: the real knockd). */
  program?: DoorServerProgram;
  /** Appended to knockd's command line (e.g. ['-D'] or ['-4']). */
  args?: string[];
  /** How long to wait for knockd to print that it listens (default 5 s). */
  readyTimeoutMs?: number;
  /** The `-i` options (default: the server's veth; none: the server picks). */
  interfaces?: string[];
  /** What its ready line names (default: the interfaces, comma-separated). */
  readyOn?: string;
}

/** A real Debian knockd running in the server namespace. */
export interface Knockd {
  readonly child: ChildProcess;
  /** Temp directory holding the config, log and pid file; removed on teardown. */
  readonly dir: string;
  readonly configPath: string;
  /** The log knockd writes: -g's file, unless the config's [options] LogFile overrides it. */
  readonly logPath: string;
  /** Exit code once knockd has exited (null while running or when killed by a signal). */
  readonly exitCode: number | null;
  readonly running: boolean;
  log(): Promise<string>;
  stdout(): string;
  stderr(): string;
  waitForLog(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

const POLL_INTERVAL_MS = 25;

async function pollUntil<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  failure: () => Error,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw failure();
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

function matches(text: string, pattern: RegExp | string): boolean {
  return typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
}

function describePattern(pattern: RegExp | string): string {
  return typeof pattern === 'string' ? JSON.stringify(pattern) : String(pattern);
}

function indent(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed === '' ? '  (nothing)' : trimmed.replace(/^/gm, '  ');
}

/** The LogFile of a knockd config's [options] section, which knockd 0.8 prefers over -g. */
function configuredLogFile(config: string): string | undefined {
  let section = '';
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    const header = /^\[(.*)\]$/.exec(line);
    if (header !== null) section = header[1] ?? ''; // knockd matches `[options]` exactly
    const directive = /^logfile\s*=\s*(.+)$/i.exec(line);
    if (section === 'options' && directive?.[1] !== undefined) return directive[1].trim();
  }
  return undefined;
}

async function readIfPresent(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return '';
    throw error;
  }
}

class KnockdProcess implements Knockd {
  private out = '';
  private err = '';
  /** Set once knockd has exited and its stdout/stderr are fully read. */
  private closed = false;

  constructor(
    readonly child: ChildProcess,
    readonly dir: string,
    readonly configPath: string,
    readonly logPath: string,
  ) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.err += chunk));
    child.once('close', () => (this.closed = true));
    child.once('error', (error) => {
      this.err += `could not start knockd: ${error.message}\n`;
      this.closed = true;
    });
  }

  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get running(): boolean {
    return !hasExited(this.child);
  }

  log(): Promise<string> {
    return readIfPresent(this.logPath);
  }

  stdout(): string {
    return this.out;
  }

  stderr(): string {
    return this.err;
  }

  /** Resolves once the server has printed its ready line (knockd: `listening on <if>...`). */
  async ready(line: string, timeoutMs: number): Promise<void> {
    const check = (): true | undefined => {
      if (this.out.includes(line)) return true;
      if (this.closed) throw this.describeFailure(`knockd exited before printing "${line}"`);
      return undefined;
    };
    const failure = (): Error =>
      this.describeFailure(`knockd did not print "${line}" within ${timeoutMs} ms`);
    await pollUntil(check, timeoutMs, failure);
  }

  /** Polls the log file, then stdout; resolves with the whole text in which the pattern appeared. */
  async waitForLog(pattern: RegExp | string, timeoutMs = 5_000): Promise<string> {
    const check = async (): Promise<string | undefined> => {
      const closed = this.closed; // read first so output written just before exit is seen
      const log = await this.log();
      if (matches(log, pattern)) return log;
      if (matches(this.out, pattern)) return this.out;
      if (closed)
        throw this.describeFailure(`knockd exited before logging ${describePattern(pattern)}`);
      return undefined;
    };
    const failure = (): Error =>
      this.describeFailure(`knockd did not log ${describePattern(pattern)} within ${timeoutMs} ms`);
    return pollUntil(check, timeoutMs, failure);
  }

  async stop(): Promise<void> {
    await terminate(this.child);
  }

  private describeFailure(headline: string): Error {
    const status = this.running
      ? 'still running'
      : `exit code ${String(this.child.exitCode)}, signal ${String(this.child.signalCode)}`;
    const logText = readSyncIfPresent(this.logPath);
    return new Error(
      `${headline} (${status})\nlog ${this.logPath}:\n${indent(logText)}\n` +
        `stdout:\n${indent(this.out)}\nstderr:\n${indent(this.err)}`,
    );
  }
}

/** TestBed.startKnockd: knockd on the server's veth with `config`, once it listens. */
export async function startKnockdIn(
  resources: BedResources,
  server: Host,
  config: string,
  opts: KnockdOptions,
): Promise<Knockd> {
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-`));
  resources.dirs.push(dir);
  guardDir(resources.guardian, dir);
  const configPath = join(dir, 'knockd.conf');
  const defaultLog = join(dir, 'knockd.log');
  await writeFile(configPath, config);
  const program = opts.program ?? realKnockd();
  const named = opts.interfaces ?? [server.ifname];
  const argv = [...program.argv, ...named.flatMap((name) => ['-i', name]), '-c', configPath, '-v'];
  argv.push('-p', join(dir, 'knockd.pid'), '-g', defaultLog, ...(opts.args ?? []));
  const child = track(resources, spawnIn(server, argv, ['ignore', 'pipe', 'pipe']));
  const knockd = new KnockdProcess(child, dir, configPath, configuredLogFile(config) ?? defaultLog);
  try {
    await knockd.ready(
      program.readyLine(opts.readyOn ?? named.join(', ')),
      opts.readyTimeoutMs ?? 5_000,
    );
  } catch (error: unknown) {
    await knockd.stop();
    throw error;
  }
  return knockd;
}
