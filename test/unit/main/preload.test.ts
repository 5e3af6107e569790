import { describe, expect, it } from 'vitest';
import { apiPath, requestChannelNames } from '../../../shared/ipc/contract';
import { contextBridge, ipcRenderer } from '../../mocks/electron';

describe('preload', () => {
  it('exposes one method per contract channel and nothing else', async () => {
    await import('../../../electron/preload/index');
    const exposed = contextBridge.exposed;
    expect([...exposed.keys()]).toEqual(['sesame']);
    const api = exposed.get('sesame') as Record<string, Record<string, unknown>>;
    const methods = Object.entries(api).flatMap(([group, m]) =>
      Object.keys(m).map((name) => `${group}:${name}`),
    );
    expect(methods.sort()).toEqual([...requestChannelNames].sort());
  });

  it('forwards a call to its own channel', async () => {
    await import('../../../electron/preload/index');
    const api = contextBridge.exposed.get('sesame') as Record<
      string,
      Record<string, () => Promise<unknown>>
    >;
    const [group, method] = apiPath('app:info');
    await api[group]?.[method]?.();
    expect(ipcRenderer.calls.at(-1)).toEqual({
      channel: 'app:info',
      args: [undefined],
    });
  });
});
