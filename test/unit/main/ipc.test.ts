import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers } from '../../../electron/main/ipc';
import type { IpcHandlers } from '../../../electron/main/ipc-dispatch';
import { requestChannelNames, requestChannels } from '../../../shared/ipc/contract';
import { FakeIpcMain } from '../../mocks/electron';

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
  it('cover exactly the channels of the contract', () => {
    const { ipc, registered } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...requestChannelNames].sort());
    expect(registered.sort()).toEqual([...requestChannelNames].sort());
    expect(Object.keys(requestChannels).sort()).toEqual([...requestChannelNames].sort());
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
