import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { registerIpcHandlers } from '../../../electron/main/ipc';
import { requestChannelNames, requestChannels } from '../../../shared/ipc/contract';
import { ipcMain as fakeIpc } from '../../mocks/electron';

const trusted = { sender: 'ours' } as unknown as IpcMainInvokeEvent;
const foreign = { sender: 'theirs' } as unknown as IpcMainInvokeEvent;

registerIpcHandlers(
  { 'app:info': () => ({ name: 'Sesame', version: '1.2.3', platform: 'linux' }) },
  (event) => event === trusted,
);

describe('IPC handlers', () => {
  it('cover exactly the channels of the contract', () => {
    expect([...fakeIpc.handlers.keys()].sort()).toEqual([...requestChannelNames].sort());
    expect(Object.keys(requestChannels).sort()).toEqual([...requestChannelNames].sort());
  });

  it('answer our window with a value', async () => {
    await expect(fakeIpc.invoke('app:info', trusted, undefined)).resolves.toEqual({
      ok: true,
      value: { name: 'Sesame', version: '1.2.3', platform: 'linux' },
    });
  });

  it('refuse a sender that is not our window', async () => {
    await expect(fakeIpc.invoke('app:info', foreign, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('return bad input as a value naming the channel', async () => {
    const result = await fakeIpc.invoke('app:info', trusted, { unexpected: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect((result as { error: { message: string } }).error.message).toMatch(/^app:info: /);
  });
});
