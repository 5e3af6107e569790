import { spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import type { TerminalChoice } from '../../shared/ipc/contract';
import { terminalIds, terminalInfo } from '../../shared/settings/terminals';
import {
  checkSshArgv,
  targetLabel,
  terminalCommand,
  type TerminalCommand,
  type TerminalTarget,
} from './terminal-argv';
import {
  envValue,
  terminalBehindAlternative,
  terminalProbe,
  terminalSearchOrder,
  windowsSshCandidates,
  type Env,
  type TerminalSetting,
} from './terminal-find';
import { errorMessage } from '../../shared/basics';

/** Looks a program up (a name on PATH, or a path); undefined when it is not there. */
export type FindExecutable = (name: string) => Promise<string | undefined>;

/** Options the launcher gives spawn: never a shell. */
export type SpawnTerminalOptions = TerminalCommand['spawn'] & { env: Env; shell: false };

/** Starts a process that emits `spawn` or `error`, then `exit`, as a ChildProcess does. */
export type SpawnTerminal = (
  file: string,
  args: readonly string[],
  options: SpawnTerminalOptions,
) => EventEmitter;

/**
 * What the launcher needs from the system; tests pass fakes. Left out, findExecutable searches
 * PATH, realpath follows symlinks (Debian's x-terminal-emulator alternative) and spawn is
 * child_process.spawn.
 */
export interface LaunchDeps {
  platform: NodeJS.Platform;
  env: Env;
  findExecutable?: FindExecutable;
  realpath?: (path: string) => Promise<string>;
  spawn?: SpawnTerminal;
}

/** How the terminal process ended. */
export interface TerminalExit {
  code: number | null;
  signal: string | null;
}

/** A started terminal, or why none could be started (listing what was tried). */
export type LaunchResult =
  | {
      ok: true;
      terminal: TerminalCommand['terminal'];
      label: string;
      /** True when `exited` means the ssh session ended (send the close sequence then). */
      waits: boolean;
      /** Settles when the spawned process exits (for waits: false, the launcher such as wt.exe). */
      exited: Promise<TerminalExit>;
    }
  | { ok: false; error: string };

async function isExecutableFile(path: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    // Windows has no execute bit, and stat fails on the App Execution Aliases (wt.exe) that
    // CreateProcess runs fine, so existence is all that is checked there.
    if (platform === 'win32') {
      await access(path, constants.F_OK);
      return true;
    }
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The default FindExecutable: a path is checked as is; a bare name is searched in PATH (on Windows
 * with each PATHEXT extension when it has none). `check` is replaceable for tests.
 */
export function searchPath(
  platform: NodeJS.Platform,
  env: Env,
  check: (path: string) => Promise<boolean> = (path) => isExecutableFile(path, platform),
): FindExecutable {
  const paths = platform === 'win32' ? win32 : posix;
  return async (name) => {
    if (name === '') return undefined;
    if (name.includes('/') || (platform === 'win32' && name.includes('\\')))
      return (await check(name)) ? name : undefined;
    const extensions =
      platform === 'win32' && win32.extname(name) === ''
        ? (envValue(env, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)
        : [''];
    for (const dir of (envValue(env, 'PATH') ?? '').split(paths.delimiter)) {
      if (dir === '') continue;
      for (const extension of extensions) {
        const candidate = paths.join(dir, name + extension);
        if (await check(candidate)) return candidate;
      }
    }
    return undefined;
  };
}

/** Fills in the real system for every dependency left out. */
function withDefaults(deps: LaunchDeps): Required<LaunchDeps> {
  return {
    platform: deps.platform,
    env: deps.env,
    findExecutable: deps.findExecutable ?? searchPath(deps.platform, deps.env),
    realpath: deps.realpath ?? ((path) => realpath(path)),
    spawn: deps.spawn ?? ((file, args, options) => spawn(file, args, options)),
  };
}

async function firstFound(names: readonly string[], find: FindExecutable) {
  for (const name of names) {
    const found = await find(name);
    if (found !== undefined) return found;
  }
  return undefined;
}

interface Located {
  target: TerminalTarget;
  program: string;
  label?: string;
}

/** Finds a target's executable; Debian's alternative is followed to the terminal behind it. */
async function locate(
  target: TerminalTarget,
  deps: Required<LaunchDeps>,
): Promise<Located | undefined> {
  const probe = terminalProbe(target, deps.platform, deps.env);
  const program = await firstFound(probe.program, deps.findExecutable);
  if (program === undefined) return undefined;
  if (probe.needsOneOf && (await firstFound(probe.needsOneOf, deps.findExecutable)) === undefined)
    return undefined;
  if (target === 'x-terminal-emulator') {
    const behind = terminalBehindAlternative(await deps.realpath(program).catch(() => program));
    const behindProgram = behind && (await deps.findExecutable(behind));
    if (behind && behindProgram)
      return {
        target: behind,
        program: behindProgram,
        label: `${terminalInfo[behind].label} (x-terminal-emulator)`,
      };
  }
  return { target, program };
}

/** Spawns the command; resolves once the process has started or failed to. */
function start(
  command: TerminalCommand,
  deps: Required<LaunchDeps>,
): Promise<{ ok: true; exited: Promise<TerminalExit> } | { ok: false; error: string }> {
  let child: EventEmitter;
  try {
    child = deps.spawn(command.file, command.args, {
      ...command.spawn,
      env: deps.env,
      shell: false,
    });
  } catch (error) {
    return Promise.resolve({ ok: false, error: errorMessage(error) });
  }
  const exited = new Promise<TerminalExit>((resolve) => {
    child.once('exit', (code: number | null, signal: string | null) => {
      resolve({ code, signal });
    });
  });
  return new Promise((resolve) => {
    const onSpawn = () => {
      child.off('error', onError);
      // Later errors (a failed kill) must not crash the app; we never kill or message the child.
      child.on('error', () => undefined);
      resolve({ ok: true, exited });
    };
    const onError = (error: unknown) => {
      child.off('spawn', onSpawn);
      resolve({ ok: false, error: errorMessage(error) });
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}

/**
 * Opens ssh in the user's terminal: the setting first, then the platform's order, skipping any
 * that is not installed. On Windows the OpenSSH client is found first (System32\OpenSSH, then
 * PATH). A terminal that fails to start is reported as a value naming it, never thrown.
 */
export async function launchInTerminal(
  setting: TerminalSetting,
  sshArgv: readonly string[],
  given: LaunchDeps,
): Promise<LaunchResult> {
  const deps = withDefaults(given);
  const bad = checkSshArgv(sshArgv);
  if (bad !== undefined) return { ok: false, error: `not starting ssh: ${bad}` };
  let argv = [...sshArgv];
  if (deps.platform === 'win32') {
    const candidates = windowsSshCandidates(deps.env);
    const ssh = await firstFound(candidates, deps.findExecutable);
    if (ssh === undefined)
      return {
        ok: false,
        error: `the OpenSSH client was not found (looked for ${candidates.join(' and ')} on PATH); add Windows' "OpenSSH Client" optional feature`,
      };
    argv = [ssh, ...argv.slice(1)];
  }
  const chosen = await chooseTerminal(setting, argv, deps);
  if (!chosen.ok) return chosen;
  const { command, label } = chosen;
  const started = await start(command, deps);
  if (!started.ok)
    return { ok: false, error: `could not start ${label} (${command.file}): ${started.error}` };
  return {
    ok: true,
    terminal: command.terminal,
    label,
    waits: command.waits,
    exited: started.exited,
  };
}

/** The first terminal of the search order that is installed, with its command for `argv`. */
async function chooseTerminal(
  setting: TerminalSetting,
  argv: readonly string[],
  deps: Required<LaunchDeps>,
): Promise<{ ok: true; command: TerminalCommand; label: string } | { ok: false; error: string }> {
  const tried: string[] = [];
  for (const target of terminalSearchOrder(setting, deps.platform, deps.env)) {
    const found = await locate(target, deps);
    if (found === undefined) {
      tried.push(`${targetLabel(target)}: not found`);
      continue;
    }
    const command = terminalCommand(found.target, argv, deps.platform, found.program);
    if (!command.ok) {
      tried.push(`${targetLabel(found.target)}: ${command.error}`);
      continue;
    }
    return { ok: true, command: command.value, label: found.label ?? command.value.label };
  }
  if (tried.length === 0)
    return {
      ok: false,
      error: `Sesame knows no terminal for ${deps.platform}; set a custom terminal command in Settings`,
    };
  return { ok: false, error: `no terminal to run ssh in; tried ${tried.join('; ')}` };
}

/**
 * The terminal Open SSH would start with this setting, found the way the launcher finds it
 * (nothing is started), and whether it waits for ssh: only then can the door close when ssh ends.
 */
export async function terminalInUse(
  setting: TerminalSetting,
  given: LaunchDeps,
): Promise<{ ok: true; label: string; waits: boolean } | { ok: false; error: string }> {
  const chosen = await chooseTerminal(setting, ['ssh', '--', 'host'], withDefaults(given));
  return chosen.ok ? { ok: true, label: chosen.label, waits: chosen.command.waits } : chosen;
}

/** The terminals of this platform and whether each is installed, for the settings screen. */
export async function availableTerminals(
  platform: NodeJS.Platform,
  env: Env,
  findExecutable: FindExecutable = searchPath(platform, env),
): Promise<TerminalChoice[]> {
  const ids = terminalIds.filter((id) => terminalInfo[id].platforms.includes(platform));
  return Promise.all(
    ids.map(async (id) => {
      const probe = terminalProbe(id, platform, env);
      const available =
        (await firstFound(probe.program, findExecutable)) !== undefined &&
        (probe.needsOneOf === undefined ||
          (await firstFound(probe.needsOneOf, findExecutable)) !== undefined);
      return { id, label: terminalInfo[id].label, available };
    }),
  );
}
