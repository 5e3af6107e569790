import { describe, expect, it } from 'vitest';
import {
  desktopTerminal,
  terminalBehindAlternative,
  terminalProbe,
  terminalSearchOrder,
  windowsSshCandidates,
} from '../../../electron/node/terminal-find';
import type { TerminalId } from '../../../shared/settings/terminals';

describe('terminalSearchOrder', () => {
  const linuxRest: TerminalId[] = [
    'kitty',
    'alacritty',
    'wezterm',
    'foot',
    'konsole',
    'xfce4-terminal',
    'gnome-terminal',
    'xterm',
  ];

  it('Linux: x-terminal-emulator, the desktop terminal, then the common ones, each once', () => {
    expect(terminalSearchOrder({ kind: 'auto' }, 'linux', { XDG_CURRENT_DESKTOP: 'KDE' })).toEqual([
      'x-terminal-emulator',
      'konsole',
      'kitty',
      'alacritty',
      'wezterm',
      'foot',
      'xfce4-terminal',
      'gnome-terminal',
      'xterm',
    ]);
    expect(terminalSearchOrder({ kind: 'auto' }, 'linux', {})).toEqual([
      'x-terminal-emulator',
      ...linuxRest,
    ]);
  });

  it('puts the setting first', () => {
    const env = { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' };
    expect(terminalSearchOrder({ kind: 'named', id: 'xterm' }, 'linux', env)).toEqual([
      'xterm',
      'x-terminal-emulator',
      'gnome-terminal',
      'kitty',
      'alacritty',
      'wezterm',
      'foot',
      'konsole',
      'xfce4-terminal',
    ]);
    expect(terminalSearchOrder({ kind: 'custom', command: 'myterm' }, 'linux', {})).toEqual([
      { custom: 'myterm' },
      'x-terminal-emulator',
      ...linuxRest,
    ]);
    expect(terminalSearchOrder({ kind: 'named', id: 'iterm' }, 'darwin', {})).toEqual([
      'iterm',
      'terminal-app',
    ]);
    expect(terminalSearchOrder({ kind: 'named', id: 'console' }, 'win32', {})).toEqual([
      'console',
      'windows-terminal',
    ]);
  });

  it('macOS uses Terminal, Windows Windows Terminal then a console; other platforms nothing', () => {
    expect(terminalSearchOrder({ kind: 'auto' }, 'darwin', {})).toEqual(['terminal-app']);
    expect(terminalSearchOrder({ kind: 'auto' }, 'win32', {})).toEqual([
      'windows-terminal',
      'console',
    ]);
    expect(terminalSearchOrder({ kind: 'auto' }, 'freebsd', {})).toEqual([]);
    expect(terminalSearchOrder({ kind: 'custom', command: 'xterm' }, 'freebsd', {})).toEqual([
      { custom: 'xterm' },
    ]);
  });

  it('drops a named terminal of another platform', () => {
    expect(terminalSearchOrder({ kind: 'named', id: 'iterm' }, 'win32', {})).toEqual([
      'windows-terminal',
      'console',
    ]);
  });
});

describe('desktopTerminal', () => {
  it.each([
    ['GNOME', 'gnome-terminal'],
    ['ubuntu:GNOME', 'gnome-terminal'],
    ['Unity', 'gnome-terminal'],
    ['X-Cinnamon', 'gnome-terminal'],
    ['Budgie:GNOME', 'gnome-terminal'],
    ['KDE', 'konsole'],
    ['XFCE', 'xfce4-terminal'],
    ['sway', undefined],
    ['', undefined],
  ])('%s → %s', (desktop, terminal) => {
    expect(desktopTerminal({ XDG_CURRENT_DESKTOP: desktop })).toBe(terminal);
  });
});

describe('where terminals are looked for', () => {
  it('macOS apps outside PATH, and iTerm only with its app installed', () => {
    expect(terminalProbe('kitty', 'darwin', { HOME: '/Users/a' })).toEqual({
      program: [
        'kitty',
        '/Applications/kitty.app/Contents/MacOS/kitty',
        '/Users/a/Applications/kitty.app/Contents/MacOS/kitty',
      ],
    });
    expect(terminalProbe('iterm', 'darwin', {})).toEqual({
      program: ['osascript'],
      needsOneOf: ['/Applications/iTerm.app/Contents/MacOS/iTerm2'],
    });
    expect(terminalProbe('kitty', 'linux', { HOME: '/home/a' })).toEqual({ program: ['kitty'] });
  });

  it('Windows: wt.exe on PATH or in WindowsApps; the system OpenSSH before PATH', () => {
    expect(
      terminalProbe('windows-terminal', 'win32', { LocalAppData: 'C:\\U\\AppData\\Local' }),
    ).toEqual({
      program: ['wt.exe', 'C:\\U\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe'],
    });
    expect(windowsSshCandidates({ SYSTEMROOT: 'C:\\Windows\\' })).toEqual([
      'C:\\Windows\\System32\\OpenSSH\\ssh.exe',
      'ssh.exe',
    ]);
    expect(windowsSshCandidates({})).toEqual(['ssh.exe']);
  });

  it('names the terminal behind the x-terminal-emulator alternative', () => {
    expect(terminalBehindAlternative('/usr/bin/gnome-terminal.wrapper')).toBe('gnome-terminal');
    expect(terminalBehindAlternative('/usr/bin/xfce4-terminal.wrapper')).toBe('xfce4-terminal');
    expect(terminalBehindAlternative('/usr/bin/konsole')).toBe('konsole');
    expect(terminalBehindAlternative('/usr/bin/lxterminal')).toBeUndefined();
    expect(terminalBehindAlternative('/usr/bin/x-terminal-emulator')).toBeUndefined();
  });
});
