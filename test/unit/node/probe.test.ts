import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probePort } from '../../../electron/node/probe';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

function listen(): Promise<number> {
  server = createServer((socket) => socket.destroy());
  const s = server;
  return new Promise((resolve) => {
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

async function freePort(): Promise<number> {
  const port = await listen();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
  return port;
}

describe('probePort', () => {
  it('reports open when the service answers', async () => {
    const port = await listen();
    expect(await probePort({ address: '127.0.0.1', port, timeoutMs: 2000 })).toMatchObject({
      state: 'open',
      attempts: 1,
    });
  });

  it('keeps trying a refused port until the timeout and reports closed', async () => {
    const port = await freePort();
    const result = await probePort({ address: '127.0.0.1', port, timeoutMs: 500 });
    expect(result).toMatchObject({ state: 'closed', detail: 'connection refused' });
    expect(result.attempts).toBeGreaterThan(1);
  });

  it('sees a port that opens while it is probing', async () => {
    const port = await freePort();
    const probing = probePort({ address: '127.0.0.1', port, timeoutMs: 3000 });
    setTimeout(() => {
      server = createServer((socket) => socket.destroy()).listen(port, '127.0.0.1');
    }, 300);
    expect(await probing).toMatchObject({ state: 'open' });
  });

  it('stops when aborted', async () => {
    const port = await freePort();
    const controller = new AbortController();
    controller.abort();
    expect(
      await probePort({ address: '127.0.0.1', port, timeoutMs: 5000, signal: controller.signal }),
    ).toMatchObject({
      state: 'closed',
      attempts: 0,
    });
  });
});
