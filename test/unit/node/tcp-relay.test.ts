import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { connectTcp, relay } from '../../../electron/node/tcp-relay';

// The proxy's connection on its own, against TCP services on 127.0.0.1.

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function service(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function connected(port: number): Promise<Socket> {
  const socket = await connectTcp('127.0.0.1', port, { timeoutMs: 2000 });
  if (!socket.ok) throw new Error(socket.error);
  return socket.value;
}

describe('connectTcp', () => {
  it('connects only to an address, never to a name it would resolve again', async () => {
    expect(await connectTcp('localhost', 22, { timeoutMs: 100 })).toEqual({
      ok: false,
      error: 'localhost is not an IP address',
    });
  });

  it('says why a connection failed', async () => {
    const port = await service(() => undefined);
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));
    expect(await connectTcp('127.0.0.1', port, { timeoutMs: 2000 })).toEqual({
      ok: false,
      error: 'ECONNREFUSED',
    });
  });
});

describe('relay', () => {
  it('ends as failed when the server resets the connection', async () => {
    const port = await service((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const input = new PassThrough();
    const ended = relay({ input, output: new PassThrough() }, await connected(port));
    input.write('x');
    expect(await ended).toEqual({ kind: 'failed', error: 'ECONNRESET' });
    expect(input.destroyed).toBe(true);
  });

  it('ends as stopped when its signal fires, destroying the connection', async () => {
    let serverSide: Socket | undefined;
    const port = await service((socket) => (serverSide = socket));
    const stop = new AbortController();
    const socket = await connected(port);
    const ended = relay(
      { input: new PassThrough(), output: new PassThrough() },
      socket,
      stop.signal,
    );
    stop.abort();
    expect(await ended).toEqual({ kind: 'stopped' });
    expect(socket.destroyed).toBe(true);
    await expect.poll(() => serverSide?.readableEnded).toBe(true);
  });

  it('ends as local-closed when its output fails (ssh went away)', async () => {
    const port = await service((socket) => socket.write('banner\r\n'));
    const output = new PassThrough();
    const ended = relay({ input: new PassThrough(), output }, await connected(port));
    output.destroy(new Error('EPIPE'));
    expect(await ended).toEqual({ kind: 'local-closed' });
  });
});
