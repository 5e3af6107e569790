import type { Settings } from '../../shared/settings/settings';
import { terminalInfo, type TerminalId } from '../../shared/settings/terminals';
import { assertNever } from '../../shared/basics';

/** The terminal setting as stored: the platform's search order, a named terminal, or a command. */
export type TerminalSetting = Settings['terminal'];

/** One terminal to try: one Sesame knows by id, or the program of a custom setting. */
export type TerminalTarget = TerminalId | { custom: string };

/** Environment variables, as `process.env` holds them (tests pass plain objects). */
export type Env = Readonly<Record<string, string | undefined>>;

/** How to start one terminal running ssh: an argument array for spawn, never a shell string. */
export interface TerminalCommand {
  terminal: TerminalId | 'custom';
  label: string;
  file: string;
  args: string[];
  /** True when the spawned process lives until ssh ends, so its exit means the session is over. */
  waits: boolean;
  spawn: { detached: boolean; windowsHide: boolean; stdio: 'ignore' | 'inherit' };
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * POSIX terminals get their own session (`detached`), so a signal to Sesame's process group (Ctrl-C
 * in the shell that started it) never reaches the user's ssh window.
 */
const posixSpawn = { detached: true, windowsHide: false, stdio: 'ignore' } as const;

/**
 * How each Linux-style terminal takes a command: the arguments before the ssh argv, and whether
 * the process we spawn stays until the command ends. Every one takes the command as separate
 * arguments, none as one string.
 */
const argvStyle: Partial<Record<TerminalId, { before: readonly string[]; waits: boolean }>> = {
  // Debian Policy §11.8.3: `-e command args...`. The alternative may be a wrapper that hands the
  // window to a server and returns at once (older gnome-terminal.wrapper, xfce4-terminal.wrapper),
  // so we cannot promise it waits; the launcher resolves the alternative to a known terminal first.
  'x-terminal-emulator': { before: ['-e'], waits: false },
  // https://sw.kovidgoyal.net/kitty/invocation/ — `kitty [options] [program-to-run ...]`; its parser
  // ends options at `--` (kitty/cli.py parse_cmdline). One process per call unless --single-instance.
  kitty: { before: ['--'], waits: true },
  // alacritty(1): `-e, --command <COMMAND>...` takes the rest of the line; a new process each time.
  alacritty: { before: ['-e'], waits: true },
  // https://wezterm.org/cli/start.html — `--always-new-process` so "you can wait for the command to
  // complete by waiting for this wezterm process to finish"; `--` ends wezterm's options.
  wezterm: { before: ['start', '--always-new-process', '--'], waits: true },
  // foot(1): trailing arguments are the command; it parses options with getopt "+…", so `--` ends them.
  foot: { before: ['--'], waits: true },
  // konsole --help: `--nofork` keeps this process (no hand-off to a running Konsole); `-e` must be
  // last and takes all following arguments.
  konsole: { before: ['--nofork', '-e'], waits: true },
  // https://docs.xfce.org/apps/terminal/command-line — `--disable-server` (no D-Bus hand-off, so
  // this process owns the window) and `-x, --execute` (the remainder of the line is the command).
  'xfce4-terminal': { before: ['--disable-server', '-x'], waits: true },
  // gnome-terminal --help: `--wait` waits for the child to exit; `--` ends its options.
  'gnome-terminal': { before: ['--wait', '--'], waits: true },
  // xterm(1): `-e program [arguments ...]` must be the last option.
  xterm: { before: ['-e'], waits: true },
};

/**
 * The AppleScript for Terminal and iTerm: fixed text, with the ssh argv passed as script arguments
 * (osascript hands trailing arguments to `on run argv`). AppleScript's own `quoted form of` quotes
 * each item for the shell, so no profile value is ever spliced into script or shell text by us.
 */
const appleScript = {
  'terminal-app': ['tell application "Terminal"', 'activate', 'do script cmd', 'end tell'],
  // https://iterm2.com/applescript.html — iTerm splits `command` with shell-style quoting.
  iterm: [
    'tell application "iTerm"',
    'activate',
    'create window with default profile command cmd',
    'end tell',
  ],
} as const;

function osascriptArgs(app: keyof typeof appleScript, ssh: readonly string[]): string[] {
  const lines = [
    'on run argv',
    'set cmd to ""',
    'repeat with arg in argv',
    'set cmd to cmd & quoted form of (arg as text) & " "',
    'end repeat',
    ...appleScript[app],
    'end run',
  ];
  return [...lines.flatMap((line) => ['-e', line]), ...ssh];
}

/**
 * Windows Terminal splits its command line into commands at every `;` that has no `\` before it,
 * then turns `\;` back into `;` (microsoft/terminal AppCommandlineArgs.cpp, Commandline.cpp). It
 * then joins the arguments again, putting quotes around those with a space and escaping nothing, so
 * values it would mangle are refused rather than passed on.
 */
