import { describe, expect, it } from 'vitest';
import {
  checkSshArgv,
  terminalCommand,
  type TerminalCommand,
} from '../../../electron/node/terminal-argv';
import type { Profile } from '../../../shared/profile/profile';
import { sshArgv } from '../../../shared/profile/ssh-argv';
import { terminalIds, terminalInfo, type TerminalId } from '../../../shared/settings/terminals';
import { argvsRun } from './terminal-resplit';

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

const SSH = argvOf(profile({ port: 2222, user: 'alice', identityFile: '~/.ssh/id_lab-1' }));
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
    for (const id of ['terminal-app', 'iterm'] as const) {
      const args = command(id, SSH, 'darwin').args;
      expect(args.slice(-SSH.length)).toEqual(SSH);
      expect(args.slice(0, -SSH.length)).toEqual(
        asOsascript(id === 'iterm' ? itermScript : terminalAppScript),
      );
    }
  });
});

describe('Windows Terminal arguments', () => {
  // Profile values cannot hold `;`, quotes or spaces; the ssh program found on disk can.
  const wt = (program: string) =>
    terminalCommand('windows-terminal', [program, '-p', '22', '--', 'lab.example'], 'win32');

  it('escapes every ; so wt does not split its command there', () => {
    const result = wt('C:\\tools;old\\ssh.exe');
    expect(result.ok && result.value.args).toEqual([
      '-w',
      'new',
      'new-tab',
      '--title',
      'Sesame',
      '--',
      'C:\\tools\\;old\\ssh.exe',
      '-p',
      '22',
      '--',
      'lab.example',
    ]);
    const leading = wt(';x');
    expect(leading.ok && leading.value.args[6]).toBe('\\;x');
    // wt turns every `\;` back into `;`, so a `\;` already in the value comes back unchanged.
    const escapedAlready = wt('C:\\k\\;y');
    expect(escapedAlready.ok && escapedAlready.value.args[6]).toBe('C:\\k\\\\;y');
  });

  it('refuses values wt would mangle when it joins the command line again, naming them', () => {
    expect(wt('C:\\a"b\\ssh.exe')).toEqual({
      ok: false,
      error:
        'ssh argument 0 "C:\\\\a\\"b\\\\ssh.exe" holds a quote or tab; Windows Terminal cannot pass it on',
    });
    expect(wt('C:\\my dir\\')).toMatchObject({ ok: false, error: /ends in "\\"/ });
  });
});

describe('hostile values', () => {
  // Every builder: the terminals of the table on their platforms, and a custom `-e` terminal.
  const builders: [NodeJS.Platform, TerminalId | { custom: string }][] = [
    ...table.map(([platform, id]): [NodeJS.Platform, TerminalId] => [platform, id]),
    ['linux', { custom: '/usr/bin/lxterminal' }],
    ['darwin', { custom: 'myterm' }],
    ['win32', { custom: 'myterm.exe' }],
  ];
  const program = (platform: NodeJS.Platform) => (platform === 'win32' ? WIN_SSH[0] : 'ssh');
  const sshWith = (platform: NodeJS.Platform, identityFile: string, host = 'lab.example') => [
    program(platform) ?? 'ssh',
    '-o',
    'HostName=198.18.0.2',
    '-o',
    `HostKeyAlias=${host}`,
    '-p',
    '22',
    '-i',
    identityFile,
    '--',
    host,
  ];

  it('sshArgv refuses hosts, users and identity files that could become options or shell', () => {
    const hosts = [
      '-oProxyCommand=touch /tmp/x',
      'lab;touch /tmp/x',
      '$(touch /tmp/x)',
      '`touch /tmp/x`',
      'lab\ntouch /tmp/x',
      'lab example',
      '[::1]',
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
    for (const identityFile of ['/dev/null -oProxyCommand="touch /tmp/x"', "/k/a\\'b", '/k/$(x)'])
      expect(sshArgv(profile({ port: 22, identityFile }), '198.18.0.2')).toMatchObject({
        ok: false,
        error: /^identity file may hold only/,
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
      [
        ['ssh', '-i', '/dev/null -oProxyCommand="touch /tmp/x"', '--', 'lab'],
        'ssh argument 2 "/dev/null -oProxyCommand=\\"touch /tmp/x\\"" holds " ", which a terminal could split or expand',
      ],
      [['ssh', '-i', '', '--', 'lab'], 'ssh argument 2 "" is empty'],
      [['ssh', '-i', '=x', '--', 'lab'], 'ssh argument 2 "=x" starts with "=", which zsh expands'],
    ];
    for (const [argv, error] of cases) {
      expect(checkSshArgv(argv)).toBe(error);
      for (const [platform, id] of builders)
        expect(terminalCommand(id, argv, platform)).toEqual({ ok: false, error });
    }
  });

  it('refuses an ssh program with a space for a terminal that may re-split, on POSIX only', () => {
    const argv = ['/opt/my ssh/ssh', '--', 'lab'];
    for (const terminal of ['x-terminal-emulator', { custom: 'lxterminal' }] as const)
      expect(terminalCommand(terminal, argv, 'linux')).toMatchObject({
        ok: false,
        error:
          /^ssh program "\/opt\/my ssh\/ssh" holds " ", which a terminal could split or expand; .* may re-split its command$/,
      });
    expect(terminalCommand('terminal-app', argv, 'darwin').ok).toBe(false);
    expect(terminalCommand('kitty', argv, 'linux').ok).toBe(true);
    // On Windows the program is the system's ssh.exe, found on disk: no profile value.
    const windows = ['C:\\Program Files\\OpenSSH\\ssh.exe', '--', 'lab'];
    expect(terminalCommand({ custom: 'myterm.exe' }, windows, 'win32').ok).toBe(true);
  });

  it('every builder hands ssh exactly its argv, however the terminal re-reads its command', () => {
    for (const [platform, id] of builders) {
      const argv = sshWith(platform, '~/.ssh/id_ed25519', '2001:db8::1%eth0');
      const built = command(id, argv, platform);
      for (const run of argvsRun(built, platform)) expect(run).toEqual(argv);
    }
  });

  // lxterminal joins the words after -e and splits them again (g_shell_parse_argv), so this
  // identity file became `-oProxyCommand=touch /tmp/x` with the real launcher and the real ssh.
  // A fish login shell reads `\'` inside single quotes as a quote, which breaks `quoted form of`.
  it.each([
    ['a space and quotes (lxterminal)', '/dev/null -oProxyCommand="touch /tmp/x"'],
    ['a backslash before a quote (fish)', "/k/a\\' -oProxyCommand=touch\\ /tmp/x '"],
    ['a trailing backslash (fish)', '/k/a\\'],
    ['a command substitution (sh -c)', '/k/$(touch /tmp/x)'],
    ['a backtick (sh -c)', '/k/`touch /tmp/x`'],
    ['a semicolon (sh -c, wt)', '/k/a;touch /tmp/x'],
    ['a glob', '/k/*'],
    ['a # comment (g_shell_parse_argv)', '/k/a #x'],
    ['a tab', '/k/a\t-oProxyCommand=x'],
    ['a single quote', "/k/it's"],
  ])(
    'every builder refuses an identity file with %s, or ssh gets it unchanged',
    (_what, identityFile) => {
      for (const [platform, id] of builders) {
        const argv = sshWith(platform, identityFile);
        const built = terminalCommand(id, argv, platform);
        if (!built.ok) {
          expect(built.error).toMatch(/^ssh argument 8 /);
          continue;
        }
        for (const run of argvsRun(built.value, platform)) expect(run).toEqual(argv);
      }
    },
  );
});
