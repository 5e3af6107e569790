import { spawn } from 'node:child_process';

/** Puts the knocking address into a door command: every `%IP%`, as knockd does (nothing else). */
export function fillCommand(command: string, address: string): string {
  if (!/^[0-9A-Fa-f.:]+$/.test(address))
    throw new Error(`refusing to put "${address}" into a command`);
  return command.replaceAll('%IP%', address);
}

/** Runs one shell command; resolves with its exit code (null when killed by a signal). */
export type ShellRunner = (command: string) => Promise<number | null>;

/**
 * knockd.conf commands are shell by contract, so they run through `/bin/sh -c` (the one place in
 * Sesame that uses a shell). The address comes from the parsed packet: digits, hex, `.` and `:`.
 * Output goes where the server's goes; the process never blocks capture (it is asynchronous).
 */
export const runShell: ShellRunner = (command) =>
  new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code));
  });

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
 * `D: command returned non-zero status code (N)`; if a stop command is set, `cmdTimeout` seconds
 * after the start command finished, `S: D: command timeout` and the stop command. `done` settles
 * when everything ran; `runStopNow` skips the rest of the wait (the server calls it on shutdown, so
 * a door it opened with an auto-close is closed rather than left open).
 */
export function runDoorCommands(
  commands: DoorCommands,
  log: CommandLog,
  shell: ShellRunner = runShell,
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } = globalThis,
): { done: Promise<void>; runStopNow: () => void } {
  let stopTimer: ReturnType<typeof setTimeout> | undefined;
  let fireStop: (() => void) | undefined;
  const run = async (command: string) => {
    const filled = fillCommand(command, commands.source);
    log.log(`${commands.door}: running command: ${filled}`);
    const code = await shell(filled);
    if (code !== 0)
      log.log(`${commands.door}: command returned non-zero status code (${code ?? 'signal'})`);
  };
  const done = (async () => {
    if (commands.start) await run(commands.start);
    const stop = commands.stop;
    if (stop === undefined) return;
    await new Promise<void>((resolve) => {
      fireStop = resolve;
      stopTimer = timers.setTimeout(resolve, commands.cmdTimeoutMs);
    });
    log.log(`${commands.source}: ${commands.door}: command timeout`);
    await run(stop);
  })();
  return {
    done,
    runStopNow: () => {
      if (stopTimer !== undefined) timers.clearTimeout(stopTimer);
      fireStop?.();
    },
  };
}
