// Sends one SPA packet: the door engine's "knock" for a profile whose open is an SPA request, and
// `sesame spa`. The result has the shape of a knock (one UDP hit) so history, the window, the tray
// and the CLI's -v lines show it like any other.
import { createSocket } from 'node:dgram';
import { userInfo } from 'node:os';
import type { SpaRequest } from '../../shared/spa/spa-request';
import { errorMessage } from '../../shared/basics';
import type { KnockHit, KnockProgress, KnockResult } from './knock-sender';
import { buildSpaPacket, spaContext, type SpaContext, type SpaPacket } from './spa-packet';

/** Sends one UDP datagram and resolves once it has left (rejects with the send error). */
export type DatagramSend = (
  data: Buffer,
  port: number,
  address: string,
  family: 4 | 6,
) => Promise<void>;

/** The real datagram: a fresh socket per packet, closed after the send. */
export const sendDatagram: DatagramSend = (data, port, address, family) =>
  new Promise((resolve, reject) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    socket.send(data, port, address, (error) => {
      socket.close();
      if (error) reject(error);
      else resolve();
    });
  });

/** The user name a packet carries unless told otherwise (fwknop's default is the login name too). */
export function loginName(): string {
  try {
    const name = userInfo().username;
    return /^[A-Za-z0-9._@-]{1,64}$/.test(name) ? name : 'sesame';
  } catch {
    return 'sesame';
  }
}

/** What sendSpa needs: the address, the request, and optional hooks and fakes. */
export interface SendSpaOptions {
  address: string;
  family: 4 | 6;
  request: SpaRequest;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: KnockProgress) => void) | undefined;
  /** The clock, user and randomness the packet is built with (default: the real ones). */
  context?: SpaContext;
  send?: DatagramSend;
}

/** A knock result for the one SPA datagram, with the packet that was built. */
export type SpaResult = KnockResult & { packet: SpaPacket };

/** Builds the request's packet now and sends it to fwknopd's port as one UDP datagram. */
export async function sendSpa(options: SendSpaOptions): Promise<SpaResult> {
  const { address, family, request, signal } = options;
  const packet = buildSpaPacket(
    request,
    options.context ?? spaContext(request.user ?? loginName()),
  );
  if (signal?.aborted) return { address, family, hits: [], cancelled: true, packet };
  const hit: KnockHit = {
    index: 0,
    port: request.port,
    protocol: 'udp',
    address,
    sentAt: Date.now(),
    offsetMs: 0,
  };
  try {
    await (options.send ?? sendDatagram)(Buffer.from(packet.data), request.port, address, family);
  } catch (error) {
    hit.error = errorMessage(error);
  }
  options.onProgress?.({ hit, total: 1 });
  // One packet that did not leave means nothing was sent: the knock's `error`, not only the hit's.
  return {
    address,
    family,
    hits: [hit],
    cancelled: false,
    packet,
    ...(hit.error === undefined ? {} : { error: `the SPA packet was not sent: ${hit.error}` }),
  };
}
