import type { z } from 'zod';
import {
  requestChannels,
  type IpcResult,
  type ParsedInput,
  type RequestChannel,
  type RequestResult,
} from '../../shared/ipc/contract';
import { errorMessage } from '../../shared/basics';
import { fieldProblems, problemLine } from '../../shared/field-problems';

/**
 * The implementation of every channel of the contract; the type makes a missing one a compile
 * error. Expected failures are returned as `{ ok: false }` values; a throw is a bug.
 */
export type IpcHandlers = {
  [C in RequestChannel]: (
    input: ParsedInput<C>,
  ) => Promise<IpcResult<RequestResult<C>>> | IpcResult<RequestResult<C>>;
};

/** Where a handler's unexpected error is reported (the main process log). */
export type ErrorSink = (channel: RequestChannel, error: unknown) => void;

/**
 * Parses `raw` with the channel's schema and runs its handler; bad input and thrown errors come back
 * as values. Electron-free, so the test bridge serves the same handlers without Electron.
 */
export async function callHandler<C extends RequestChannel>(
  channel: C,
  handlers: IpcHandlers,
  raw: unknown,
  onError: ErrorSink = () => undefined,
): Promise<IpcResult<RequestResult<C>>> {
  const parsed = (requestChannels[channel].input as z.ZodType).safeParse(raw);
  if (!parsed.success) {
    const problems = fieldProblems(parsed.error);
    return {
      ok: false,
      error: {
        code: 'invalid',
        message: `${channel}: ${problems.map(problemLine).join('; ')}`,
        problems,
      },
    };
  }
  const handler = handlers[channel] as (
    input: unknown,
  ) => Promise<IpcResult<RequestResult<C>>> | IpcResult<RequestResult<C>>;
  try {
    return await handler(parsed.data);
  } catch (error) {
    onError(channel, error);
    const message = errorMessage(error);
    return { ok: false, error: { code: 'internal', message: `${channel}: ${message}` } };
  }
}
