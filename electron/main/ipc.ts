import { ipcMain as electronIpcMain, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import { requestChannelNames, type RequestChannel } from '../../shared/ipc/contract';
import { callHandler, type ErrorSink, type IpcHandlers } from './ipc-dispatch';

export type { ErrorSink, IpcHandlers } from './ipc-dispatch';

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
  onError: ErrorSink = () => undefined,
): RequestChannel[] {
  for (const channel of requestChannelNames) {
    ipcMain.handle(channel, (event, raw: unknown) =>
      isTrustedSender(event)
        ? callHandler(channel, handlers, raw, onError)
        : {
            ok: false,
            error: { code: 'forbidden', message: `${channel}: sender is not the app window` },
          },
    );
  }
  return [...requestChannelNames];
}
