import { z } from 'zod';
import type { RequestChannel } from './channels';

export { apiPath, requestChannelNames, type RequestChannel } from './channels';

/** Carries a channel's result type in the table; it has no runtime content. */
interface ResultOf<T> {
  readonly __result?: T;
}

function resultOf<T>(): ResultOf<T> {
  return {};
}

interface ChannelSpec {
  input: z.ZodType;
  result: ResultOf<unknown>;
}

/** Every request channel the renderer may call: its input schema and its result type. */
export const requestChannels = {
  'app:info': {
    input: z.undefined(),
    result: resultOf<AppInfo>(),
  },
} as const satisfies Record<RequestChannel, ChannelSpec>;

/** What the window shows about the running app (version, platform). */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** Input type of a channel, derived from its schema. */
export type RequestInput<C extends RequestChannel> = z.infer<(typeof requestChannels)[C]['input']>;

/** Result type of a channel. */
export type RequestResult<C extends RequestChannel> =
  (typeof requestChannels)[C]['result'] extends ResultOf<infer T> ? T : never;

/** Expected failures travel as values, never as thrown errors across IPC. */
export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The typed API object the preload exposes as `window.sesame`, derived from the table. */
export type SesameApi = {
  [C in RequestChannel as ChannelGroup<C>]: {
    [K in RequestChannel as ChannelGroup<K> extends ChannelGroup<C> ? ChannelMethod<K> : never]: (
      ...args: RequestInput<K> extends undefined ? [] : [RequestInput<K>]
    ) => Promise<IpcResult<RequestResult<K>>>;
  };
};

type ChannelGroup<C extends string> = C extends `${infer G}:${string}` ? G : never;
type ChannelMethod<C extends string> = C extends `${string}:${infer M}` ? M : never;
