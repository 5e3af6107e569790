/**
 * The names of every request and event channel, kept free of zod so the sandboxed preload can be
 * built from them without bundling the schemas; `contract.ts` keys its tables by exactly these lists.
 */
export const requestChannelNames = [
  'app:info',
  'profiles:list',
  'profiles:get',
  'profiles:save',
  'profiles:delete',
  'profiles:import',
  'profiles:export',
  'knock:run',
  'knock:cancel',
  'knock:history',
  'probe:run',
  'settings:get',
  'settings:save',
  'sshConfig:view',
  'sshConfig:add',
  'sshConfig:remove',
  'rotating:preview',
  'links:take',
] as const;

/** Name of a request channel in the contract. */
export type RequestChannel = (typeof requestChannelNames)[number];

/** Events main sends to the window; the page can only listen to these, never send on them. */
export const eventChannelNames = [
  'knock:progress',
  'profiles:changed',
  'knock:finished',
  'links:opened',
] as const;

/** Name of an event channel in the contract. */
export type EventChannel = (typeof eventChannelNames)[number];

/** Turns `app:info` into the preload API's method path `['app', 'info']`. */
export function apiPath(channel: RequestChannel): [string, string] {
  const [group, method] = channel.split(':');
  if (!group || !method) throw new Error(`channel ${channel} is not group:method`);
  return [group, method];
}

/** True when `name` is one of the event channels (the preload refuses any other). */
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (eventChannelNames as readonly string[]).includes(name);
}
