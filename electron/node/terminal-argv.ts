// Building a terminal's argv: for each terminal Sesame knows and each OS, the spawn arguments that
// run a given ssh argv. Pure; which terminals are installed is terminal-find.ts.
import { isTerminalSafeWord } from '../../shared/profile/profile';
import { terminalInfo, type TerminalId } from '../../shared/settings/terminals';
import { assertNever, type Parsed } from '../../shared/basics';

/** One terminal to try: one Sesame knows by id, or the program of a custom setting. */
export type TerminalTarget = TerminalId | { custom: string };

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
 * each item for the shell, so no profile value is ever spliced into script or shell text by us. Its
 * quoting is POSIX's, which a fish login shell reads differently (`\'` inside single quotes), so
 * the arguments hold no quote or backslash to misread (checkSshArgv).
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
function wtArgument(arg: string, index: number): Parsed<string> {
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

/** Why `word` would not survive a terminal that re-splits or expands it, or undefined. */
function resplitProblem(word: string): string | undefined {
  if (isTerminalSafeWord(word)) return undefined;
  if (word === '') return 'is empty';
  if (word.startsWith('=')) return 'starts with "=", which zsh expands';
  const bad = Array.from(word).find((ch, i) => !isTerminalSafeWord(i === 0 ? ch : `a${ch}`)) ?? '';
  return `holds ${JSON.stringify(bad)}, which a terminal could split or expand`;
}

/**
 * Refuses an ssh argv that could let a value act as an option or break a terminal's parsing: the
 * destination must come last, right after `--`, no argument may hold a NUL or line break, and
 * every argument after the program must be terminal-safe (shared/profile/profile.ts): some
 * terminals join their command and split it again, and macOS's run it through the login shell.
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
  for (const [index, arg] of argv.entries()) {
    const problem = index === 0 ? undefined : resplitProblem(arg);
    if (problem !== undefined) return `ssh argument ${index} ${JSON.stringify(arg)} ${problem}`;
  }
  return undefined;
}

/**
 * Terminals that may re-read their command as text: x-terminal-emulator when it is not a terminal
 * Sesame knows (lxterminal joins the words after `-e` and calls g_shell_parse_argv), a custom `-e`
 * terminal, and Terminal and iTerm (AppleScript's `quoted form of`, read by the login shell). The
 * arguments are terminal-safe already (checkSshArgv); on POSIX the program must be too. On Windows
 * it is the system's ssh.exe found on disk, whose path comes from no profile.
 */
function checkResplitProgram(
  terminal: TerminalTarget,
  program: string,
  platform: NodeJS.Platform,
): string | undefined {
  const resplits =
    typeof terminal === 'object' ||
    terminal === 'x-terminal-emulator' ||
    terminal === 'terminal-app' ||
    terminal === 'iterm';
  const problem = resplits && platform !== 'win32' ? resplitProblem(program) : undefined;
  return problem === undefined
    ? undefined
    : `ssh program ${JSON.stringify(program)} ${problem}; ${targetLabel(terminal)} may re-split its command`;
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
): Parsed<TerminalCommand> {
  const bad = checkSshArgv(sshArgv) ?? checkResplitProgram(terminal, sshArgv[0] ?? '', platform);
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

function ok(value: TerminalCommand): Parsed<TerminalCommand> {
  return { ok: true, value };
}
