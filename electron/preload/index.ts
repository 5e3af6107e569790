import { contextBridge, ipcRenderer } from 'electron';
import { apiPath, requestChannelNames } from '../../shared/ipc/channels';
import type { SesameApi } from '../../shared/ipc/contract';

/**
 * Builds `window.sesame` from the contract table: one method per channel, nothing else. Neither
 * `ipcRenderer` nor a generic invoke is ever exposed. Bundled into one CommonJS file (sandbox).
 */
function buildApi(): SesameApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of requestChannelNames) {
    const [group, method] = apiPath(channel);
    const target = (api[group] ??= {});
    target[method] = (input?: unknown) => ipcRenderer.invoke(channel, input);
  }
  return api as unknown as SesameApi;
}

contextBridge.exposeInMainWorld('sesame', buildApi());
