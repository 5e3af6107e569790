// Finding terminals: what to try in which order, where each is installed, and which terminal
// Debian's x-terminal-emulator alternative really is. Building their argv is terminal-argv.ts.
import type { Settings } from '../../shared/settings/settings';
import { terminalInfo, type TerminalId } from '../../shared/settings/terminals';
import type { TerminalTarget } from './terminal-argv';

/** The terminal setting as stored: the platform's search order, a named terminal, or a command. */
export type TerminalSetting = Settings['terminal'];

/** Environment variables, as `process.env` holds them (tests pass plain objects). */
export type Env = Readonly<Record<string, string | undefined>>;

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
