import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiPath, isEventChannel, requestChannelNames } from '../../shared/ipc/channels';
import type { SesameApi } from '../../shared/ipc/contract';

/**
 * Builds `window.sesame` from the contract table: one method per request channel, and `on` for the
 * event channels only. Neither `ipcRenderer` nor a generic invoke is ever exposed. Bundled into one
 * CommonJS file (sandbox).
 */
function buildApi(): SesameApi {
  const api: Record<string, unknown> = {};
  for (const channel of requestChannelNames) {
    const [group, method] = apiPath(channel);
    const target = (api[group] ??= {}) as Record<string, (input?: unknown) => Promise<unknown>>;
    target[method] = (input?: unknown) => ipcRenderer.invoke(channel, input);
  }
  api.on = (event: unknown, listener: unknown) => {
    if (!isEventChannel(event)) throw new Error(`sesame.on: ${String(event)} is not an event`);
    if (typeof listener !== 'function')
      throw new Error('sesame.on: the listener is not a function');
    const forward = (_event: IpcRendererEvent, payload: unknown) => {
      (listener as (payload: unknown) => void)(payload);
    };
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  };
  return api as SesameApi;
}

contextBridge.exposeInMainWorld('sesame', buildApi());
