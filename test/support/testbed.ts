import {
  execFile,
  execFileSync,
  spawn as spawnProcess,
  type ChildProcess,
  type StdioOptions,
} from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { commandSearchPath, findCommand } from './root';

/** One end of the test network: a network namespace with one veth interface. */
export interface Host {
  /** Name of the network namespace (as shown by `ip netns list`). */
  readonly name: string;
  /** Name of the veth interface inside that namespace. */
  readonly ifname: string;
  /** IPv4 address on ifname (198.18.0.0/24, the benchmarking range). */
  readonly ipv4: string;
  /** IPv6 ULA on ifname (fd53:5e5a::/64); only configured when the bed has ipv6 enabled. */
  readonly ipv6: string;
}

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

/** Extra knobs for TestBed.startKnockd. */
export interface KnockdOptions {
  /** Appended to knockd's command line (e.g. ['-D'] or ['-4']). */
  args?: string[];
  /** How long to wait for knockd to print that it listens (default 5 s). */
  readyTimeoutMs?: number;
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

/** Two hosts joined by a veth pair, each in its own network namespace. */
export interface TestBed {
  /** `<pid>-<rand4>`, unique per bed; part of both namespace names. */
  readonly id: string;
  /** Whether the IPv6 addresses were configured. */
  readonly ipv6: boolean;
  /** Runs knockd; its INPUT policy is DROP for IPv4 and IPv6 (lo and neighbour discovery pass). */
  readonly server: Host;
  /** The knocking side; no firewall. */
  readonly client: Host;
  run(host: Host, argv: string[], opts?: RunOptions): Promise<RunResult>;
  spawn(host: Host, argv: string[], opts?: SpawnInOptions): ChildProcess;
  startKnockd(config: string, opts?: KnockdOptions): Promise<Knockd>;
  teardown(): Promise<void>;
}

/** Options for createTestBed. */
export interface TestBedOptions {
  /** Configure the IPv6 ULA addresses (default true). */
  ipv6?: boolean;
}

const NETNS_PATTERN = /^sesame-(\d+)-[0-9a-f]{4}-(?:srv|cli)$/;
const TEMP_DIR_PATTERN = /^sesame-(\d+)-knockd-/;
const SERVER_ADDRESSES = { ipv4: '198.18.0.1', ipv6: 'fd53:5e5a::1' } as const;
const CLIENT_ADDRESSES = { ipv4: '198.18.0.2', ipv6: 'fd53:5e5a::2' } as const;
const DEFAULT_RUN_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 2_000;
const POLL_INTERVAL_MS = 25;

/** What must be cleaned up for one bed, even synchronously from an exit handler. */
interface BedResources {
  namespaces: string[];
  dirs: string[];
  children: Set<ChildProcess>;
  guardian?: ChildProcess;
}

const liveBeds = new Set<BedResources>();
const usedIds = new Set<string>();

// ---------------------------------------------------------------- processes

function childEnv(): NodeJS.ProcessEnv {
  return { ...process.env, PATH: commandSearchPath().join(delimiter) };
}

function requireCommand(name: string): string {
  const path = findCommand(name);
  if (path === undefined) throw new Error(`${name} is not installed`);
  return path;
}

function hasExited(child: ChildProcess): boolean {
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

async function terminate(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, STOP_GRACE_MS)) return;
  child.kill('SIGKILL');
  await waitForExit(child, STOP_GRACE_MS);
}

function commandLine(argv: readonly string[]): string {
  return argv.join(' ');
}

