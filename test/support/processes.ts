import {
  execFile,
  spawn as spawnProcess,
  type ChildProcess,
  type StdioOptions,
} from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { Host } from './netns';
import { commandSearchPath, findCommand } from './root';

/** What a command run inside a namespace produced. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Limits and input for TestBed.run. */
export interface RunOptions {
  /** Kill the command and reject after this long (default 10 s). */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
}

/** How TestBed.spawn wires the child's stdio (default: all pipes). */
export interface SpawnInOptions {
  stdio?: StdioOptions;
}

/** The children a bed started, so teardown can stop whatever still runs. */
export interface ChildSet {
  children: Set<ChildProcess>;
}

const DEFAULT_RUN_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;

/** The environment for every child: ours, with the sbin folders on PATH where ip and knockd live. */
export function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: commandSearchPath().join(delimiter) };
}

/** The path of a command the bed cannot work without; throws naming it when it is missing. */
export function requireCommand(name: string): string {
  const path = findCommand(name);
  if (path === undefined) throw new Error(`${name} is not installed`);
  return path;
}

/** Whether a child has exited (by code or signal). */
export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Stops a child politely (SIGTERM), then firmly (SIGKILL) when it does not exit in time. */
export async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

/** SIGKILLs a child that still runs, synchronously (for exit handlers). */
export function killNow(child: ChildProcess): void {
  if (!hasExited(child)) child.kill('SIGKILL');
}

/** SIGKILLs every pid in a whitespace-separated list (the output of `ip netns pids`). */
export function killPids(pids: string): void {
  for (const pid of pids.split(/\s+/).filter((word) => /^\d+$/.test(word))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

/** A zombie counts as dead: where nothing reaps orphans, a SIGKILLed runner stays one forever. */
function isZombie(pid: number): boolean {
  const stat = readSyncIfPresent(`/proc/${pid}/stat`);
  return / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

/** Whether a process still lives, so leftovers of dead test runs can be told from live ones. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A file's text, or '' when it cannot be read (a /proc entry that is gone, a log not yet written). */
export function readSyncIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function commandLine(argv: readonly string[]): string {
  return argv.join(' ');
}

/** Runs a command in the root namespace and resolves with its stdout. */
export function execHost(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const options = { env: childEnv(), timeout: DEFAULT_RUN_TIMEOUT_MS, encoding: 'utf8' as const };
    execFile(file, args, options, (error, stdout, stderr) => {
      if (error === null) {
        resolve(stdout);
        return;
      }
      const detail = stderr.trim() === '' ? error.message : stderr.trim();
      reject(new Error(`${commandLine([file, ...args])} failed: ${detail}`));
    });
  });
}

/** Starts a command inside a host's namespace (`ip netns exec`). */
export function spawnIn(host: Host, argv: string[], stdio: StdioOptions = 'pipe'): ChildProcess {
  if (argv.length === 0) throw new Error('argv must name a command');
  const args = ['netns', 'exec', host.name, ...argv];
  return spawnProcess(requireCommand('ip'), args, { env: childEnv(), stdio });
}

/** Remembers a child until it exits, so teardown can stop it. */
export function track(resources: ChildSet, child: ChildProcess): ChildProcess {
  resources.children.add(child);
  child.once('exit', () => resources.children.delete(child));
  child.once('error', () => resources.children.delete(child));
  return child;
}

/** Collects a child's output and settles when it closes or the timeout kills it. */
function collect(child: ChildProcess, argv: string[], opts: RunOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.on('error', () => undefined); // the command may exit without reading its input
  child.stdin?.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${commandLine(argv)} could not start: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (!timedOut) {
        resolve({ code, signal, stdout, stderr });
        return;
      }
      const output = `stdout: ${stdout.trim()}\nstderr: ${stderr.trim()}`;
      reject(
        new Error(`timed out after ${timeoutMs} ms (killed): ${commandLine(argv)}\n${output}`),
      );
    });
  });
}

/** TestBed.run: a command in a host's namespace, to completion, with its output. */
export function runIn(
  res: ChildSet,
  host: Host,
  argv: string[],
  opts: RunOptions,
): Promise<RunResult> {
  try {
    return collect(track(res, spawnIn(host, argv)), argv, opts);
  } catch (error: unknown) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
