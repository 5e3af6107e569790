import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProfileLookup } from '../../../electron/cli/knock';
import { sesameCommand } from '../../../electron/node/self-command';
import { sshConfigCommand } from '../../../electron/cli/ssh-config';
import { profileSchema, type Profile } from '../../../shared/profile/profile';

// `sesame ssh-config add|remove|show NAME` against a temp home: the profile lookup is a fake, the
// command that runs sesame is fixed so the expected text is exact.

let home: string;
const SESAME = ['/usr/bin/node', '/opt/sesame/out/cli/sesame.js'];

const lab: Profile = profileSchema.parse({
  id: 'lab',
  name: 'lab',
  host: '10.77.0.1',
  open: [{ port: 7301, protocol: 'tcp' }],
  close: [{ port: 7303, protocol: 'tcp' }],
  ssh: { user: 'root', port: 22, identityFile: '/keys/id_ed25519' },
});

const findProfile: ProfileLookup = (name) =>
  Promise.resolve(
    name.toLowerCase() === 'lab'
      ? { ok: true, profile: lab }
      : name === 'my lab'
        ? { ok: true, profile: { ...lab, name: 'my lab' } }
        : { ok: false, error: `no profile named "${name}"` },
  );

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const command = sshConfigCommand(findProfile, {
    home: () => home,
    sesame: () => SESAME,
    platform: 'linux',
  });
  const code = await command(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

const BLOCK = `Host lab
    HostName 10.77.0.1
    User root
    Port 22
    IdentityFile /keys/id_ed25519
    ProxyCommand "/usr/bin/node" "/opt/sesame/out/cli/sesame.js" proxy --profile lab %h %p
`;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'sesame-ssh-config-cmd-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('sesame ssh-config', () => {
  it('show prints the block that add writes', async () => {
    expect(await run('show', 'lab')).toEqual({ code: 0, out: BLOCK, err: '' });
  });

  it('add writes ~/.ssh/config (0600 in a 0700 ~/.ssh) and is idempotent', async () => {
    const file = join(home, '.ssh', 'config');
    const first = await run('add', 'LAB');
    expect(first).toEqual({ code: 0, out: `lab: wrote Host lab to ${file} (new file)\n`, err: '' });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(BLOCK);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, '.ssh')).mode & 0o777).toBe(0o700);
    const again = await run('add', 'lab');
    expect(again.out).toBe(`lab: ${file} already has this block; nothing changed\n`);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('add keeps the user lines and the mode, with a backup; remove gives the file back', async () => {
    const file = join(home, 'my_config');
    const mine = 'Host *\n    ServerAliveInterval 30\n';
    writeFileSync(file, mine, { mode: 0o644 });
    const added = await run('add', 'lab', '--file', file);
    expect(added.out).toBe(
      `lab: wrote Host lab to ${file} (the previous file is ${file}.sesame-backup)\n`,
    );
    expect(readFileSync(file, 'utf8').endsWith(`# <<< sesame managed <<<\n${mine}`)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(readFileSync(`${file}.sesame-backup`, 'utf8')).toBe(mine);

    expect((await run('remove', 'lab', '--file', file)).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(mine);
    const twice = await run('remove', 'lab', '--file', file);
    expect(twice).toEqual({
      code: 0,
      out: `lab: ${file} has no Sesame Host block for it; nothing changed\n`,
      err: '',
    });
  });

  it('refuses an alias the user defined, naming the file and line', async () => {
    const file = join(home, 'config');
    writeFileSync(file, '# mine\nHost lab\n    User me\n');
    const result = await run('add', 'lab', '--file', file);
    expect(result).toEqual({
      code: 1,
      out: '',
      err: `sesame: ${file}:2: Host lab is already defined there, outside Sesame's section; rename that entry or the profile\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe('# mine\nHost lab\n    User me\n');
  });

  it('refuses a profile name that cannot be an ssh alias, and an unknown profile', async () => {
    const alias = await run('add', 'my lab', '--file', join(home, 'c'));
    expect(alias.code).toBe(1);
    expect(alias.err).toContain('sesame: my lab: profile name "my lab" cannot be an ssh alias');
    const missing = await run('show', 'nope');
    expect(missing).toEqual({ code: 1, out: '', err: 'sesame: no profile named "nope"\n' });
  });

  it.each([
    [[], 'ssh-config: expected add, remove or show'],
    [['list'], "ssh-config: unknown action 'list' (add, remove or show)"],
    [['add'], 'ssh-config add: expected exactly one profile NAME'],
    [['show', 'lab', '--file', 'x'], 'ssh-config show: --file is for add and remove'],
  ])('usage: %j', async (args, message) => {
    await expect(run(...args)).rejects.toThrow(message);
  });
});

describe('sesameCommand (what the ProxyCommand runs)', () => {
  const base = { execPath: '/usr/bin/node', inApp: false, appImage: undefined };
  it('plain Node: node and the real path of the script', () => {
    expect(
      sesameCommand({
        ...base,
        argv: ['/usr/bin/node', '/usr/local/bin/sesame'],
        realpath: (p) => (p === '/usr/local/bin/sesame' ? '/usr/lib/sesame/out/cli/sesame.js' : p),
      }),
    ).toEqual(['/usr/bin/node', '/usr/lib/sesame/out/cli/sesame.js']);
  });

  it('the app: its binary with --cli; the AppImage file, not its mount; dev: the app folder', () => {
    const app = { inApp: true, realpath: (p: string) => p, appImage: undefined };
    expect(
      sesameCommand({
        ...app,
        execPath: '/opt/Sesame/sesame',
        argv: ['/opt/Sesame/sesame', '--cli', 'ssh-config'],
      }),
    ).toEqual(['/opt/Sesame/sesame', '--cli']);
    expect(
      sesameCommand({
        ...app,
        appImage: '/home/a/Sesame.AppImage',
        execPath: '/tmp/.mount_Sesame/sesame',
        argv: ['/tmp/.mount_Sesame/sesame', '--cli'],
      }),
    ).toEqual(['/home/a/Sesame.AppImage', '--cli']);
    expect(
      sesameCommand({
        ...app,
        execPath: '/src/node_modules/electron/dist/electron',
        argv: ['/src/node_modules/electron/dist/electron', '/src', '--cli', 'ssh-config'],
      }),
    ).toEqual(['/src/node_modules/electron/dist/electron', '/src', '--cli']);
  });

  it("the app's window (no --cli in its argv): the binary, in development its app folder", () => {
    const app = { inApp: true, realpath: (p: string) => p, appImage: undefined };
    const window = { ...app, execPath: '/opt/Sesame/sesame', argv: ['/opt/Sesame/sesame'] };
    expect(sesameCommand(window)).toEqual(['/opt/Sesame/sesame', '--cli']);
    expect(
      sesameCommand({
        ...app,
        execPath: '/src/node_modules/electron/dist/electron',
        argv: ['/src/node_modules/electron/dist/electron', '.'],
        appFolder: '/src',
      }),
    ).toEqual(['/src/node_modules/electron/dist/electron', '/src', '--cli']);
  });
});