/** Runs a command in the root namespace and resolves with its stdout. */
function execHost(file: string, args: string[]): Promise<string> {
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

function ip(args: string[]): Promise<string> {
  return execHost(requireCommand('ip'), args);
}

function spawnIn(host: Host, argv: string[], stdio: StdioOptions = 'pipe'): ChildProcess {
  if (argv.length === 0) throw new Error('argv must name a command');
  const args = ['netns', 'exec', host.name, ...argv];
  return spawnProcess(requireCommand('ip'), args, { env: childEnv(), stdio });
}

function track(resources: BedResources, child: ChildProcess): ChildProcess {
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

function runIn(
  res: BedResources,
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

// ---------------------------------------------------------------- polling

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

// ---------------------------------------------------------------- knockd

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

  /** Resolves once knockd 0.8 has printed `listening on <if>...` (it has its pcap filter then). */
  async ready(ifname: string, timeoutMs: number): Promise<void> {
    const line = `listening on ${ifname}...`;
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

function readSyncIfPresent(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

async function startKnockdIn(
  resources: BedResources,
  server: Host,
  config: string,
  opts: KnockdOptions,
): Promise<Knockd> {
  const dir = await mkdtemp(join(tmpdir(), `sesame-${process.pid}-knockd-`));
  resources.dirs.push(dir);
  resources.guardian?.stdin?.write(`dir ${dir}\n`);
  const configPath = join(dir, 'knockd.conf');
  const defaultLog = join(dir, 'knockd.log');
  await writeFile(configPath, config);
  const argv = [requireCommand('knockd'), '-i', server.ifname, '-c', configPath, '-v'];
  argv.push('-p', join(dir, 'knockd.pid'), '-g', defaultLog, ...(opts.args ?? []));
  const child = track(resources, spawnIn(server, argv, ['ignore', 'pipe', 'pipe']));
  const knockd = new KnockdProcess(child, dir, configPath, configuredLogFile(config) ?? defaultLog);
  try {
    await knockd.ready(server.ifname, opts.readyTimeoutMs ?? 5_000);
  } catch (error: unknown) {
    await knockd.stop();
    throw error;
  }
  return knockd;
}

// ---------------------------------------------------------------- namespaces

/** Names of all network namespaces, so tests can prove teardown removed theirs. */
export async function listNetworkNamespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0] ?? '')
    .filter((name) => name !== '');
}

/** A zombie counts as dead: where nothing reaps orphans, a SIGKILLed runner stays one forever. */
function isZombie(pid: number): boolean {
  const stat = readSyncIfPresent(`/proc/${pid}/stat`);
  return / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
  return !isZombie(pid);
}

function ownerIsGone(name: string, pattern: RegExp): boolean {
  const pid = Number(pattern.exec(name)?.[1] ?? NaN);
  return Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid);
}

async function sweepStaleTempDirs(): Promise<void> {
  const entries = await readdir(tmpdir());
  const stale = entries.filter((entry) => ownerIsGone(entry, TEMP_DIR_PATTERN));
  await Promise.all(
    stale.map((entry) => rm(join(tmpdir(), entry), { recursive: true, force: true })),
  );
}

/** SIGKILLs whatever still runs inside one of our namespaces (knockd, its commands, clients). */
async function killNamespaceProcesses(name: string): Promise<void> {
  killPids(await ip(['netns', 'pids', name]).catch(() => ''));
}

/** Deletes namespaces (and temp dirs) left by test runs whose process died; returns the names. */
export async function sweepStaleTestBeds(): Promise<string[]> {
  const stale = (await listNetworkNamespaces()).filter((name) => ownerIsGone(name, NETNS_PATTERN));
  for (const name of stale) {
    await killNamespaceProcesses(name);
    await ip(['netns', 'del', name]).catch(() => undefined); // a parallel sweep may have won
  }
  await sweepStaleTempDirs();
  return stale;
}

function newBedId(): string {
  for (;;) {
    const id = `${process.pid}-${randomBytes(2).toString('hex')}`;
    if (!usedIds.has(id)) {
      usedIds.add(id);
      return id;
    }
  }
}

function inNetns(host: Host, argv: string[]): Promise<string> {
  return ip(['netns', 'exec', host.name, ...argv]);
}

async function configureHost(host: Host, ipv6: boolean): Promise<void> {
  await ip(['-n', host.name, 'link', 'set', 'lo', 'up']);
  await ip(['-n', host.name, 'addr', 'add', `${host.ipv4}/24`, 'dev', host.ifname]);
  if (ipv6) {
    await ip(['-n', host.name, 'addr', 'add', `${host.ipv6}/64`, 'dev', host.ifname, 'nodad']);
  }
}

/** DROP everything arriving at the server except loopback and IPv6 neighbour discovery. */
async function configureServerFirewall(server: Host): Promise<void> {
  const iptables = ['iptables', '-w', '5'];
  const ip6tables = ['ip6tables', '-w', '5'];
  await inNetns(server, [...iptables, '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
  await inNetns(server, [...iptables, '-P', 'INPUT', 'DROP']);
  await inNetns(server, [...ip6tables, '-A', 'INPUT', '-i', 'lo', '-j', 'ACCEPT']);
  for (const type of ['neighbour-solicitation', 'neighbour-advertisement']) {
    const icmp = ['-p', 'ipv6-icmp', '--icmpv6-type', type];
    await inNetns(server, [...ip6tables, '-A', 'INPUT', ...icmp, '-j', 'ACCEPT']);
  }
  await inNetns(server, [...ip6tables, '-P', 'INPUT', 'DROP']);
}

async function buildNetwork(
  res: BedResources,
  server: Host,
  client: Host,
  v6: boolean,
): Promise<void> {
  for (const host of [server, client]) {
    res.namespaces.push(host.name);
    await ip(['netns', 'add', host.name]);
  }
  const peer = ['peer', 'name', client.ifname, 'netns', client.name];
  await ip(['link', 'add', server.ifname, 'netns', server.name, 'type', 'veth', ...peer]);
  await configureServerFirewall(server);
  for (const host of [server, client]) {
    await configureHost(host, v6);
    await ip(['-n', host.name, 'link', 'set', host.ifname, 'up']);
  }
}

// ---------------------------------------------------------------- teardown

/**
 * Runs detached from the runner. When the runner dies without saying `release` (even by SIGKILL,
 * which is how vitest's watchdog stops workers when the main process dies), the kernel closes
 * the pipe; the guardian then kills what runs in the namespaces, deletes them and the temp dirs.
 */
const GUARDIAN_SCRIPT = `
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const [ip, ...namespaces] = process.argv.slice(1);
const dirs = [];
let pending = '';
let released = false;
let done = false;
function cleanUp() {
  if (done || released) return;
  done = true;
  for (const ns of namespaces) {
    try {
      const pids = execFileSync(ip, ['netns', 'pids', ns], { encoding: 'utf8' });
      for (const pid of pids.split(/\\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch {}
      }
      execFileSync(ip, ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {}
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (pending + chunk).split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    if (line === 'release') released = true;
    else if (line.startsWith('dir ')) dirs.push(line.slice(4));
  }
});
process.stdin.on('end', cleanUp);
process.stdin.on('error', cleanUp);
`;

/** Starts the guardian for a bed's namespaces; it must not keep the runner alive. */
function startGuardian(res: BedResources, namespaces: string[]): void {
  const argv = ['-e', GUARDIAN_SCRIPT, requireCommand('ip'), ...namespaces];
  const stdio: StdioOptions = ['pipe', 'ignore', 'ignore'];
  const guardian = spawnProcess(process.execPath, argv, { detached: true, stdio, env: childEnv() });
  guardian.on('error', () => undefined);
  guardian.stdin?.on('error', () => undefined);
  guardian.unref();
  if (guardian.stdin instanceof Socket) guardian.stdin.unref();
  res.guardian = guardian;
}

/** Tells the guardian the bed was torn down properly, so it exits without doing anything. */
function releaseGuardian(res: BedResources): void {
  res.guardian?.stdin?.end('release\n');
}

function killNow(child: ChildProcess): void {
  if (!hasExited(child)) child.kill('SIGKILL');
}

function killPids(pids: string): void {
  for (const pid of pids.split(/\s+/).filter((word) => /^\d+$/.test(word))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}

function deleteNamespaceSync(ipPath: string, name: string): void {
  try {
    killPids(execFileSync(ipPath, ['netns', 'pids', name], { encoding: 'utf8', stdio: 'pipe' }));
    execFileSync(ipPath, ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

function teardownSync(res: BedResources): void {
  res.children.forEach(killNow);
  const ipPath = findCommand('ip');
  if (ipPath !== undefined) res.namespaces.forEach((name) => deleteNamespaceSync(ipPath, name));
  for (const dir of res.dirs) rmSync(dir, { recursive: true, force: true });
  liveBeds.delete(res);
}

function teardownAllSync(): void {
  [...liveBeds].forEach(teardownSync);
}

function onProcessExit(): void {
  teardownAllSync();
}

function onSignal(signal: NodeJS.Signals): void {
  teardownAllSync();
  removeExitHandlers();
  // Without other listeners Node would have died from this signal: keep that behaviour.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', onProcessExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

function removeExitHandlers(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off('exit', onProcessExit);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

async function teardownAsync(res: BedResources): Promise<void> {
  await Promise.all([...res.children].map(terminate));
  const present = new Set(await listNetworkNamespaces());
  const failures: string[] = [];
  for (const name of res.namespaces.filter((ns) => present.has(ns))) {
    await killNamespaceProcesses(name); // e.g. commands knockd started
    await ip(['netns', 'del', name]).catch((error: unknown) => failures.push(String(error)));
  }
  await Promise.all(res.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  releaseGuardian(res);
  liveBeds.delete(res);
  if (liveBeds.size === 0) removeExitHandlers();
  if (failures.length > 0) throw new Error(`test bed teardown failed:\n${failures.join('\n')}`);
}

// ---------------------------------------------------------------- the bed

function makeHosts(id: string): { server: Host; client: Host } {
  const veth = randomBytes(3).toString('hex');
  return {
    server: { name: `sesame-${id}-srv`, ifname: `ss${veth}`, ...SERVER_ADDRESSES },
    client: { name: `sesame-${id}-cli`, ifname: `sc${veth}`, ...CLIENT_ADDRESSES },
  };
}

/** Builds the two-namespace network that knock/knockd tests send real packets across. */
export async function createTestBed(opts: TestBedOptions = {}): Promise<TestBed> {
  await sweepStaleTestBeds();
  const id = newBedId();
  const ipv6 = opts.ipv6 ?? true;
  const { server, client } = makeHosts(id);
  const res: BedResources = { namespaces: [], dirs: [], children: new Set() };
  let teardownPromise: Promise<void> | undefined;
  const bed: TestBed = {
    id,
    ipv6,
    server,
    client,
    run: (host, argv, runOpts = {}) => runIn(res, host, argv, runOpts),
    spawn: (host, argv, spawnOpts = {}) => track(res, spawnIn(host, argv, spawnOpts.stdio)),
    startKnockd: (config, knockdOpts = {}) => startKnockdIn(res, server, config, knockdOpts),
    teardown: () => (teardownPromise ??= teardownAsync(res)),
  };
  liveBeds.add(res);
  installExitHandlers();
  startGuardian(res, [server.name, client.name]);
  try {
    await buildNetwork(res, server, client, ipv6);
  } catch (error: unknown) {
    await bed.teardown().catch(() => undefined);
    throw error;
  }
  return bed;
}

/** Runs fn with a fresh bed and always tears it down, even when fn throws. */
export async function withTestBed<T>(
  fn: (bed: TestBed) => Promise<T>,
  opts: TestBedOptions = {},
): Promise<T> {
  const bed = await createTestBed(opts);
  try {
    return await fn(bed);
  } finally {
    await bed.teardown();
  }
}
