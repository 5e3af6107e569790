import { describe, expect, it } from 'vitest';
import {
  checkSshArgv,
  terminalCommand,
  type TerminalCommand,
} from '../../../electron/node/terminal-argv';
import type { Profile } from '../../../shared/profile/profile';
import { sshArgv } from '../../../shared/profile/ssh-argv';
import { terminalIds, terminalInfo, type TerminalId } from '../../../shared/settings/terminals';

function profile(ssh: Profile['ssh'], host = 'lab.example'): Profile {
  return {
    id: 'lab',
    name: 'Lab',
    host,
    family: 'auto',
    open: [{ port: 7000, protocol: 'tcp' }],
    delayMs: 0,
    servicePort: 22,
    ssh,
  };
}

function argvOf(p: Profile): string[] {
  const built = sshArgv(p, '198.18.0.2');
  if (!built.ok) throw new Error(built.error);
  return built.argv;
}

const SSH = argvOf(profile({ port: 2222, user: 'alice', identityFile: '/home/a/my keys/id 1' }));
const WIN_SSH = ['C:\\Windows\\System32\\OpenSSH\\ssh.exe', ...SSH.slice(1)];
const POSIX_SPAWN = { detached: true, windowsHide: false, stdio: 'ignore' };

function command(
  terminal: TerminalId | { custom: string },
  argv: readonly string[],
  platform: NodeJS.Platform,
): TerminalCommand {
  const result = terminalCommand(terminal, argv, platform);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const appleScriptHead = [
  'on run argv',
  'set cmd to ""',
  'repeat with arg in argv',
  'set cmd to cmd & quoted form of (arg as text) & " "',
  'end repeat',
];
const terminalAppScript = [
  ...appleScriptHead,
  'tell application "Terminal"',
  'activate',
  'do script cmd',
  'end tell',
  'end run',
];
const itermScript = [
  ...appleScriptHead,
  'tell application "iTerm"',
  'activate',
  'create window with default profile command cmd',
  'end tell',
  'end run',
];
const asOsascript = (lines: string[]) => lines.flatMap((line) => ['-e', line]);

// Every terminal on every platform it exists on: program, arguments, waits, spawn options.
const table: [NodeJS.Platform, TerminalId, string, string[], boolean, object][] = [
  ['linux', 'x-terminal-emulator', 'x-terminal-emulator', ['-e', ...SSH], false, POSIX_SPAWN],
  ['linux', 'kitty', 'kitty', ['--', ...SSH], true, POSIX_SPAWN],
  ['linux', 'alacritty', 'alacritty', ['-e', ...SSH], true, POSIX_SPAWN],
  [
    'linux',
    'wezterm',
    'wezterm',
    ['start', '--always-new-process', '--', ...SSH],
    true,
    POSIX_SPAWN,
  ],
  ['linux', 'foot', 'foot', ['--', ...SSH], true, POSIX_SPAWN],
  ['linux', 'konsole', 'konsole', ['--nofork', '-e', ...SSH], true, POSIX_SPAWN],
  [
    'linux',
    'xfce4-terminal',
    'xfce4-terminal',
    ['--disable-server', '-x', ...SSH],
    true,
    POSIX_SPAWN,
  ],
  ['linux', 'gnome-terminal', 'gnome-terminal', ['--wait', '--', ...SSH], true, POSIX_SPAWN],
  ['linux', 'xterm', 'xterm', ['-e', ...SSH], true, POSIX_SPAWN],
  ['darwin', 'kitty', 'kitty', ['--', ...SSH], true, POSIX_SPAWN],
  ['darwin', 'alacritty', 'alacritty', ['-e', ...SSH], true, POSIX_SPAWN],
  [
    'darwin',
    'wezterm',
    'wezterm',
    ['start', '--always-new-process', '--', ...SSH],
    true,
    POSIX_SPAWN,
  ],
  [
    'darwin',
    'terminal-app',
    'osascript',
    [...asOsascript(terminalAppScript), ...SSH],
    false,
    POSIX_SPAWN,
  ],
  ['darwin', 'iterm', 'osascript', [...asOsascript(itermScript), ...SSH], false, POSIX_SPAWN],
  [
    'win32',
    'windows-terminal',
    'wt.exe',
    ['-w', 'new', 'new-tab', '--title', 'Sesame', '--', ...WIN_SSH],
    false,
    { detached: false, windowsHide: false, stdio: 'ignore' },
  ],
  [
    'win32',
    'console',
    'C:\\Windows\\System32\\OpenSSH\\ssh.exe',
    WIN_SSH.slice(1),
    true,
    { detached: false, windowsHide: false, stdio: 'inherit' },
  ],
];

describe('terminalCommand', () => {
  it('the table covers every terminal on every platform it exists on', () => {
    const covered = table.map(([platform, id]) => `${platform}/${id}`).sort();
    const all = terminalIds.flatMap((id) => terminalInfo[id].platforms.map((p) => `${p}/${id}`));
    expect(covered).toEqual(all.sort());
  });

  it.each(table)('%s %s: %s', (platform, id, file, args, waits, spawn) => {
    const ssh = platform === 'win32' ? WIN_SSH : SSH;
    expect(command(id, ssh, platform)).toEqual({
      terminal: id,
      label: terminalInfo[id].label,
      file,
      args,
      waits,
      spawn,
    });
  });

  it('spawns the program as found when given one', () => {
    expect(command('kitty', SSH, 'linux').file).toBe('kitty');
    const found = terminalCommand('kitty', SSH, 'darwin', '/Applications/kitty.app/x/kitty');
    expect(found.ok && found.value.file).toBe('/Applications/kitty.app/x/kitty');
  });

  it('refuses a terminal on a platform it does not exist on, naming both', () => {
    for (const id of terminalIds)
      for (const platform of ['linux', 'darwin', 'win32'] as const) {
        if (terminalInfo[id].platforms.includes(platform)) continue;
        expect(terminalCommand(id, SSH, platform)).toEqual({
          ok: false,
          error: `${terminalInfo[id].label} is not available on ${platform}`,
        });
      }
  });

  it('runs a custom command as `<command> -e <ssh argv>` and expects it to wait', () => {
    expect(command({ custom: '/opt/term/bin/myterm' }, SSH, 'linux')).toEqual({
      terminal: 'custom',
      label: 'custom terminal "/opt/term/bin/myterm"',
      file: '/opt/term/bin/myterm',
      args: ['-e', ...SSH],
      waits: true,
      spawn: POSIX_SPAWN,
    });
    expect(command({ custom: 'myterm.exe' }, WIN_SSH, 'win32')).toMatchObject({
      file: 'myterm.exe',
      args: ['-e', ...WIN_SSH],
      spawn: { detached: false, windowsHide: false, stdio: 'ignore' },
    });
  });

  it('refuses a custom command that is empty, an option or holds control characters', () => {
    expect(terminalCommand({ custom: ' ' }, SSH, 'linux')).toEqual({
      ok: false,
      error: 'the custom terminal command is empty',
    });
    expect(terminalCommand({ custom: '-e' }, SSH, 'linux')).toEqual({
      ok: false,
      error: 'custom terminal command "-e" starts with "-"',
    });
    expect(terminalCommand({ custom: 'term\tx' }, SSH, 'linux')).toEqual({
      ok: false,
      error: 'custom terminal command "term\\tx" holds a control character',
    });
  });

  it('keeps the AppleScript fixed: profile values travel only as script arguments', () => {
    const weird = argvOf(profile({ port: 22, identityFile: `/k/it's "q" $(x)` }));
    for (const id of ['terminal-app', 'iterm'] as const) {
      const args = command(id, weird, 'darwin').args;
      const script = args.slice(0, -weird.length);
      expect(args.slice(-weird.length)).toEqual(weird);
      expect(script).toEqual(asOsascript(id === 'iterm' ? itermScript : terminalAppScript));
    }
  });
});

describe('Windows Terminal arguments', () => {
  const wt = (identityFile: string) =>
    terminalCommand('windows-terminal', argvOf(profile({ port: 22, identityFile })), 'win32');

  it('escapes every ; so wt does not split its command there', () => {
    const result = wt('C:\\keys\\a;b;c');
    expect(result.ok && result.value.args).toEqual([
      '-w',
      'new',
      'new-tab',
      '--title',
      'Sesame',
      '--',
      'ssh',
      '-o',
      'HostName=198.18.0.2',
      '-o',
      'HostKeyAlias=lab.example',
      '-p',
      '22',
      '-i',
      'C:\\keys\\a\\;b\\;c',
      '--',
      'lab.example',
    ]);
    const leading = wt(';x');
    expect(leading.ok && leading.value.args.at(-3)).toBe('\\;x');
    // wt turns every `\;` back into `;`, so a `\;` already in the value comes back unchanged.
    const escapedAlready = wt('C:\\k\\;y');
    expect(escapedAlready.ok && escapedAlready.value.args.at(-3)).toBe('C:\\k\\\\;y');
  });

  it('refuses values wt would mangle when it joins the command line again, naming them', () => {
    expect(wt('C:\\a"b')).toEqual({
      ok: false,
      error:
        'ssh argument 8 "C:\\\\a\\"b" holds a quote or tab; Windows Terminal cannot pass it on',
    });
    expect(wt('C:\\my dir\\')).toMatchObject({ ok: false, error: /ends in "\\"/ });
    expect(
      terminalCommand('windows-terminal', ['ssh', '-i', '', '--', 'lab'], 'win32'),
    ).toMatchObject({ ok: false, error: /argument 2 "" is empty/ });
  });
});

describe('hostile values', () => {
  it('sshArgv refuses hosts, users and identity files that could become options or shell', () => {
    const hosts = [
      '-oProxyCommand=touch /tmp/x',
      'lab;touch /tmp/x',
      '$(touch /tmp/x)',
      '`touch /tmp/x`',
      'lab\ntouch /tmp/x',
      'lab example',
    ];
    for (const host of hosts)
      expect(sshArgv(profile({ port: 22 }, host), '198.18.0.2').ok).toBe(false);
    expect(sshArgv(profile({ port: 22, user: '-oX' }), '198.18.0.2')).toEqual({
      ok: false,
      error: 'ssh user must not start with "-"',
    });
    expect(sshArgv(profile({ port: 22, user: '$(id)' }), '198.18.0.2').ok).toBe(false);
    expect(sshArgv(profile({ port: 22, identityFile: '-x' }), '198.18.0.2')).toEqual({
      ok: false,
      error: 'identity file must not start with "-"',
    });
  });

  it('the launcher refuses a hand-built argv that sshArgv would never make', () => {
    const cases: [string[], string][] = [
      [[], 'the ssh command line is empty'],
      [['-oProxyCommand=x', '--', 'lab'], 'ssh program "-oProxyCommand=x" starts with "-"'],
      [
        ['ssh', '-oProxyCommand=touch /tmp/x'],
        'the ssh command line must end with "--" and the destination, not ["ssh","-oProxyCommand=touch /tmp/x"]',
      ],
      [
        ['ssh', '--', 'lab', 'uptime'],
        'the ssh command line must end with "--" and the destination, not ["lab","uptime"]',
      ],
      [['ssh', '-p', '22', '--', '-oX'], 'ssh destination "-oX" is empty or starts with "-"'],
      [
        ['ssh', '--', 'lab\ntouch /tmp/x'],
        'ssh argument 2 "lab\\ntouch /tmp/x" holds a NUL or line break',
      ],
      [['ssh', '-i', 'a\rb', '--', 'lab'], 'ssh argument 2 "a\\rb" holds a NUL or line break'],
      [['ssh', '-i', 'a\0b', '--', 'lab'], 'ssh argument 2 "a\\u0000b" holds a NUL or line break'],
    ];
    for (const [argv, error] of cases) {
      expect(checkSshArgv(argv)).toBe(error);
      for (const [platform, id] of table)
        expect(terminalCommand(id, argv, platform)).toEqual({ ok: false, error });
      expect(terminalCommand({ custom: 'xterm' }, argv, 'linux')).toEqual({ ok: false, error });
    }
  });

  it('for every terminal and OS, odd but valid values stay single arguments and the host comes only after --', () => {
    const identityFile = "/tmp/k;$(touch /tmp/x) `id` it's";
    const weird = argvOf(profile({ port: 22, user: 'root', identityFile }));
    for (const [platform, id] of table) {
      const argv = platform === 'win32' ? ['C:\\ssh.exe', ...weird.slice(1)] : weird;
      const { args } = command(id, argv, platform);
      const expectedFile =
        id === 'windows-terminal' ? identityFile.replaceAll(';', '\\;') : identityFile;
      expect(args.filter((a) => a === expectedFile)).toHaveLength(1);
      expect(args.indexOf(expectedFile)).toBe(args.length - 3);
      expect(args.at(-2)).toBe('--');
      expect(args.filter((a) => a === 'lab.example')).toEqual(['lab.example']);
      expect(args.at(-1)).toBe('lab.example');
    }
  });
});
