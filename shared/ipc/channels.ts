/**
 * The names of every request channel, kept free of zod so the sandboxed preload can be built from
 * them without bundling the schemas; `contract.ts` keys its table by exactly this list.
 */
export const requestChannelNames = ['app:info'] as const;

/** Name of a request channel in the contract. */
export type RequestChannel = (typeof requestChannelNames)[number];

/** Turns `app:info` into the preload API's method path `['app', 'info']`. */
export function apiPath(channel: RequestChannel): [string, string] {
  const [group, method] = channel.split(':');
  if (!group || !method) throw new Error(`channel ${channel} is not group:method`);
  return [group, method];
}
