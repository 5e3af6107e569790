import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { runShell, type ShellRunner } from './door-commands';

/**
 * The launcher: a /bin/sh that reads one request per line, `ID COMMAND`, runs the command in the
 * background in a subshell of its own (`( eval COMMAND )`: stdin /dev/null, stdout and stderr the
 * server's) and writes `ID STATUS` to fd 3 when it ends. Background jobs of a non-interactive shell
 * read /dev/null, so a command never reads the requests. The subshell is a fork of this small
 * shell where knockd's `/bin/sh -c` is a new shell: on this machine that spares one exec and its
 * dynamic loading, 6.2 to 4.4 ms from request to command in docs/benchmarks.md. `exit N` in the
 * command still ends only its subshell, so the status is N; what differs is `$$` (the launcher's,
 * as in any subshell) and that the launcher's two variables, `line` and `id`, are set.
 */
const SCRIPT =
  'while IFS= read -r line; do id=${line%% *}; { ( eval "${line#* }" ) 3>&-; echo "$id $?" >&3; } & done';

/** A running launcher: `run` is the server's ShellRunner; `close` ends it once the server stops. */
export interface CommandLauncher {
  run: ShellRunner;
  close(): void;
}

/**
 * Starts door commands from a small process kept for that purpose: a fork of the server (a Node
 * process of 100 MB and more, with a capture ring mapped) copies its page tables and costs
 * milliseconds, a fork of a 1 MB shell a fraction of one. Exit codes come back as the shell's `$?`
 * (a command killed by signal N reads 128+N). A command the launcher cannot carry (a line break in
 * it) or any command after the launcher died runs the old way, from the server itself.
 */
export function startCommandLauncher(
  start: () => ChildProcess = () =>
    spawn('/bin/sh', ['-c', SCRIPT], {
      stdio: ['pipe', 'inherit', 'inherit', 'pipe'],
      // Its own process group: a Ctrl-C meant for the server must not end it before the server's
      // stop commands have run through it.
      detached: true,
    }),
  fallback: ShellRunner = runShell,
): CommandLauncher {
  const pending = new Map<number, (code: number | null) => void>();
  let nextId = 1;
  let alive = true;
  const child = start();
  const results = child.stdio[3] as Socket | null;
  // Held only while a command runs: an idle launcher must not keep the server's process alive.
  const hold = (on: boolean) => {
    if (on) {
      child.ref();
      results?.ref();
    } else {
      child.unref();
      results?.unref();
    }
  };
  hold(false);
  const settleAll = () => {
    alive = false;
    // The commands may still run (they are the launcher's children); their status is not known.
    for (const settle of pending.values()) settle(null);
    pending.clear();
    hold(false);
  };
  child.once('exit', settleAll);
  child.once('error', settleAll);
  child.stdin?.on('error', settleAll);
  if (results) {
    createInterface({ input: results }).on('line', (line) => {
      const [id, status] = line.split(' ');
      const settle = pending.get(Number(id));
      if (!settle) return;
      pending.delete(Number(id));
      if (pending.size === 0) hold(false);
      settle(Number(status));
    });
  }

  const run: ShellRunner = (command) => {
    if (!alive || !results || !child.stdin?.writable || /[\n\r\0]/.test(command))
      return fallback(command);
    const id = nextId;
    nextId += 1;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      hold(true);
      child.stdin?.write(`${String(id)} ${command}\n`);
    });
  };

  return {
    run,
    close: () => {
      alive = false;
      child.stdin?.end();
      hold(false);
    },
  };
}