function wtArgument(arg: string, index: number): Result<string> {
  const where = `ssh argument ${index} ${JSON.stringify(arg)}`;
  if (arg === '') return { ok: false, error: `${where} is empty; Windows Terminal would drop it` };
  if (/["\t]/.test(arg))
    return {
      ok: false,
      error: `${where} holds a quote or tab; Windows Terminal cannot pass it on`,
    };
  if (arg.includes(' ') && arg.endsWith('\\'))
    return {
      ok: false,
      error: `${where} has a space and ends in "\\"; Windows Terminal would quote it wrongly`,
    };
  return { ok: true, value: arg.replaceAll(';', '\\;') };
}

/**
 * Refuses an ssh argv that could let a value act as an option or break a terminal's parsing: the
 * destination must come last, right after `--`, and no argument may hold a NUL or line break.
 */
export function checkSshArgv(argv: readonly string[]): string | undefined {
  const program = argv[0];
  if (program === undefined || program === '') return 'the ssh command line is empty';
  if (program.startsWith('-')) return `ssh program ${JSON.stringify(program)} starts with "-"`;
  for (const [index, arg] of argv.entries()) {
    if (/[\0\r\n]/.test(arg))
      return `ssh argument ${index} ${JSON.stringify(arg)} holds a NUL or line break`;
  }
  const destination = argv.at(-1) ?? '';
  if (argv.length < 3 || argv.at(-2) !== '--')
    return `the ssh command line must end with "--" and the destination, not ${JSON.stringify(argv.slice(-2))}`;
  if (destination === '' || destination.startsWith('-'))
    return `ssh destination ${JSON.stringify(destination)} is empty or starts with "-"`;
  return undefined;
}

/** Checks a custom terminal command: one program (a name on PATH or a path), no arguments. */
function checkCustom(command: string): string | undefined {
  if (command.trim() === '') return 'the custom terminal command is empty';
  if (command.startsWith('-'))
    return `custom terminal command ${JSON.stringify(command)} starts with "-"`;
  if (/\p{Cc}/u.test(command))
    return `custom terminal command ${JSON.stringify(command)} holds a control character`;
  return undefined;
}

/** What the settings screen and errors call a target. */
export function targetLabel(target: TerminalTarget): string {
  return typeof target === 'object'
    ? `custom terminal ${JSON.stringify(target.custom)}`
    : terminalInfo[target].label;
}

/**
 * The command that opens `terminal` running `sshArgv` on `platform`; `program` is the terminal's
 * executable as found (default: its usual name). A custom command runs as `<command> -e <ssh argv>`
 * (the xterm and x-terminal-emulator convention), and Sesame counts on it to wait for ssh.
 */
export function terminalCommand(
  terminal: TerminalTarget,
  sshArgv: readonly string[],
  platform: NodeJS.Platform,
  program?: string,
): Result<TerminalCommand> {
  const bad = checkSshArgv(sshArgv);
  if (bad !== undefined) return { ok: false, error: bad };
  const ssh = [...sshArgv];
  if (typeof terminal === 'object') {
    const badCustom = checkCustom(terminal.custom);
    if (badCustom !== undefined) return { ok: false, error: badCustom };
    return ok({
      terminal: 'custom',
      label: targetLabel(terminal),
      file: program ?? terminal.custom,
      args: ['-e', ...ssh],
      waits: true,
      spawn:
        platform === 'win32'
          ? { detached: false, windowsHide: false, stdio: 'ignore' }
          : posixSpawn,
    });
  }
  const info = terminalInfo[terminal];
  if (!info.platforms.includes(platform))
    return { ok: false, error: `${info.label} is not available on ${platform}` };
  const base = { terminal, label: info.label };
  switch (terminal) {
    case 'x-terminal-emulator':
    case 'kitty':
    case 'alacritty':
    case 'wezterm':
    case 'foot':
    case 'konsole':
    case 'xfce4-terminal':
    case 'gnome-terminal':
    case 'xterm': {
      const style = argvStyle[terminal];
      if (style === undefined) return { ok: false, error: `no argv style for ${info.label}` };
      const args = [...style.before, ...ssh];
      return ok({
        ...base,
        file: program ?? terminal,
        args,
        waits: style.waits,
        spawn: posixSpawn,
      });
    }
    case 'terminal-app':
    case 'iterm':
      // osascript returns as soon as the window is open, so Sesame cannot see when ssh ends.
      return ok({
        ...base,
        file: program ?? 'osascript',
        args: osascriptArgs(terminal, ssh),
        waits: false,
        spawn: posixSpawn,
      });
    case 'windows-terminal': {
      const args: string[] = [];
      for (const [index, arg] of ssh.entries()) {
        const escaped = wtArgument(arg, index);
        if (!escaped.ok) return escaped;
        args.push(escaped.value);
      }
      // wt.exe hands the tab to the Windows Terminal process and returns at once: waits is false.
      return ok({
        ...base,
        file: program ?? 'wt.exe',
        args: ['-w', 'new', 'new-tab', '--title', 'Sesame', '--', ...args],
        waits: false,
        spawn: { detached: false, windowsHide: false, stdio: 'ignore' },
      });
    }
    case 'console':
      // ssh.exe itself, in a console of its own. Not `detached`: libuv then passes DETACHED_PROCESS,
      // which leaves a console program with no console at all (rprichard/win32-console-docs,
      // nodejs/node#21825). A GUI parent has no console, so Windows opens a new one for the child,
      // and its invalid std handles are replaced by the new console's (Microsoft KB Q126628).
      return ok({
        ...base,
        file: ssh[0] ?? 'ssh.exe',
        args: ssh.slice(1),
        waits: true,
        spawn: { detached: false, windowsHide: false, stdio: 'inherit' },
      });
    default:
      return assertNever(terminal);
  }
}

function ok(value: TerminalCommand): Result<TerminalCommand> {
  return { ok: true, value };
}

/** Reads an environment variable by name, ignoring case as Windows does. */
export function envValue(env: Env, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** The desktop's own terminal from XDG_CURRENT_DESKTOP (`ubuntu:GNOME`, `KDE`, `XFCE`...). */
export function desktopTerminal(env: Env): TerminalId | undefined {
  for (const desktop of (env.XDG_CURRENT_DESKTOP ?? '').toUpperCase().split(':')) {
    if (['GNOME', 'UNITY', 'CINNAMON', 'X-CINNAMON', 'BUDGIE'].includes(desktop))
      return 'gnome-terminal';
    if (desktop === 'KDE') return 'konsole';
    if (desktop === 'XFCE') return 'xfce4-terminal';
  }
  return undefined;
}

const linuxFallbacks: readonly TerminalId[] = [
  'kitty',
  'alacritty',
  'wezterm',
  'foot',
  'konsole',
  'xfce4-terminal',
  'gnome-terminal',
  'xterm',
];

/**
 * The terminals to try, in order: the user's setting first, then the platform's own order (Linux:
 * x-terminal-emulator, the desktop's terminal, then the common ones; macOS: Terminal; Windows:
 * Windows Terminal, then a console window). A named terminal of another platform is dropped.
 */
export function terminalSearchOrder(
  setting: TerminalSetting,
  platform: NodeJS.Platform,
  env: Env,
): TerminalTarget[] {
  const desktop = desktopTerminal(env);
  const auto: TerminalId[] =
    platform === 'linux'
      ? ['x-terminal-emulator', ...(desktop ? [desktop] : []), ...linuxFallbacks]
      : platform === 'darwin'
        ? ['terminal-app']
        : platform === 'win32'
          ? ['windows-terminal', 'console']
          : [];
  const first: TerminalTarget[] =
    setting.kind === 'custom'
      ? [{ custom: setting.command }]
      : setting.kind === 'named' && terminalInfo[setting.id].platforms.includes(platform)
        ? [setting.id]
        : [];
  const order = [...first];
  for (const id of auto) if (!order.includes(id)) order.push(id);
  return order;
}

/** Where to find a terminal: the executable to spawn (first found wins), and what else must exist. */
export interface TerminalProbe {
  program: string[];
  needsOneOf?: string[];
}

/** The usual places of the OpenSSH client on Windows: the system's copy first, then PATH. */
export function windowsSshCandidates(env: Env): string[] {
  const root = envValue(env, 'SystemRoot');
  return [...(root ? [`${root.replace(/\\$/, '')}\\System32\\OpenSSH\\ssh.exe`] : []), 'ssh.exe'];
}

function macApp(env: Env, app: string, binary: string): string[] {
  const home = env.HOME;
  const inside = `${app}.app/Contents/MacOS/${binary}`;
  return [`/Applications/${inside}`, ...(home ? [`${home}/Applications/${inside}`] : [])];
}

/** How to detect `target` on `platform`: names on PATH or full paths, tried in order. */
export function terminalProbe(
  target: TerminalTarget,
  platform: NodeJS.Platform,
  env: Env,
): TerminalProbe {
  if (typeof target === 'object') return { program: [target.custom] };
  if (platform === 'darwin') {
    if (target === 'kitty') return { program: ['kitty', ...macApp(env, 'kitty', 'kitty')] };
    if (target === 'alacritty')
      return { program: ['alacritty', ...macApp(env, 'Alacritty', 'alacritty')] };
    if (target === 'wezterm') return { program: ['wezterm', ...macApp(env, 'WezTerm', 'wezterm')] };
    if (target === 'terminal-app') return { program: ['osascript'] };
    if (target === 'iterm')
      return { program: ['osascript'], needsOneOf: macApp(env, 'iTerm', 'iTerm2') };
  }
  if (target === 'windows-terminal') {
    const local = envValue(env, 'LOCALAPPDATA');
    return {
      program: ['wt.exe', ...(local ? [`${local}\\Microsoft\\WindowsApps\\wt.exe`] : [])],
    };
  }
  if (target === 'console') return { program: windowsSshCandidates(env) };
  return { program: [target] };
}

/**
 * The terminal Sesame knows behind Debian's x-terminal-emulator alternative, from the real path it
 * resolves to (`/usr/bin/gnome-terminal.wrapper` → gnome-terminal), so it can be driven with its
 * own waiting argv instead of the generic `-e`.
 */
export function terminalBehindAlternative(realPath: string): TerminalId | undefined {
  const name = (realPath.split('/').at(-1) ?? '').replace(/\.wrapper$/, '');
  return linuxFallbacks.find((id) => id === name);
}
