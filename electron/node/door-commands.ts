import { spawn } from 'node:child_process';
import { errorMessage } from '../../shared/basics';

/** Puts the knocking address into a door command: every `%IP%`, as knockd does (nothing else). */
export function fillCommand(command: string, address: string): string {
  if (!/^[0-9A-Fa-f.:]+$/.test(address))
    throw new Error(`refusing to put "${address}" into a command`);
  return command.replaceAll('%IP%', address);
}

/**
 * Runs one shell command; resolves with its exit code (null when killed by a signal), rejects when
 * the command cannot be started at all (the caller logs why).
 */
export type ShellRunner = (command: string) => Promise<number | null>;

/**
 * knockd.conf commands are shell by contract, so they run through `/bin/sh -c` (the one place in
 * Sesame that uses a shell). The address comes from the parsed packet: digits, hex, `.` and `:`.
 * Output goes where the server's goes; the process never blocks capture (it is asynchronous).
 * `spawn` throws for an argument it refuses (a NUL byte) and emits `error` when the process cannot
 * start (EAGAIN, ENOMEM): both reject.
 */
export const runShell: ShellRunner = (command) =>
  new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => {
      resolve(code);
    });
  });

/** What system() reports when the shell cannot be started: logged as knockd logs a failed command. */
const CANNOT_START = 127;

/** What to run for one open: the door's start command and, after cmdTimeout, its stop command. */
export interface DoorCommands {
  door: string;
  source: string;
  start?: string | undefined;
  stop?: string | undefined;
  cmdTimeoutMs: number;
}

/** Log lines of commands, in knockd's words. */
export interface CommandLog {
  log(message: string): void;
}

/**
 * Runs a door's commands for one open: `D: running command: CMD`, a non-zero exit logged as
 * `D: command returned non-zero status code (N)` (a command that cannot be started: `D: cannot start
 * command: WHY`, then status 127); if a stop command is set, `cmdTimeout` seconds after the start
 * command finished (or failed), `S: D: command timeout` and the stop command. `done` settles when
 * everything ran and never rejects; `runStopNow` skips the rest of the wait, or the whole wait if
 * the start command is still running (the server calls it on shutdown, so a door it opened with an
 * auto-close is closed rather than left open).
 */
export function runDoorCommands(
  commands: DoorCommands,
  log: CommandLog,
  shell: ShellRunner = runShell,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
): { done: Promise<void>; runStopNow: () => void } {
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  let fireStop: (() => void) | undefined;
  // Set by runStopNow: from then on there is no wait, even if the start command is still running
  // (a SIGTERM then must not wait cmd_timeout, or systemd's SIGKILL leaves the door open).
  const shutdown = { begun: false };
  const run = async (command: string) => {
    const filled = fillCommand(command, commands.source);
    log.log(`${commands.door}: running command: ${filled}`);
    let code: number | null;
    try {
      code = await shell(filled);
    } catch (error) {
      log.log(`${commands.door}: cannot start command: ${errorMessage(error)}`);
      code = CANNOT_START;
    }
    if (code !== 0)
      log.log(`${commands.door}: command returned non-zero status code (${code ?? 'signal'})`);
  };
  const done = (async () => {
    if (commands.start) await run(commands.start);
    const stop = commands.stop;
    if (stop === undefined) return;
    if (!shutdown.begun) {
      await new Promise<void>((resolve) => {
        fireStop = resolve;
        stopTimer = timers.setTimeout(resolve, commands.cmdTimeoutMs);
      });
    }
    log.log(`${commands.source}: ${commands.door}: command timeout`);
    await run(stop);
  })().catch((error: unknown) => {
    log.log(`${commands.door}: ${errorMessage(error)}`);
  });
  return {
    done,
    runStopNow: () => {
      shutdown.begun = true;
      if (stopTimer !== undefined) timers.clearTimeout(stopTimer);
      fireStop?.();
    },
  };
}
