import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { releaseGuardian } from './guardian';
import { deleteNamespaceSync, ip, killNamespaceProcesses, listNetworkNamespaces } from './netns';
import { killNow, terminate } from './processes';
import { findCommand } from './root';

/** What must be cleaned up for one bed, even synchronously from an exit handler. */
export interface BedResources {
  namespaces: string[];
  dirs: string[];
  children: Set<ChildProcess>;
  guardian?: ChildProcess;
}

const liveBeds = new Set<BedResources>();

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

/** Notes a new bed, so it is torn down even when the runner exits or is interrupted first. */
export function registerBed(res: BedResources): void {
  liveBeds.add(res);
  installExitHandlers();
}

/** TestBed.teardown: stops the bed's processes, deletes its namespaces and temp dirs. */
export async function teardownBed(res: BedResources): Promise<void> {
  await Promise.all([...res.children].map(terminate));
  const present = new Set(await listNetworkNamespaces());
  const failures: string[] = [];
  for (const name of res.namespaces.filter((ns) => present.has(ns))) {
    await killNamespaceProcesses(name); // e.g. commands knockd started
    await ip(['netns', 'del', name]).catch((error: unknown) => failures.push(String(error)));
  }
  await Promise.all(res.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  releaseGuardian(res.guardian);
  liveBeds.delete(res);
  if (liveBeds.size === 0) removeExitHandlers();
  if (failures.length > 0) throw new Error(`test bed teardown failed:\n${failures.join('\n')}`);
}
