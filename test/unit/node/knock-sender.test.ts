import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { precisionClock, sendKnocks, type KnockClock } from '../../../electron/node/knock-sender';
import type { KnockTransport } from '../../../electron/node/knock-transport';
import type { Protocol } from '../../../shared/sequence/sequence';

/** A virtual clock: waiting moves time forward at once. */
function virtualClock(): KnockClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    wallNow: () => 1_700_000_000_000 + now,
    waitUntil(at, signal) {
      if (signal?.aborted) return Promise.reject(new Error('aborted'));
      waits.push(at);
      now = Math.max(now, at);
      return Promise.resolve();
    },
  };
}

function recordingTransport(fail: Set<number> = new Set()) {
  const sent: { protocol: Protocol; address: string; port: number }[] = [];
  let closed = false;
  const transport: KnockTransport = {
    hit({ protocol, port }, address) {
      sent.push({ protocol, address, port });
      return fail.has(port) ? Promise.reject(new Error('EPERM')) : Promise.resolve();
    },
    close() {
      closed = true;
    },
  };
  return { transport, sent, isClosed: () => closed };
}

const sequence = [
  { port: 7000, protocol: 'tcp' as const, delayMs: 100 },
  { port: 8000, protocol: 'udp' as const, delayMs: 0 },
  { port: 9000, protocol: 'tcp' as const, delayMs: 50 },
];

describe('sendKnocks', () => {
  it('sends every hit in order with its delay after it, reporting progress', async () => {
    const clock = virtualClock();
    const { transport, sent, isClosed } = recordingTransport();
    const progress: string[] = [];
    const result = await sendKnocks({
      address: '192.0.2.1',
      family: 4,
      sequence,
      transport,
      clock,
      onProgress: ({ hit, total }) =>
        progress.push(`${hit.index + 1}/${total} ${hit.protocol} ${hit.port}`),
    });
    expect(sent.map((s) => `${s.protocol}:${s.port}`)).toEqual([
      'tcp:7000',
      'udp:8000',
      'tcp:9000',
    ]);
    expect(progress).toEqual(['1/3 tcp 7000', '2/3 udp 8000', '3/3 tcp 9000']);
    expect(result.hits.map((h) => h.offsetMs)).toEqual([0, 100, 100]);
    expect(clock.waits).toEqual([100]);
    expect(result.cancelled).toBe(false);
    expect(isClosed()).toBe(true);
  });

  it('records a failed hit and goes on, as knock does', async () => {
    const { transport, sent } = recordingTransport(new Set([8000]));
    const result = await sendKnocks({
      address: '192.0.2.1',
      family: 4,
      sequence,
      transport,
      clock: virtualClock(),
    });
    expect(sent).toHaveLength(3);
    expect(result.hits.map((h) => h.error)).toEqual([undefined, 'EPERM', undefined]);
  });

  it('stops when aborted and says so', async () => {
    const controller = new AbortController();
    const { transport, sent } = recordingTransport();
    const result = await sendKnocks({
      address: '192.0.2.1',
      family: 4,
      sequence,
      transport,
      clock: virtualClock(),
      signal: controller.signal,
      onProgress: () => {
        controller.abort();
      },
    });
    expect(sent).toHaveLength(1);
    expect(result).toMatchObject({ cancelled: true, hits: [{ port: 7000 }] });
  });

  it('sends one 0x00 datagram per UDP hit on the real transport', async () => {
    const server = createSocket('udp4');
    const received: Buffer[] = [];
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const port = server.address().port;
    const got = new Promise<void>((resolve) => {
      server.on('message', (message) => {
        received.push(message);
        if (received.length === 2) resolve();
      });
    });
    await sendKnocks({
      address: '127.0.0.1',
      family: 4,
      sequence: [
        { port, protocol: 'udp', delayMs: 5 },
        { port, protocol: 'udp' },
      ],
    });
    await got;
    server.close();
    expect(received).toEqual([Buffer.from([0]), Buffer.from([0])]);
  });

  it('sends nothing and says why when the transport cannot start', async () => {
    const { transport, sent, isClosed } = recordingTransport();
    transport.prepare = () => Promise.reject(new Error('needs CAP_NET_RAW'));
    const result = await sendKnocks({
      address: '192.0.2.1',
      family: 4,
      sequence,
      transport,
      clock: virtualClock(),
    });
    expect(result).toEqual({
      address: '192.0.2.1',
      family: 4,
      hits: [],
      cancelled: false,
      error: 'needs CAP_NET_RAW',
    });
    expect(sent).toEqual([]);
    expect(isClosed()).toBe(true);
  });

  // Its accuracy is measured by `npm run bench`, not asserted here.
  it('never resolves before the deadline of the precision clock', async () => {
    const start = precisionClock.now();
    await precisionClock.waitUntil(start + 30);
    expect(precisionClock.now()).toBeGreaterThanOrEqual(start + 30);
  });

  it('rejects a precision wait when aborted', async () => {
    const controller = new AbortController();
    const wait = precisionClock.waitUntil(precisionClock.now() + 10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(wait).rejects.toThrow('stop');
  });
});
