/// <reference lib="dom" />
// The preload API for a plain browser page, served by the test bridge: the same object shape as
// electron/preload (one method per contract channel, plus `on` for the events), built from the same
// channel list, but carried over HTTP (POST per request, one EventSource for the events).
import { apiPath, isEventChannel, requestChannelNames } from '../../../shared/ipc/channels';

type Listener = (payload: unknown) => void;

const api: Record<string, unknown> = {};
for (const channel of requestChannelNames) {
  const [group, method] = apiPath(channel);
  const target = (api[group] ??= {}) as Record<string, (input?: unknown) => Promise<unknown>>;
  target[method] = async (input?: unknown) => {
    const response = await fetch(`/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    if (!response.ok)
      return { ok: false, error: { code: 'bridge', message: `bridge: HTTP ${response.status}` } };
    return (await response.json()) as unknown;
  };
}

const listeners = new Map<string, Set<Listener>>();
const source = new EventSource('/api/events');
source.addEventListener('message', (message: MessageEvent<string>) => {
  const { event, payload } = JSON.parse(message.data) as { event: string; payload: unknown };
  for (const listener of listeners.get(event) ?? []) listener(payload);
});

api.on = (event: unknown, listener: unknown) => {
  if (!isEventChannel(event)) throw new Error(`sesame.on: ${String(event)} is not an event`);
  if (typeof listener !== 'function') throw new Error('sesame.on: the listener is not a function');
  const set = listeners.get(event) ?? new Set<Listener>();
  listeners.set(event, set);
  set.add(listener as Listener);
  return () => set.delete(listener as Listener);
};

(window as unknown as { sesame: unknown }).sesame = api;
