import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServices } from '../../../electron/main/app-services';
import { createHandlers } from '../../../electron/main/handlers';
import { registerIpcHandlers } from '../../../electron/main/ipc';
import type { IpcHandlers } from '../../../electron/main/ipc-dispatch';
import { createLogger } from '../../../electron/node/logger';
import { requestChannelNames, requestChannels } from '../../../shared/ipc/contract';
import { contextBridge, FakeIpcMain } from '../../mocks/electron';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The app's services on a temp folder, as the window and the end-to-end bridge build them. */
function realServices() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-ipc-'));
  dirs.push(dir);
  const memory = () => {
    let value: unknown;
    return { read: () => value, write: (v: unknown) => (value = v) };
  };
  return createAppServices({
    appInfo: () => ({ name: 'Sesame', version: '1.2.3', platform: 'linux' }),
    profilePath: path.join(dir, 'profiles.json'),
    settingsStorage: memory(),
    historyStorage: memory(),
    encryption: () => ({ backend: 'none', secure: false, encrypted: false }),
    terminals: () => Promise.resolve([]),
    launchTerminal: () => Promise.resolve({ ok: false, error: 'no terminal in this test' }),
    sshConfig: {
      file: () => path.join(dir, 'config'),
      sesame: () => ['sesame'],
      platform: 'linux',
    },
    logger: () => createLogger('test', () => undefined),
  });
}

const trusted = { sender: 'ours' } as unknown as IpcMainInvokeEvent;
const foreign = { sender: 'theirs' } as unknown as IpcMainInvokeEvent;

const notUsed = () => {
  throw new Error('not used in this test');
};
const handlers = Object.fromEntries(
  requestChannelNames.map((c) => [c, notUsed]),
) as unknown as IpcHandlers;
handlers['app:info'] = () => ({
  ok: true,
  value: { name: 'Sesame', version: '1.2.3', platform: 'linux' },
});
handlers['profiles:get'] = ({ id }) => ({ ok: false, error: { code: 'not-found', message: id } });

function setup() {
  const ipc = new FakeIpcMain();
  const errors: string[] = [];
  const registered = registerIpcHandlers(
    handlers,
    (event) => event === trusted,
    ipc,
    (c, e) => errors.push(`${c}: ${String(e)}`),
  );
  return { ipc, errors, registered };
}

describe('IPC handlers', () => {
  it('cover exactly the channels of the contract: the real table, what is registered, the preload', async () => {
    const channels = [...requestChannelNames].sort();
    expect(Object.keys(requestChannels).sort()).toEqual(channels);
    // The table the app and the end-to-end bridge serve, built from real services.
    const table = createHandlers(realServices());
    expect(Object.keys(table).sort()).toEqual(channels);
    const ipc = new FakeIpcMain();
    const registered = registerIpcHandlers(table, () => true, ipc);
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.keys(table).sort());
    expect(registered.sort()).toEqual(Object.keys(table).sort());
    // The window's API: one method per handler, named after its channel.
    await import('../../../electron/preload/index');
    const api = contextBridge.exposed.get('sesame') as Record<string, unknown>;
    const methods = Object.entries(api).flatMap(([group, m]) =>
      typeof m === 'function' ? [] : Object.keys(m as object).map((name) => `${group}:${name}`),
    );
    expect(methods.sort()).toEqual(Object.keys(table).sort());
  });

  it('answer our window with the handler value', async () => {
    const { ipc } = setup();
    await expect(ipc.invoke('app:info', trusted, undefined)).resolves.toEqual({
      ok: true,
      value: { name: 'Sesame', version: '1.2.3', platform: 'linux' },
    });
    await expect(ipc.invoke('profiles:get', trusted, { id: 'abc' })).resolves.toEqual({
      ok: false,
      error: { code: 'not-found', message: 'abc' },
    });
  });

  it('refuse a sender that is not our window, without running the handler', async () => {
    const { ipc, errors } = setup();
    await expect(ipc.invoke('profiles:delete', foreign, { id: 'x' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(errors).toEqual([]);
  });

  it('return bad input as a value naming the channel and each field', async () => {
    const { ipc } = setup();
    const result = (await ipc.invoke('app:info', trusted, { unexpected: true })) as {
      ok: false;
      error: { code: string; message: string };
    };
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(result.error.message).toMatch(/^app:info: /);
    const save = await ipc.invoke('profiles:save', trusted, {
      profile: { name: 'lab', host: '-oProxyCommand=x', open: [{ port: 70000, protocol: 'tcp' }] },
    });
    expect(save).toMatchObject({
      ok: false,
      error: {
        code: 'invalid',
        problems: expect.arrayContaining([
          { field: 'profile.host', message: 'host must not start with "-"' },
          { field: 'profile.open[0].port', message: 'port must be 1-65535' },
        ]) as unknown,
      },
    });
  });

  it('turn a handler that throws into an internal error value, and report it', async () => {
    const { ipc, errors } = setup();
    await expect(
      ipc.invoke('knock:run', trusted, { profileId: 'a', action: 'open' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'knock:run: not used in this test' },
    });
    expect(errors).toEqual(['knock:run: Error: not used in this test']);
  });
});
