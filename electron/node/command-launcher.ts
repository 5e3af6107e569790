import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { runShell, type ShellRunner } from './door-commands';

/**
 * What a ready shell runs: knockd's `/bin/sh -c COMMAND`, with the command read from stdin instead
 * of argv, so the shell can be started before the command is known. The line is evaluated by that
 * very shell, so the language, the exit code (`exit N` included) and `$$` are those of `sh -c`; the
 * variable that carried the line is unset first. A shell whose stdin ends without a line (the
 * server no longer needs it) exits 0 having run nothing.
 */
const SCRIPT =
  'IFS= read -r sesame_command || exit 0\neval "unset sesame_command\n$sesame_command"';

/** Shells kept ready: one open and one stop command at once, without waiting for a new shell. */
const READY_SHELLS = 2;

/**
 * How long after a command a new shell is started: started at once, it competed for the CPU with
 * the command it replaces and delayed its start (`npm run bench -- server-latency`, medians of 4
 * runs: 5.0-6.9 ms at once, 3.6-6.6 ms 25 ms later).
 */
const REFILL_DELAY_MS = 25;

/** Starts one ready shell: `sh` in its own session, stdin a pipe, stdout and stderr the server's. */
export function startReadyShell(): ChildProcess {
  return spawn('/bin/sh', ['-c', SCRIPT], {
    argv0: 'sh',
    stdio: ['pipe', 'inherit', 'inherit'],
    // Its own process group: a Ctrl-C meant for the server must not end the stop commands it runs
    // on the way out.
    detached: true,
  });
}

/** Door commands for the server: `run` is its ShellRunner; `close` dismisses the ready shells. */
export interface CommandLauncher {
  run: ShellRunner;
  close(): void;
}

/** A ready shell that is still alive (not exited, not failed to start) and not yet given a line. */
function usable(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

/**
 * Starts door commands in shells started ahead of time. Starting a process is what a door command
 * waits for: from the server (a Node process of 100 MB and more with a capture ring mapped), fork
 * copies the page tables, then the shell is loaded; on the test bed either costs milliseconds.
 * A ready shell has done both and waits on its stdin, so a command costs a pipe write and the
 * shell's own start of the command (docs/benchmarks.md, "Door command latency"). The shell that ran
 * a command is replaced shortly after, off the command's path. A command with a line break (one line
 * carries one command), any command while no ready shell is alive, and every command after close
 * run the old way: `/bin/sh -c` from the server.
 */
export function startCommandLauncher(
  start: () => ChildProcess = startReadyShell,
  fallback: ShellRunner = runShell,
  count: number = READY_SHELLS,
): CommandLauncher {
  let open = true;
  const ready: ChildProcess[] = [];
  /** Starts one more ready shell; false when the start threw (no more are tried this round). */
  const addShell = (): boolean => {
    let child: ChildProcess;
    try {
      child = start();
    } catch {
      return false; // the command that needed it falls back, and says why if it cannot start either
    }
    // A ready shell that failed to start, or died, is skipped when a command comes.
    child.once('error', () => undefined);
    // An idle shell must not keep the server's process alive.
    child.unref();
    (child.stdin as Socket | null)?.unref();
    child.stdin?.on('error', () => undefined);
    ready.push(child);
    return true;
  };
  const refill = () => {
    while (open && ready.length < count && addShell());
  };
  refill();

  const take = (): ChildProcess | undefined => {
    for (;;) {
      const child = ready.shift();
      if (!child || (usable(child) && child.stdin?.writable)) return child;
      child.kill();
    }
  };

  const run: ShellRunner = (command) => {
    const child = open && !/[\n\r\0]/.test(command) ? take() : undefined;
    if (open) setTimeout(refill, REFILL_DELAY_MS).unref();
    if (!child) return fallback(command);
    return new Promise((resolve, reject) => {
      // Running: the server waits for its commands as it would for `sh -c`.
      child.ref();
      child.once('error', reject);
      child.once('exit', (code) => {
        resolve(code);
      });
      child.stdin?.end(`${command}\n`);
    });
  };

  return {
    run,
    close: () => {
      open = false;
      for (const child of ready.splice(0)) child.stdin?.end();
    },
  };
}
