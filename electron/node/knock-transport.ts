import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, Socket } from 'node:net';
import type { Knock, Sequence } from '../../shared/sequence/sequence';
import { flagBits, isPlainSyn } from '../../shared/sequence/tcp-flags';
import { createRawTcpSender, type RawTcpSender } from './raw-tcp';

/** Sends single hits; the sender owns order and timing. Injectable so tests can record hits. */
export interface KnockTransport {
  /** Opens what the hits will need before the first one, so set-up time never lands in a gap. */
  prepare?(sequence: Sequence, family: 4 | 6): Promise<void>;
  /** Sends one hit and resolves once it has left this process (rejects with a send error). */
  hit(knock: Knock, address: string, family: 4 | 6): Promise<void>;
  /** Releases sockets. */
  close(): void;
}

/**
 * A TCP hit is exactly one SYN, as `knock` sends it: a non-blocking connect, closed once the
 * connect call has been made (Node makes it on the next tick: destroying the socket earlier sends
 * nothing) and long before the kernel's first SYN retransmit (1 s), which a server would count as
 * a second hit. Closing a socket in SYN-SENT sends no RST. Refused or unanswered connects are not
 * errors: the door's port is meant to be closed.
 */
function tcpHit(address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.once('error', (error: NodeJS.ErrnoException) => {
      // ECONNREFUSED: the SYN went out and was answered with RST. Anything else is a local failure.
      if (error.code === 'ECONNREFUSED') finish();
      else finish(error);
    });
    socket.once('connect', () => finish());
    socket.connect({ host: address, port, noDelay: true });
    // net.connect() to an IP literal queues connect(2) with process.nextTick; the SYN leaves inside
    // that syscall, so a tick queued after it may close the socket. (The test bed's tcpdump test
    // checks that every hit is exactly one SYN on the wire.)
    process.nextTick(() => finish());
  });
}

/**
 * Runs the TCP hit's code path once against a listener of our own on loopback, so the first real
 * hit does not pay for Node's lazy set-up (a cold first connect costs milliseconds; a warm one tens
 * of microseconds). Nothing leaves the machine; failures only mean no warm-up.
 */
async function warmUpTcp(): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (typeof address === 'object' && address) await tcpHit('127.0.0.1', address.port);
  } catch {
    // No loopback: the knock works all the same, only its first hit is slower.
  } finally {
    server.close();
  }
}

/** True for a hit that a kernel connect cannot make: TCP flags other than a plain SYN. */
export function needsCraftedPacket(knock: Knock): boolean {
  return knock.protocol === 'tcp' && knock.tcpFlags !== undefined && !isPlainSyn(knock.tcpFlags);
}

/**
 * The real transport: kernel TCP connects, one UDP socket per family, and crafted packets through
 * raw-socket for hits with other TCP flags (opened in `prepare`, so a missing privilege or module
 * stops the knock before its first hit rather than half-way).
 */
export function createSocketTransport(
  raw: () => RawTcpSender = createRawTcpSender,
): KnockTransport {
  let rawSender: RawTcpSender | undefined;
  const udp = new Map<4 | 6, UdpSocket>();
  const udpSocket = (family: 4 | 6) => {
    let socket = udp.get(family);
    if (!socket) {
      socket = createSocket(family === 6 ? 'udp6' : 'udp4');
      socket.unref();
      udp.set(family, socket);
    }
    return socket;
  };
  return {
    async prepare(sequence, family) {
      if (sequence.some(needsCraftedPacket)) {
        rawSender = raw();
        await rawSender.prepare(family);
      }
      if (sequence.some((k) => k.protocol === 'tcp' && !needsCraftedPacket(k))) await warmUpTcp();
      if (!sequence.some((k) => k.protocol === 'udp')) return;
      const socket = udpSocket(family);
      // An unbound socket binds on its first send; do it now, off the clock.
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    },
    hit(knock, address, family) {
      const { port } = knock;
      if (needsCraftedPacket(knock) && knock.tcpFlags) {
        rawSender ??= raw();
        return rawSender.send(address, family, port, flagBits(knock.tcpFlags));
      }
      if (knock.protocol === 'tcp') return tcpHit(address, port);
      const socket = udpSocket(family);
      return new Promise((resolve, reject) => {
        // knock's UDP hit: one datagram holding a single 0x00 byte.
        socket.send(Buffer.from([0]), port, address, (error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
    close() {
      rawSender?.close();
      for (const socket of udp.values()) socket.close();
      udp.clear();
    },
  };
}
