import { ipcMain as electronIpcMain, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import {
  requestChannelNames,
  requestChannels,
  type IpcResult,
  type RequestChannel,
  type RequestInput,
  type RequestResult,
} from '../../shared/ipc/contract';

/** The implementation of every channel of the contract; the type makes a missing one a compile error. */
export type IpcHandlers = {
  [C in RequestChannel]: (input: RequestInput<C>) => Promise<RequestResult<C>> | RequestResult<C>;
};

/** Decides whether a message comes from our own window's main frame (and so may be answered). */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * The one place that talks to `ipcMain`: registers a handler per contract channel that rejects
 * foreign senders, parses the input as unknown with the channel's schema, and turns failures into
 * values. Returns the channels it registered (a test compares them with the contract).
 */
export function registerIpcHandlers(
  handlers: IpcHandlers,
  isTrustedSender: SenderCheck,
  ipcMain: Pick<IpcMain, 'handle'> = electronIpcMain,
): RequestChannel[] {
  for (const channel of requestChannelNames) {
    ipcMain.handle(channel, (event, raw: unknown) =>
      handleRequest(channel, handlers, event, raw, isTrustedSender),
    );
  }
  return [...requestChannelNames];
}

async function handleRequest<C extends RequestChannel>(
  channel: C,
  handlers: IpcHandlers,
  event: IpcMainInvokeEvent,
  raw: unknown,
  isTrustedSender: SenderCheck,
): Promise<IpcResult<RequestResult<C>>> {
  if (!isTrustedSender(event)) {
    return {
      ok: false,
      error: { code: 'forbidden', message: `${channel}: sender is not the app window` },
    };
  }
  const parsed = requestChannels[channel].input.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'bad-input', message: `${channel}: ${parsed.error.message}` },
    };
  }
  const handler = handlers[channel] as (
    input: unknown,
  ) => Promise<RequestResult<C>> | RequestResult<C>;
  return { ok: true, value: await handler(parsed.data) };
}
