import { execFile, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { openCapture, type Capture } from '../../electron/node/capture';
import type { DecodedPacket } from '../../shared/matcher/packet-decode';
import { describeRoot } from '../support/root';

// The capture addon on loopback (no namespace needed: the traffic never leaves this host): what a
// server gets while its event loop is busy, the kernel's drop counters, the snapshot length and
// promiscuous mode.

const run = promisify(execFile);
let open: Capture | undefined;
afterEach(() => {
  open?.close();
  open = undefined;
});

/** A UDP port nothing else here sends to. */
function quietPort(): number {
  return 40_000 + Math.floor(Math.random() * 20_000);
}

/** Sends `count` UDP datagrams of `size` bytes to 127.0.0.1:port from another process, at once. */
function flood(port: number, count: number, size = 32): Promise<void> {
  const script = `const s = require('node:dgram').createSocket('udp4');
const b = Buffer.alloc(${String(size)}); const total = ${String(count)}; let sent = 0; let done = 0;
const next = () => {
  if (sent === total) return;
  sent += 1;
  s.send(b, ${String(port)}, '127.0.0.1', () => { done += 1; if (done === total) s.close(); else next(); });
};
for (let i = 0; i < 64; i += 1) next();`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`sender exited ${String(code)}`)),
    );
  });
}

/** The sockets a process holds (`socket:[INODE]`), by fd: /proc/PID/fd. */
function socketsOf(pid: number | 'self'): Map<string, string> {
  const sockets = new Map<string, string>();
  for (const fd of readdirSync(`/proc/${String(pid)}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${String(pid)}/fd/${fd}`);
      if (target.startsWith('socket:')) sockets.set(fd, target);
    } catch {
      // closed since the listing (the listing's own descriptor)
    }
  }
  return sockets;
}

/** Blocks this thread (the event loop) for `ms`, as a long GC or a synchronous write would. */
function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function capture(port: number, ringPackets?: number) {
  const got: DecodedPacket[] = [];
  const result = openCapture({
    interface: 'lo',
    filter: `udp dst port ${String(port)}`,
    onPacket: (packet) => got.push(packet),
    ...(ringPackets === undefined ? {} : { ringPackets }),
  });
  if (!result.ok) throw new Error(result.error);
  open = result.value;
  return { capture: result.value, got };
}

describeRoot('the capture addon on loopback (sesame-capture)', { commands: ['ip'] }, () => {
  it('keeps every packet of a 20,000-packet burst while the event loop is blocked for 1.5 s', async () => {
    const port = quietPort();
    const { capture: c, got } = capture(port);
    const sent = flood(port, 20_000);
    blockEventLoop(1500);
    await sent;
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(20_000);
    expect(c.counters().dropped).toBe(0);
    expect(new Set(got.map((p) => `${p.protocol} ${String(p.port)} ${p.source}`))).toEqual(
      new Set([`udp ${String(port)} 127.0.0.1`]),
    );
  }, 30_000);

  it('counts what a ring too small for the burst drops, and delivers the rest', async () => {
    const port = quietPort();
    const { capture: c, got } = capture(port, 500);
    const sent = flood(port, 20_000);
    blockEventLoop(1500);
    await sent;
    await expect.poll(() => c.counters().dropped, { timeout: 10_000 }).toBeGreaterThan(0);
    // Nothing lost unseen: each packet was delivered or counted. (On loopback the ring also holds
    // the outgoing copy of each packet, which libpcap skips after the ring: those count too.)
    await expect
      .poll(() => got.length + c.counters().dropped, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(20_000);
    expect(got.length).toBeLessThan(20_000);
  }, 30_000);

  it('reads ports from the first bytes only (large datagrams), with promiscuous mode off', async () => {
    const port = quietPort();
    const { got } = capture(port);
    await flood(port, 10, 1400);
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(10);
    expect(got.every((p) => p.port === port && p.protocol === 'udp')).toBe(true);
    const { stdout } = await run('ip', ['-d', 'link', 'show', 'lo']);
    expect(stdout).toMatch(/promiscuity 0/);
  }, 30_000);

  it('keeps the capture socket from the processes the server starts (close-on-exec)', async () => {
    const before = new Set(socketsOf('self').values());
    capture(quietPort());
    const mine = [...socketsOf('self').values()].filter((socket) => !before.has(socket));
    expect(mine.length).toBeGreaterThan(0); // the capture's packet socket
    // A shell started as the server starts one for door commands; its descriptors, from /proc.
    const child = spawn('/bin/sh', ['-c', 'sleep 5'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const inherited = [...socketsOf(child.pid ?? 0).values()];
      expect(inherited.filter((socket) => mine.includes(socket))).toEqual([]);
    } finally {
      child.kill();
    }
  }, 30_000);
});
