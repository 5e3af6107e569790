import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  availableTerminals,
  launchInTerminal,
  searchPath,
  type LaunchDeps,
  type SpawnTerminal,
  type SpawnTerminalOptions,
} from '../../../electron/node/terminal-launch';
import type { Profile } from '../../../shared/profile/profile';
import { sshArgv } from '../../../shared/profile/ssh-argv';

function argvFor(identityFile: string, host = 'lab.example'): string[] {
  const profile: Profile = {
    id: 'lab',
    name: 'Lab',
    host,
    family: 'auto',
    open: [{ port: 7000, protocol: 'tcp' }],
    delayMs: 0,
    servicePort: 22,
    ssh: { port: 22, user: 'alice', identityFile },
  };
  const built = sshArgv(profile, '198.18.0.2');
  if (!built.ok) throw new Error(built.error);
  return built.argv;
}

const SSH = argvFor('~/.ssh/id_lab');

interface SpawnCall {
  file: string;
  args: string[];
  options: SpawnTerminalOptions;
}

/** A spawn that records its calls and whose children start (or fail with `failure`) a tick later. */
function fakeSpawn(failure?: Error) {
  const calls: SpawnCall[] = [];
  const children: EventEmitter[] = [];
  const spawn: SpawnTerminal = (file, args, options) => {
    calls.push({ file, args: [...args], options });
    const child = new EventEmitter();
    children.push(child);
    setImmediate(() => {
      if (failure) child.emit('error', failure);
      else child.emit('spawn');
    });
    return child;
  };
  return { spawn, calls, children };
}

/** A findExecutable that knows `installed` (name → path) and records what it was asked. */
function fakeFind(installed: Record<string, string>) {
  const asked: string[] = [];
  const find = (name: string) => {
    asked.push(name);
    return Promise.resolve(installed[name]);
  };
  return { find, asked };
}

function linuxDeps(installed: Record<string, string>, extra: Partial<LaunchDeps> = {}) {
  const found = fakeFind(installed);
  const spawned = fakeSpawn();
  const deps: LaunchDeps = {
    platform: 'linux',
    env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME', DISPLAY: ':0' },
    findExecutable: found.find,
    realpath: (path) => Promise.resolve(path),
    spawn: spawned.spawn,
    ...extra,
  };
  return { deps, asked: found.asked, calls: spawned.calls, children: spawned.children };
}

