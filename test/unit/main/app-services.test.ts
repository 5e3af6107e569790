import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../electron/main/app-services';
import { encryptionView, safeStorageSealer } from '../../../electron/main/encryption';
import { createHandlers } from '../../../electron/main/handlers';
import { registerIpcHandlers } from '../../../electron/main/ipc';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import { defaultSettings, type Settings } from '../../../shared/settings/settings';
import { FakeIpcMain, FakeSafeStorage } from '../../mocks/electron';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ours = { sender: 'window' } as unknown as IpcMainInvokeEvent;
const quiet = () => createLogger('test', () => undefined);

function app(safeStorage = new FakeSafeStorage()) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-app-'));
  dirs.push(dir);
  const profilePath = path.join(dir, 'profiles.json');
  let settings: unknown;
  const services = createAppServices({
    appInfo: () => ({ name: 'Sesame', version: '1.0.0', platform: 'linux' }),
    profilePath,
    sealing: safeStorageSealer(safeStorage, 'linux'),
    settingsStorage: { read: () => settings, write: (s) => (settings = s) },
    historyStorage: { read: () => undefined, write: () => undefined },
    encryption: (on) => encryptionView(safeStorage, 'linux', on),
    terminals: () => Promise.resolve([]),
    launchTerminal: () => Promise.resolve({ ok: false, error: 'no terminal in this test' }),
    sshConfig: {
      file: () => path.join(dir, 'ssh', 'config'),
      sesame: () => ['/usr/bin/node', '/opt/sesame/out/cli/sesame.js'],
      platform: 'linux',
    },
    logger: quiet,
  });
  const ipc = new FakeIpcMain();
  registerIpcHandlers(createHandlers(services), (e) => e === ours, ipc);
  const call = (channel: string, input?: unknown) => ipc.invoke(channel, ours, input);
  const cli = () => new ProfileStore({ path: profilePath, now: () => new Date(), logger: quiet() });
  return { dir, profilePath, services, call, cli, raw: () => fs.readFileSync(profilePath, 'utf8') };
}

const lab = {
  name: 'lab',
  host: '198.18.0.1',
  open: [
    { port: 7113, protocol: 'tcp' as const },
    { port: 8227, protocol: 'udp' as const },
  ],
  close: [{ port: 9341, protocol: 'tcp' as const }],
};

describe('the app services behind IPC', () => {
  it('seal the sequences on disk with a real keyring; the plain CLI sees the profile as locked', async () => {
    const t = app();
    const saved = (await t.call('profiles:save', { profile: lab })) as { ok: boolean };
    expect(saved.ok).toBe(true);
    const raw = t.raw();
    for (const port of ['7113', '8227', '9341']) expect(raw).not.toContain(port);
    expect(JSON.parse(raw)).toMatchObject({
      version: 2,
      profiles: [{ name: 'lab', host: '198.18.0.1', sealed: { backend: 'gnome_libsecret' } }],
    });
    expect(await t.call('profiles:list')).toMatchObject({
      ok: true,
      value: { profiles: [{ name: 'lab', open: lab.open, close: lab.close }] },
    });
    const cli = t.cli();
    cli.load();
    expect(cli.list()).toEqual([]);
    expect(cli.locked()).toMatchObject([{ name: 'lab', cause: 'no-sealer' }]);
  });

  it('seal a profile the CLI added in plain text once the file change is noticed', async () => {
    const t = app();
    await t.call('profiles:save', { profile: lab });
    expect(
      t.cli().add({ ...lab, name: 'from-cli', open: [{ port: 6553, protocol: 'tcp' }] }).ok,
    ).toBe(true);
    expect(t.raw()).toContain('6553');
    t.services.profiles.fileChanged();
    expect(t.raw()).not.toContain('6553');
    expect(t.services.profiles.view().profiles.map((p) => p.name)).toEqual(['lab', 'from-cli']);
  });

  it('write plain text when the user turns encryption off, and seal again when it is on', async () => {
    const t = app();
    await t.call('profiles:save', { profile: lab });
    const off: Settings = { ...defaultSettings, encryptSequences: false };
    expect(await t.call('settings:save', off)).toMatchObject({
      ok: true,
      value: { settings: off, encryption: { encrypted: false, secure: true } },
    });
    expect(t.raw()).toContain('7113');
    t.cli().load();
    await t.call('settings:save', defaultSettings);
    expect(t.raw()).not.toContain('7113');
  });

  it('keep sequences in plain text with the basic_text fallback, and say so in the settings', async () => {
    const weak = new FakeSafeStorage();
    weak.backend = 'basic_text';
    const t = app(weak);
    await t.call('profiles:save', { profile: lab });
    expect(t.raw()).toContain('7113');
    const view = (await t.call('settings:get')) as { value: { encryption: { warning?: string } } };
    expect(view.value.encryption.warning).toMatch(/plain text/);
  });

  it('refuse hostile profile values at the boundary, naming the field, and save nothing', async () => {
    const t = app();
    const hostile = await t.call('profiles:save', {
      profile: {
        ...lab,
        host: '-oProxyCommand=touch /tmp/pwned',
        ssh: { user: 'root;id', port: 22 },
      },
    });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const fields = (hostile as { error: { problems: { field: string }[] } }).error.problems.map(
      (p) => p.field,
    );
    expect(fields).toEqual(expect.arrayContaining(['profile.host', 'profile.ssh.user']));
    expect(fs.existsSync(t.profilePath)).toBe(false);
  });

  it('answer every channel of the contract', async () => {
    const t = app();
    await t.call('profiles:save', { profile: lab });
    const [profile] = t.services.profiles.view().profiles;
    const id = profile?.id ?? '';
    expect(await t.call('app:info')).toMatchObject({ ok: true, value: { name: 'Sesame' } });
    expect(await t.call('profiles:get', { id })).toMatchObject({
      ok: true,
      value: { name: 'lab' },
    });
    expect(await t.call('profiles:export')).toMatchObject({ ok: true, value: { count: 1 } });
    expect(await t.call('knock:history')).toEqual({ ok: true, value: [] });
    expect(await t.call('knock:cancel', { id })).toEqual({ ok: true, value: { cancelled: false } });
    // A door run answers with its id only (the outcome comes as an event); a second run of the
    // same profile while the first one runs is refused.
    // Knocks stay on loopback.
    const saved = await t.call('profiles:save', {
      profile: { ...lab, name: 'loop', host: '127.0.0.1' },
    });
    const loop = (saved as { value: { id: string } }).value.id;
    const finished = new Promise((resolve) => t.services.knocks.finished.add(resolve));
    const run = await t.call('knock:run', { profileId: loop, action: 'close' });
    expect(run).toEqual({ ok: true, value: { runId: expect.any(String) as string } });
    expect(await t.call('knock:run', { profileId: loop, action: 'open' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    await expect(finished).resolves.toMatchObject({
      runId: (run as { value: { runId: string } }).value.runId,
      action: 'close',
    });
    expect(await t.call('settings:get')).toMatchObject({
      ok: true,
      value: { settings: defaultSettings },
    });
    expect(await t.call('profiles:delete', { id })).toEqual({
      ok: true,
      value: { id, name: 'lab' },
    });
  });
});
