import { describe, expect, it } from 'vitest';
import {
  apiPath,
  eventChannelNames,
  requestChannelNames,
  type SesameApi,
} from '../../../shared/ipc/contract';
import { contextBridge, ipcRenderer } from '../../mocks/electron';

async function exposedApi() {
  await import('../../../electron/preload/index');
  return contextBridge.exposed.get('sesame') as SesameApi & Record<string, unknown>;
}

describe('preload', () => {
  it('exposes one method per contract channel, plus `on`, and nothing else', async () => {
    const api = await exposedApi();
    expect([...contextBridge.exposed.keys()]).toEqual(['sesame']);
    const methods = Object.entries(api).flatMap(([group, m]) =>
      typeof m === 'function'
        ? [group]
        : Object.keys(m as object).map((name) => `${group}:${name}`),
    );
    expect(methods.sort()).toEqual([...requestChannelNames, 'on'].sort());
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/invoke|ipcRenderer|send/);
  });

  it('forwards each call to its own channel with its input', async () => {
    const api = (await exposedApi()) as unknown as Record<
      string,
      Record<string, (input?: unknown) => Promise<unknown>>
    >;
    for (const channel of requestChannelNames) {
      const [group, method] = apiPath(channel);
      await api[group]?.[method]?.({ probe: channel });
      expect(ipcRenderer.calls.at(-1)).toEqual({ channel, args: [{ probe: channel }] });
    }
  });

  it('delivers only contract events to a listener, and unsubscribes', async () => {
    const api = await exposedApi();
    const seen: unknown[] = [];
    const off = api.on('knock:progress', (payload) => seen.push(payload));
    ipcRenderer.emit('knock:progress', { sender: 'main' }, { stage: 'knocking' });
    expect(seen).toEqual([{ stage: 'knocking' }]);
    off();
    ipcRenderer.emit('knock:progress', {}, { stage: 'probing' });
    expect(seen).toHaveLength(1);
    expect(ipcRenderer.listenerCount('knock:progress')).toBe(0);
    for (const event of eventChannelNames)
      expect(() => api.on(event, () => undefined)()).not.toThrow();
  });

  it('refuses to listen on anything that is not an event of the contract', async () => {
    const api = await exposedApi();
    const on = api.on as unknown as (event: string, listener: unknown) => unknown;
    expect(() => on('profiles:list', () => undefined)).toThrow(/not an event/);
    expect(() => on('electron-store-get-data', () => undefined)).toThrow(/not an event/);
    expect(() => on('knock:progress', 'not a function')).toThrow(/not a function/);
  });
});
