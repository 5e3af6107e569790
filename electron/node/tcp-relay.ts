import { isIP, Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { Parsed } from '../../shared/basics';

/**
 * Connects to one address (the knocked one: never a name, so the family cannot change between the
 * knock and the connection). The socket sends small writes at once (an interactive ssh session,
 * as ssh does on its own sockets) and keeps TCP keepalive on (ssh's TCPKeepAlive default).
 */
export function connectTcp(
  address: string,
  port: number,
  options: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<Parsed<Socket>> {
  if (isIP(address) === 0)
    return Promise.resolve({ ok: false, error: `${address} is not an IP address` });
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (result: Parsed<Socket>) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onConnect = () => {
      socket.setNoDelay(true);
      socket.setKeepAlive(true);
      done({ ok: true, value: socket });
    };
    const onError = (error: NodeJS.ErrnoException) =>
      done({ ok: false, error: error.code ?? error.message });
    const onAbort = () => done({ ok: false, error: 'stopped' });
    const timer = setTimeout(
      () => done({ ok: false, error: `no answer within ${String(options.timeoutMs)} ms` }),
      options.timeoutMs,
    );
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', onConnect);
    socket.once('error', onError);
    socket.connect({ host: address, port });
  });
}

/** How a relay ended. */
export type RelayEnd =
  /** The remote side closed; everything it sent was written out. */
  | { kind: 'closed' }
  /** Our side went away: the output closed or failed, or the input failed (ssh exited). */
  | { kind: 'local-closed' }
  /** The abort signal fired (a session signal: ssh ends a proxy with SIGHUP). */
  | { kind: 'stopped' }
  /** The connection failed (reset, timed out). */
  | { kind: 'failed'; error: string };

/** The local side of a relay: where bytes come from and go to (the process's stdin and stdout). */
export interface RelayStreams {
  input: Readable;
  output: Writable;
}

/**
 * Relays `input` to `socket` and `socket` to `output` until the session ends, with backpressure
 * both ways. Half-close: the end of input ends the socket's sending side (FIN) and the relay keeps
 * reading; the socket's end finishes the relay once all it sent has been written out. Afterwards
 * the socket is destroyed and input is no longer read (so the process can exit).
 */
export function relay(
  { input, output }: RelayStreams,
  socket: Socket,
  signal?: AbortSignal,
): Promise<RelayEnd> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: RelayEnd) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      input.unpipe(socket);
      socket.unpipe(output);
      socket.destroy();
      input.destroy();
      resolve(end);
    };
    const onAbort = () => finish({ kind: 'stopped' });
    const flushThenFinish = () => {
      if (output.writableLength === 0) finish({ kind: 'closed' });
      else output.once('drain', flushThenFinish);
    };
    // Listeners stay after the end: a late error of a destroyed stream must not go unhandled.
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'failed', error: error.code ?? error.message }),
    );
    output.on('error', () => finish({ kind: 'local-closed' }));
    input.on('error', () => finish({ kind: 'local-closed' }));
    output.once('close', () => finish({ kind: 'local-closed' }));
    socket.once('end', flushThenFinish);
    socket.once('close', () => {
      if (!settled) flushThenFinish();
    });
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    input.pipe(socket); // input's end calls socket.end(): the half-close
    socket.pipe(output, { end: false }); // stdout is not ours to close
  });
}
