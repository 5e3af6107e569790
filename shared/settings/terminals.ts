/**
 * The terminals Sesame knows how to start ssh in, by platform. Shared so the settings schema, the
 * settings screen and the launcher in main agree on one list of ids.
 */
export const terminalIds = [
  'x-terminal-emulator',
  'kitty',
  'alacritty',
  'wezterm',
  'foot',
  'konsole',
  'xfce4-terminal',
  'gnome-terminal',
  'xterm',
  'terminal-app',
  'iterm',
  'windows-terminal',
  'console',
] as const;

/** One of the terminals the launcher can drive. */
export type TerminalId = (typeof terminalIds)[number];

/** What each terminal is called on screen, and where it exists. */
export const terminalInfo: Record<TerminalId, { label: string; platforms: readonly string[] }> = {
  'x-terminal-emulator': { label: 'System default (x-terminal-emulator)', platforms: ['linux'] },
  kitty: { label: 'kitty', platforms: ['linux', 'darwin'] },
  alacritty: { label: 'Alacritty', platforms: ['linux', 'darwin'] },
  wezterm: { label: 'WezTerm', platforms: ['linux', 'darwin'] },
  foot: { label: 'foot', platforms: ['linux'] },
  konsole: { label: 'Konsole', platforms: ['linux'] },
  'xfce4-terminal': { label: 'Xfce Terminal', platforms: ['linux'] },
  'gnome-terminal': { label: 'GNOME Terminal', platforms: ['linux'] },
  xterm: { label: 'xterm', platforms: ['linux'] },
  'terminal-app': { label: 'Terminal', platforms: ['darwin'] },
  iterm: { label: 'iTerm', platforms: ['darwin'] },
  'windows-terminal': { label: 'Windows Terminal', platforms: ['win32'] },
  console: { label: 'Console window (OpenSSH)', platforms: ['win32'] },
};
