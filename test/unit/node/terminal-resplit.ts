// Models of how each terminal turns the arguments Sesame spawns it with into the argv of the
// program it runs, for the hostile-values tests: some take them as they are, some join them and
// split them again (lxterminal: g_shell_parse_argv; a custom `-e` terminal may use `sh -c`), and
// macOS Terminal and iTerm run AppleScript's `quoted form of` through the user's login shell.
// A model throws when the shell would expand something (a `$`, a glob, a `;`): the value changed.
import type { TerminalCommand } from '../../../electron/node/terminal-argv';

type Dialect = 'glib' | 'posix' | 'fish';

/** Characters a shell acts on when unquoted (expansion, globbing, command separators). */
const SHELL_META = new Set(Array.from('$`;&|<>()*?[]{}!'));

/**
 * Splits `text` into words as a shell does, without running anything. `glib` is
 * g_shell_parse_argv (quotes and backslashes only, `#` comments); `posix` adds the refusal of any
 * unquoted expansion; `fish` is posix with fish's single quotes, where `\'` and `\\` are escapes.
 */
export function shellSplit(text: string, dialect: Dialect): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const add = (s: string) => (word = (word ?? '') + s);
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'") {
      add('');
      for (i += 1; ; i += 1) {
        if (i >= text.length) throw new Error(`unterminated ' in ${text}`);
        const c = text.charAt(i);
        if (c === "'") break;
        const next = text.charAt(i + 1);
        if (dialect === 'fish' && c === '\\' && (next === "'" || next === '\\')) {
          add(next);
          i += 1;
        } else add(c);
      }
    } else if (ch === '"') {
      add('');
      for (i += 1; ; i += 1) {
        if (i >= text.length) throw new Error(`unterminated " in ${text}`);
        const c = text.charAt(i);
        if (c === '"') break;
        const next = text.charAt(i + 1);
        if (dialect !== 'glib' && (c === '$' || c === '`'))
          throw new Error(`${dialect} expands ${c} in ${text}`);
        if (c === '\\' && '"\\$`\n'.includes(next) && next !== '') {
          add(next === '\n' ? '' : next);
          i += 1;
        } else add(c);
      }
    } else if (ch === '\\') {
      if (i + 1 >= text.length) throw new Error(`trailing \\ in ${text}`);
      const next = text.charAt(i + 1);
      add(next === '\n' ? '' : next);
      i += 1;
    } else if (ch === '#' && word === undefined) {
      while (i < text.length && text.charAt(i) !== '\n') i += 1;
    } else if (dialect !== 'glib' && SHELL_META.has(ch)) {
      throw new Error(`${dialect} acts on ${ch} in ${text}`);
    } else if (dialect !== 'glib' && ch === '=' && word === undefined) {
      throw new Error(`zsh expands a leading = in ${text}`);
    } else add(ch);
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** AppleScript's `quoted form of`: single quotes, each `'` written as `'\''`. */
export function quotedForm(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/** CommandLineToArgvW's rules (and the C runtime's): quotes group, 2n backslashes + `"` halve. */
export function windowsSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    if (ch === '\\') {
      let n = 0;
      while (text.charAt(i + n) === '\\') n += 1;
      if (text.charAt(i + n) === '"') {
        word = (word ?? '') + '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) word += '"';
        else quoted = !quoted;
        i += n;
      } else {
        word = (word ?? '') + '\\'.repeat(n);
        i += n - 1;
      }
    } else if (ch === '"') {
      word = word ?? '';
      quoted = !quoted;
    } else if ((ch === ' ' || ch === '\t') && !quoted) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + ch;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** Windows Terminal: splits at `;` without `\` (a new command), turns `\;` into `;`, joins the
 * arguments again quoting those with a space (microsoft/terminal AppCommandlineArgs.cpp). */
function windowsTerminal(args: readonly string[]): string[] {
  if (args.some((a) => /(^|[^\\]);/.test(a))) throw new Error('wt splits the command at ;');
  const line = args
    .map((a) => a.replaceAll('\\;', ';'))
    .map((a) => (a.includes(' ') ? `"${a}"` : a))
    .join(' ');
  return windowsSplit(line);
}

const after = (args: readonly string[], marker: string) => {
  const at = args.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in ${JSON.stringify(args)}`);
  return args.slice(at + 1);
};

/**
 * Every argv the program could receive from `command` (one per way the terminal may re-read it).
 * Terminals that take their command as an argv (kitty, foot, gnome-terminal...) give one: the
 * arguments after their end-of-options marker.
 */
export function argvsRun(command: TerminalCommand, platform: NodeJS.Platform): string[][] {
  const { args } = command;
  switch (command.terminal) {
    case 'kitty':
    case 'wezterm':
    case 'foot':
    case 'gnome-terminal':
      return [after(args, '--')];
    case 'alacritty':
    case 'xterm':
      return [after(args, '-e')];
    case 'konsole':
      return [after(args, '-e')];
    case 'xfce4-terminal':
      return [after(args, '-x')];
    case 'x-terminal-emulator':
    case 'custom': {
      // lxterminal joins the words after -e with spaces and calls g_shell_parse_argv; another
      // `-e` terminal may hand the joined line to `sh -c`; one that follows Debian policy execs them.
      const words = after(args, '-e');
      if (platform === 'win32') return [windowsSplit(words.join(' '))];
      const line = words.join(' ');
      return [words, shellSplit(line, 'glib'), shellSplit(line, 'posix')];
    }
    case 'terminal-app':
    case 'iterm': {
      // osascript's trailing arguments are the script's argv; the script quotes each one and the
      // user's login shell (bash, zsh or fish) reads the line.
      const scriptEnd = args.lastIndexOf('end run') + 1;
      const line = args
        .slice(scriptEnd)
        .map((a) => `${quotedForm(a)} `)
        .join('');
      return [shellSplit(line, 'posix'), shellSplit(line, 'fish')];
    }
    case 'windows-terminal':
      return [windowsTerminal(after(args, '--'))];
    case 'console':
      // Node quotes each argument for the C runtime's parser, which ssh.exe uses: a round trip.
      return [[command.file, ...args]];
  }
}
