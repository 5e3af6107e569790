// Sends a scripted list of single packets from the client host, in order and with fixed gaps, so the
// differential suite can replay the SAME packets against knockd and `sesame server`. It runs inside
// the client namespace as a small bundled script (see test/integration/differential.test.ts).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6, Socket } from 'node:net';
import { createSocketTransport } from '../../electron/node/knock-transport';
import type { TcpFlagTest } from '../../shared/sequence/tcp-flags';

/** One packet: a plain SYN (a kernel connect), a UDP datagram, or a crafted TCP packet. */
export interface PlayedHit {
  to: string;
  port: number;
  /** `syn`: one SYN from a connect; `udp`: one 0x00 datagram; `raw`: exactly `flags`. */
  kind: 'syn' | 'udp' | 'raw';
  /** For `raw`: the flags to set (all others clear). */
  flags?: TcpFlagTest;
  /** Source address to bind (a second address of the client); crafted packets cannot bind. */
  from?: string;
}

/** What the player gets as its one argument (JSON). */
export interface PlayPlan {
  /** Pause after each hit, so the server sees them in order. */
  gapMs: number;
  hits: PlayedHit[];
}

const familyOf = (address: string): 4 | 6 => (isIPv6(address) ? 6 : 4);

/** One SYN from a bound source: a non-blocking connect closed once it has left (as knock does). */
function boundSyn(hit: PlayedHit, from: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNREFUSED') reject(error);
    });
    socket.connect({ host: hit.to, port: hit.port, localAddress: from });
    // connect(2) runs from the nextTick queue; a tick queued after it closes the socket at once.
    process.nextTick(() => {
      socket.destroy();
      resolve();
    });
  });
}

/** One 0x00 datagram from a bound source. */
async function boundUdp(hit: PlayedHit, from: string): Promise<void> {
  const socket: UdpSocket = createSocket(familyOf(hit.to) === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, from, () => {
        resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      socket.send(Buffer.from([0]), hit.port, hit.to, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  } finally {
    socket.close();
  }
}

/** Sends every hit of the plan in order; rejects on the first send that fails. */
export async function playPackets(plan: PlayPlan): Promise<void> {
  const transport = createSocketTransport();
  try {
    for (const hit of plan.hits) {
      const family = familyOf(hit.to);
      if (hit.from !== undefined) {
        if (hit.kind === 'raw')
          throw new Error('a crafted packet cannot be sent from a bound source');
        await (hit.kind === 'syn' ? boundSyn(hit, hit.from) : boundUdp(hit, hit.from));
      } else {
        const protocol = hit.kind === 'udp' ? 'udp' : 'tcp';
        const tcpFlags = hit.kind === 'raw' ? hit.flags : undefined;
        await transport.hit({ port: hit.port, protocol, tcpFlags }, hit.to, family);
      }
      await new Promise((resolve) => setTimeout(resolve, plan.gapMs));
    }
  } finally {
    transport.close();
  }
}
