// The server's process plumbing: -d (a detached daemon that tells its parent how its start went)
// and the guard that turns an unexpected error into an orderly exit that closes the doors.
import { spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { isRecord } from '../../shared/basics';
import type { CliIo } from './io';

/** Set in the daemon's environment by its parent. */
export const DAEMON_ENV = 'SESAME_SERVER_DAEMON';

/** What the daemon tells its parent: started, or why not. */
export type DaemonReport = { ok: true } | { ok: false; error: string };

function parseReport(message: unknown): DaemonReport {
  if (isRecord(message) && message.ok === true) return { ok: true };
  const error = isRecord(message) && typeof message.error === 'string' ? message.error : undefined;
  return { ok: false, error: error ?? 'the daemon sent a message that is not a report' };
}

/**
 * -d: the same command, detached (its own session, no terminal), with an IPC channel over which it
 * reports once it holds the pid file and captures (exit 0), or says why it cannot start (printed
 * here, exit 1: a second server on the same pid file, a capture that does not open). The channel is
 * then closed, so the daemon keeps nothing of its parent.
 */
export function daemonize(args: readonly string[], io: CliIo): Promise<number> {
  const script = process.argv[1];
  if (!script) {
    io.err('sesame server: cannot find my own script to start the daemon\n');
    return Promise.resolve(1);
  }
  const child = spawn(process.execPath, [script, 'server', ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (code: number, message?: string) => {
      if (settled) return;
      settled = true;
      if (message) io.err(message);
      if (child.connected) child.disconnect();
      child.unref();
      resolve(code);
    };
    child.once('message', (message) => {
      const report = parseReport(message);
      if (report.ok) finish(0);
      else finish(1, `sesame server: ${report.error}\n`);
    });
    child.once('error', (error) => {
      finish(1, `sesame server: cannot start the daemon: ${error.message}\n`);
    });
    // A message sent before the channel closed arrives before `disconnect`.
    child.once('disconnect', () => {
      finish(1, 'sesame server: the daemon exited before it started\n');
    });
  });
}

/** In the daemon: tells the parent how the start went and closes the channel (a no-op otherwise). */
export function reportToParent(report: DaemonReport): void {
  const send = process.send?.bind(process);
  if (!send || !process.connected) return;
  send(report, undefined, {}, () => {
    if (process.connected) process.disconnect();
  });
}

/**
 * Calls `onCrash` once for the first uncaught exception or unhandled rejection (the server then runs
 * its pending stop commands and exits 70), instead of Node's default of dying at once with doors
 * open. Returns the function that removes the guard.
 */
export function guardCrashes(
  onCrash: (error: unknown) => void,
  target: Pick<EventEmitter, 'on' | 'off'> = process,
): () => void {
  let crashed = false;
  const handle = (error: unknown) => {
    if (crashed) return;
    crashed = true;
    onCrash(error);
  };
  target.on('uncaughtException', handle);
  target.on('unhandledRejection', handle);
  return () => {
    target.off('uncaughtException', handle);
    target.off('unhandledRejection', handle);
  };
}