describe('launchInTerminal on Linux', () => {
  it('skips terminals that are not installed, in search order, and spawns the first found', async () => {
    const { deps, asked, calls, children } = linuxDeps({ xterm: '/usr/bin/xterm' });
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(asked).toEqual([
      'x-terminal-emulator',
      'gnome-terminal',
      'kitty',
      'alacritty',
      'wezterm',
      'foot',
      'konsole',
      'xfce4-terminal',
      'xterm',
    ]);
    expect(calls).toEqual([
      {
        file: '/usr/bin/xterm',
        args: ['-e', ...SSH],
        options: {
          detached: true,
          windowsHide: false,
          stdio: 'ignore',
          env: deps.env,
          shell: false,
        },
      },
    ]);
    expect(result).toMatchObject({ ok: true, terminal: 'xterm', label: 'xterm', waits: true });
    if (!result.ok) return;
    let exited = false;
    void result.exited.then(() => (exited = true));
    await new Promise((r) => setImmediate(r));
    expect(exited).toBe(false);
    children[0]?.emit('exit', 0, null);
    await expect(result.exited).resolves.toEqual({ code: 0, signal: null });
  });

  it('drives the terminal behind x-terminal-emulator with its own waiting argv', async () => {
    const { deps, calls } = linuxDeps(
      {
        'x-terminal-emulator': '/usr/bin/x-terminal-emulator',
        'gnome-terminal': '/usr/bin/gnome-terminal',
      },
      { realpath: () => Promise.resolve('/usr/bin/gnome-terminal.wrapper') },
    );
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(calls.map((c) => [c.file, c.args])).toEqual([
      ['/usr/bin/gnome-terminal', ['--wait', '--', ...SSH]],
    ]);
    expect(result).toMatchObject({
      ok: true,
      terminal: 'gnome-terminal',
      label: 'GNOME Terminal (x-terminal-emulator)',
      waits: true,
    });
  });

  it('uses x-terminal-emulator -e for an unknown alternative, and does not count on it waiting', async () => {
    for (const realpath of [
      () => Promise.resolve('/usr/bin/lxterminal'),
      () => Promise.reject(new Error('EACCES')),
    ]) {
      const { deps, calls } = linuxDeps(
        { 'x-terminal-emulator': '/usr/bin/x-terminal-emulator' },
        { realpath },
      );
      const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
      expect(calls.map((c) => [c.file, c.args])).toEqual([
        ['/usr/bin/x-terminal-emulator', ['-e', ...SSH]],
      ]);
      expect(result).toMatchObject({ ok: true, terminal: 'x-terminal-emulator', waits: false });
    }
  });

  it('tries the named terminal first, and falls back when it is not installed', async () => {
    const installed = {
      'x-terminal-emulator': '/usr/bin/x-terminal-emulator',
      kitty: '/usr/bin/kitty',
    };
    const first = linuxDeps(installed);
    await launchInTerminal({ kind: 'named', id: 'kitty' }, SSH, first.deps);
    expect(first.asked).toEqual(['kitty']);
    expect(first.calls[0]?.args).toEqual(['--', ...SSH]);

    const missing = linuxDeps(installed);
    const result = await launchInTerminal({ kind: 'named', id: 'foot' }, SSH, missing.deps);
    expect(missing.asked.slice(0, 2)).toEqual(['foot', 'x-terminal-emulator']);
    expect(result).toMatchObject({ ok: true, terminal: 'x-terminal-emulator' });
  });

  it('runs a custom command found on PATH as `<path> -e <ssh argv>`', async () => {
    const { deps, calls } = linuxDeps({ myterm: '/opt/bin/myterm' });
    const result = await launchInTerminal({ kind: 'custom', command: 'myterm' }, SSH, deps);
    expect(calls.map((c) => [c.file, c.args])).toEqual([['/opt/bin/myterm', ['-e', ...SSH]]]);
    expect(result).toMatchObject({
      ok: true,
      terminal: 'custom',
      label: 'custom terminal "myterm"',
      waits: true,
    });
  });

  it('reports a spawn error of the chosen terminal as a value naming it', async () => {
    const error = Object.assign(new Error('spawn /usr/bin/xterm EACCES'), { code: 'EACCES' });
    const { deps } = linuxDeps({ xterm: '/usr/bin/xterm' }, { spawn: fakeSpawn(error).spawn });
    expect(await launchInTerminal({ kind: 'auto' }, SSH, deps)).toEqual({
      ok: false,
      error: 'could not start xterm (/usr/bin/xterm): spawn /usr/bin/xterm EACCES',
    });
    const throwing = linuxDeps(
      { kitty: '/usr/bin/kitty' },
      {
        spawn: () => {
          throw new Error('spawn EINVAL');
        },
      },
    );
    expect(await launchInTerminal({ kind: 'auto' }, SSH, throwing.deps)).toEqual({
      ok: false,
      error: 'could not start kitty (/usr/bin/kitty): spawn EINVAL',
    });
  });

  it('lists everything it tried when no terminal is installed', async () => {
    const { deps, calls } = linuxDeps({});
    const result = await launchInTerminal({ kind: 'custom', command: 'myterm' }, SSH, deps);
    expect(calls).toEqual([]);
    expect(result).toEqual({
      ok: false,
      error:
        'no terminal to run ssh in; tried custom terminal "myterm": not found; ' +
        'System default (x-terminal-emulator): not found; GNOME Terminal: not found; ' +
        'kitty: not found; Alacritty: not found; WezTerm: not found; foot: not found; ' +
        'Konsole: not found; Xfce Terminal: not found; xterm: not found',
    });
  });

  it('refuses a hostile argv before looking for or starting anything', async () => {
    const { deps, asked, calls } = linuxDeps({ xterm: '/usr/bin/xterm' });
    for (const argv of [
      ['ssh', '-oProxyCommand=touch /tmp/x'],
      ['ssh', '--', '-oProxyCommand=touch /tmp/x'],
      ['ssh', '--', 'lab\ntouch /tmp/x'],
    ]) {
      const result = await launchInTerminal({ kind: 'auto' }, argv, deps);
      expect(result).toMatchObject({ ok: false, error: /^not starting ssh: / });
    }
    expect(asked).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('a platform it knows no terminal for needs a custom command', async () => {
    const { deps } = linuxDeps({}, { platform: 'freebsd' });
    expect(await launchInTerminal({ kind: 'auto' }, SSH, deps)).toEqual({
      ok: false,
      error: 'Sesame knows no terminal for freebsd; set a custom terminal command in Settings',
    });
  });
});

describe('launchInTerminal on macOS', () => {
  it('opens Terminal through osascript, which does not wait', async () => {
    const { deps, calls } = linuxDeps({ osascript: '/usr/bin/osascript' }, { platform: 'darwin' });
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(calls[0]?.file).toBe('/usr/bin/osascript');
    expect(calls[0]?.args.slice(-SSH.length)).toEqual(SSH);
    expect(calls[0]?.args).toContain('do script cmd');
    expect(result).toMatchObject({ ok: true, terminal: 'terminal-app', waits: false });
  });

  it('uses iTerm only when its app is installed', async () => {
    const without = linuxDeps(
      { osascript: '/usr/bin/osascript' },
      { platform: 'darwin', env: { HOME: '/Users/a' } },
    );
    const fallback = await launchInTerminal({ kind: 'named', id: 'iterm' }, SSH, without.deps);
    expect(fallback).toMatchObject({ ok: true, terminal: 'terminal-app' });

    const app = '/Users/a/Applications/iTerm.app/Contents/MacOS/iTerm2';
    const withApp = linuxDeps(
      { osascript: '/usr/bin/osascript', [app]: app },
      { platform: 'darwin', env: { HOME: '/Users/a' } },
    );
    const iterm = await launchInTerminal({ kind: 'named', id: 'iterm' }, SSH, withApp.deps);
    expect(iterm).toMatchObject({ ok: true, terminal: 'iterm', label: 'iTerm', waits: false });
    expect(withApp.calls[0]?.args).toContain('create window with default profile command cmd');
  });
});

describe('launchInTerminal on Windows', () => {
  const systemSsh = 'C:\\Windows\\System32\\OpenSSH\\ssh.exe';
  const env = { SystemRoot: 'C:\\Windows' };
  const winDeps = (installed: Record<string, string>) =>
    linuxDeps(installed, { platform: 'win32', env });

  it('runs the system OpenSSH in Windows Terminal', async () => {
    const { deps, calls } = winDeps({
      [systemSsh]: systemSsh,
      'wt.exe': 'C:\\Users\\a\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe',
    });
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(calls).toEqual([
      {
        file: 'C:\\Users\\a\\AppData\\Local\\Microsoft\\WindowsApps\\wt.exe',
        args: ['-w', 'new', 'new-tab', '--title', 'Sesame', '--', systemSsh, ...SSH.slice(1)],
        options: { detached: false, windowsHide: false, stdio: 'ignore', env, shell: false },
      },
    ]);
    expect(result).toMatchObject({ ok: true, terminal: 'windows-terminal', waits: false });
  });

  it('falls back to ssh.exe in a console window of its own, which waits', async () => {
    const { deps, calls } = winDeps({ 'ssh.exe': 'C:\\Program Files\\OpenSSH\\ssh.exe' });
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(calls).toEqual([
      {
        file: 'C:\\Program Files\\OpenSSH\\ssh.exe',
        args: SSH.slice(1),
        options: { detached: false, windowsHide: false, stdio: 'inherit', env, shell: false },
      },
    ]);
    expect(result).toMatchObject({ ok: true, terminal: 'console', waits: true });
  });

  it('uses the console when Windows Terminal cannot carry an argument', async () => {
    const odd = 'C:\\odd"dir\\ssh.exe';
    const { deps, calls } = winDeps({ 'ssh.exe': odd, 'wt.exe': 'C:\\wt.exe' });
    const result = await launchInTerminal({ kind: 'auto' }, SSH, deps);
    expect(calls[0]?.file).toBe(odd);
    expect(result).toMatchObject({ ok: true, terminal: 'console' });
  });

  it('says where it looked when OpenSSH is missing', async () => {
    const { deps, calls } = winDeps({ 'wt.exe': 'C:\\wt.exe' });
    expect(await launchInTerminal({ kind: 'auto' }, SSH, deps)).toEqual({
      ok: false,
      error:
        'the OpenSSH client was not found (looked for C:\\Windows\\System32\\OpenSSH\\ssh.exe and ssh.exe on PATH); add Windows\' "OpenSSH Client" optional feature',
    });
    expect(calls).toEqual([]);
  });
});

describe('availableTerminals', () => {
  it('lists the terminals of the platform and whether each is installed', async () => {
    const linux = fakeFind({ kitty: '/usr/bin/kitty', xterm: '/usr/bin/xterm' });
    expect(await availableTerminals('linux', {}, linux.find)).toEqual([
      {
        id: 'x-terminal-emulator',
        label: 'System default (x-terminal-emulator)',
        available: false,
      },
      { id: 'kitty', label: 'kitty', available: true },
      { id: 'alacritty', label: 'Alacritty', available: false },
      { id: 'wezterm', label: 'WezTerm', available: false },
      { id: 'foot', label: 'foot', available: false },
      { id: 'konsole', label: 'Konsole', available: false },
      { id: 'xfce4-terminal', label: 'Xfce Terminal', available: false },
      { id: 'gnome-terminal', label: 'GNOME Terminal', available: false },
      { id: 'xterm', label: 'xterm', available: true },
    ]);
    const mac = fakeFind({ osascript: '/usr/bin/osascript' });
    expect(await availableTerminals('darwin', {}, mac.find)).toEqual([
      { id: 'kitty', label: 'kitty', available: false },
      { id: 'alacritty', label: 'Alacritty', available: false },
      { id: 'wezterm', label: 'WezTerm', available: false },
      { id: 'terminal-app', label: 'Terminal', available: true },
      { id: 'iterm', label: 'iTerm', available: false },
    ]);
    const win = fakeFind({ 'ssh.exe': 'C:\\ssh.exe' });
    expect(await availableTerminals('win32', {}, win.find)).toEqual([
      { id: 'windows-terminal', label: 'Windows Terminal', available: false },
      { id: 'console', label: 'Console window (OpenSSH)', available: true },
    ]);
  });
});

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-terminal-'));
  dirs.push(dir);
  return dir;
}

describe('searchPath', () => {
  it.skipIf(process.platform === 'win32')(
    'finds an executable file on PATH, skipping files that are not executable and directories',
    async () => {
      const [a, b, c] = [tempDir(), tempDir(), tempDir()];
      writeFileSync(join(a, 'tool'), '#!/bin/sh\n');
      chmodSync(join(a, 'tool'), 0o644);
      mkdirSync(join(b, 'tool'));
      chmodSync(join(b, 'tool'), 0o755);
      writeFileSync(join(c, 'tool'), '#!/bin/sh\n');
      chmodSync(join(c, 'tool'), 0o755);
      const find = searchPath('linux', { PATH: ['', a, b, c].join(':') });
      expect(await find('tool')).toBe(join(c, 'tool'));
      expect(await find('missing')).toBeUndefined();
      expect(await find(join(c, 'tool'))).toBe(join(c, 'tool'));
      expect(await find(join(a, 'tool'))).toBeUndefined();
      expect(await find('')).toBeUndefined();
    },
  );

  it('on Windows tries each PATHEXT extension in each PATH folder, or the name as given', async () => {
    const checked: string[] = [];
    const find = searchPath('win32', { Path: 'C:\\a;C:\\b', PATHEXT: '.EXE;.CMD' }, (path) => {
      checked.push(path);
      return Promise.resolve(path === 'C:\\b\\term.CMD');
    });
    expect(await find('term')).toBe('C:\\b\\term.CMD');
    expect(checked).toEqual([
      'C:\\a\\term.EXE',
      'C:\\a\\term.CMD',
      'C:\\b\\term.EXE',
      'C:\\b\\term.CMD',
    ]);
    checked.length = 0;
    expect(await find('wt.exe')).toBeUndefined();
    expect(checked).toEqual(['C:\\a\\wt.exe', 'C:\\b\\wt.exe']);
    checked.length = 0;
    await find('C:\\Windows\\System32\\OpenSSH\\ssh.exe');
    expect(checked).toEqual(['C:\\Windows\\System32\\OpenSSH\\ssh.exe']);
  });
});

describe('launchInTerminal for real', () => {
  it.skipIf(process.platform === 'win32')(
    'runs a custom terminal with exactly `-e` and the ssh argv, and reports its exit',
    async () => {
      const dir = tempDir();
      const recorder = join(dir, 'record terminal');
      const record = join(dir, 'argv.txt');
      writeFileSync(
        recorder,
        '#!/bin/sh\nfor arg in "$@"; do printf \'%s\\n\' "$arg" >> "$SESAME_RECORD"; done\nexit 0\n',
      );
      chmodSync(recorder, 0o755);
      const argv = argvFor('~/.ssh/id_ed25519');
      const result = await launchInTerminal({ kind: 'custom', command: recorder }, argv, {
        platform: process.platform,
        env: { ...process.env, SESAME_RECORD: record },
      });
      expect(result).toMatchObject({ ok: true, terminal: 'custom', waits: true });
      if (!result.ok) return;
      expect(await result.exited).toEqual({ code: 0, signal: null });
      expect(readFileSync(record, 'utf8').split('\n').slice(0, -1)).toEqual(['-e', ...argv]);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'gives a terminal that joins and re-splits its command (as lxterminal does) nothing to re-split',
    async () => {
      const dir = tempDir();
      const resplitter = join(dir, 'resplit-term');
      const record = join(dir, 'argv.txt');
      // Joins the words after -e and splits them again as a shell would, then records them.
      writeFileSync(
        resplitter,
        '#!/bin/sh\nshift\neval "set -- $*"\nfor arg in "$@"; do printf \'%s\\n\' "$arg" >> "$SESAME_RECORD"; done\n',
      );
      chmodSync(resplitter, 0o755);
      const deps = { platform: process.platform, env: { ...process.env, SESAME_RECORD: record } };
      const setting = { kind: 'custom' as const, command: resplitter };
      const hostile = [...SSH.slice(0, -3), '/dev/null -oProxyCommand="touch /tmp/x"', '--', 'lab'];
      const refused = await launchInTerminal(setting, hostile, deps);
      expect(refused).toMatchObject({ ok: false, error: /^not starting ssh: ssh argument 10 / });
      expect(() => readFileSync(record, 'utf8')).toThrow(/ENOENT/);

      const argv = argvFor('~/.ssh/id_ed25519');
      const result = await launchInTerminal(setting, argv, deps);
      if (!result.ok) throw new Error(result.error);
      await result.exited;
      expect(readFileSync(record, 'utf8').split('\n').slice(0, -1)).toEqual([
        ...argv.slice(0, -3),
        `${process.env.HOME ?? '~'}/.ssh/id_ed25519`,
        ...argv.slice(-2),
      ]);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'reports a terminal the system refuses to run as a value naming it',
    async () => {
      const dir = tempDir();
      const notExecutable = join(dir, 'term');
      writeFileSync(notExecutable, '#!/bin/sh\nexit 0\n');
      chmodSync(notExecutable, 0o644);
      const result = await launchInTerminal({ kind: 'custom', command: 'term' }, SSH, {
        platform: process.platform,
        env: process.env,
        findExecutable: (name) => Promise.resolve(name === 'term' ? notExecutable : undefined),
      });
      expect(result).toEqual({
        ok: false,
        error: `could not start custom terminal "term" (${notExecutable}): spawn ${notExecutable} EACCES`,
      });
    },
  );
});
