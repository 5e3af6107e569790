import { createRequire } from 'node:module';
import {
  buildTcpHeader,
  randomTcpFields,
  sourceAddressFor,
  type TcpRandomFields,
} from './tcp-packet';
import { errorMessage } from '../../shared/basics';

/** The part of a `raw-socket` socket we use; tests pass fakes of this shape. */
export interface RawSocket {
  send(
    buffer: Buffer,
    offset: number,
    length: number,
    address: string,
    afterCallback: (error: Error | null, bytes: number) => void,
  ): unknown;
  close(): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Stops reading: a raw TCP socket otherwise copies every incoming TCP packet into this process. */
  pauseRecv(): unknown;
}

/** The part of the `raw-socket` module we use (it ships no types); injectable for tests. */
export interface RawSocketModule {
  createSocket(options: { protocol: number; addressFamily: number }): RawSocket;
  AddressFamily: { IPv4: number; IPv6: number };
  Protocol: { TCP: number };
}

/** Why crafted packets cannot be sent, so callers can tell "install" from "run as root". */
export type RawTcpErrorCode = 'missing-module' | 'broken-module' | 'permission' | 'send-failed';

/** An expected failure of the raw sender, with a message that says what to do about it. */
export class RawTcpError extends Error {
  override readonly name = 'RawTcpError';
  constructor(
    readonly code: RawTcpErrorCode,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/** Shown when raw-socket is absent: it is an optional dependency and needs a compiler to build. */
export const MISSING_MODULE_MESSAGE =
  'crafted TCP packets need the optional module raw-socket, which is not installed ' +
  '(npm install raw-socket; it builds with node-gyp)';

/** Shown on EPERM/EACCES: what the user must grant for TCP flags other than a plain SYN. */
export const PERMISSION_MESSAGE =
  'sending TCP flags other than SYN needs a raw socket: run as root or give node CAP_NET_RAW ' +
  '(e.g. sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")")';

/** How loading an optional module went: the module, or the failure as a value. */
export type LoadResult = { ok: true; value: RawSocketModule } | { ok: false; error: RawTcpError };

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}

/**
 * Loads `raw-socket` on first use (a CommonJS native module, so through require), turning a
 * missing or unloadable module into a value instead of a crash at import time.
 */
export function loadRawSocket(
  load: () => unknown = () => createRequire(import.meta.url)('raw-socket'),
): LoadResult {
  try {
    const loaded = load() as Partial<RawSocketModule> | null;
    if (typeof loaded?.createSocket !== 'function') throw new Error('it has no createSocket()');
    return { ok: true, value: loaded as RawSocketModule };
  } catch (error: unknown) {
    const message = errorMessage(error);
    if (errorCode(error) === 'MODULE_NOT_FOUND' && /'raw-socket'/.test(message)) {
      return { ok: false, error: new RawTcpError('missing-module', MISSING_MODULE_MESSAGE) };
    }
    // Installed but its native part did not build, or was built for another Node/Electron ABI.
    const hint = 'reinstall it so node-gyp rebuilds it for this runtime';
    return {
      ok: false,
      error: new RawTcpError(
        'broken-module',
        `could not load the optional module raw-socket (${message}); ${hint}`,
        { cause: error },
      ),
    };
  }
}

/**
 * raw-socket throws plain `Error(strerror(errno))` without a code, so a refused socket() or
 * sendto() is recognised by its message as well as by an errno code.
 */
function isPermissionError(error: unknown): boolean {
  const code = errorCode(error);
  if (code === 'EPERM' || code === 'EACCES') return true;
  return /operation not permitted|permission denied/i.test(errorMessage(error));
}

function asRawTcpError(error: unknown, what: string): RawTcpError {
  if (error instanceof RawTcpError) return error;
  if (isPermissionError(error)) {
    return new RawTcpError('permission', PERMISSION_MESSAGE, { cause: error });
  }
  return new RawTcpError('send-failed', `${what}: ${errorMessage(error)}`, { cause: error });
}

/** What the raw sender needs from the outside; each is replaced by a fake in unit tests. */
export interface RawTcpDeps {
  /** Loads the raw-socket module (default: require it lazily). */
  loadModule?: () => unknown;
  /** The local address that packets to a destination leave from (default: a UDP connect). */
  sourceAddress?: (destination: string, family: 4 | 6, port: number) => Promise<string>;
  /** Source port, sequence and ack number for one packet (default: random). */
  randomFields?: (flags: number) => TcpRandomFields;
}

/** Sends single crafted TCP packets (one per call) for knocks whose flags a connect cannot make. */
export interface RawTcpSender {
  /** Loads the module and opens the family's socket now, so a missing permission shows before any hit. */
  prepare(family: 4 | 6): Promise<void>;
  /** Sends one packet with exactly these flag bits to address:port; rejects with a RawTcpError. */
  send(address: string, family: 4 | 6, port: number, flags: number): Promise<void>;
  /** Closes the raw sockets; a later send opens them again. */
  close(): void;
}

/** How long a raw send may stay unreported before it is tried again on a fresh socket (ms). */
const SEND_STALL_MS = 500;

/** Creates the raw sender: IPv4 and IPv6 raw TCP sockets, the kernel adding the IP header. */
export function createRawTcpSender(deps: RawTcpDeps = {}): RawTcpSender {
  const sourceAddress = deps.sourceAddress ?? sourceAddressFor;
  const randomFields = deps.randomFields ?? randomTcpFields;
  let loaded: LoadResult | undefined;
  const sockets = new Map<4 | 6, RawSocket>();

  const rawModule = (): RawSocketModule => {
    loaded ??= loadRawSocket(deps.loadModule);
    if (!loaded.ok) throw loaded.error;
    return loaded.value;
  };

  const socketFor = (family: 4 | 6): RawSocket => {
    const existing = sockets.get(family);
    if (existing) return existing;
    const raw = rawModule();
    let socket: RawSocket;
    try {
      socket = raw.createSocket({
        protocol: raw.Protocol.TCP,
        addressFamily: family === 6 ? raw.AddressFamily.IPv6 : raw.AddressFamily.IPv4,
      });
    } catch (error: unknown) {
      throw asRawTcpError(error, `could not open a raw IPv${family} socket`);
    }
    socket.pauseRecv();
    // raw-socket closes a socket after an I/O error; forget it so the next send opens a new one.
    socket.on('error', () => {
      if (sockets.get(family) === socket) sockets.delete(family);
    });
    sockets.set(family, socket);
    return socket;
  };

  return {
    async prepare(family) {
      try {
        socketFor(family);
      } catch (error: unknown) {
        throw asRawTcpError(error, 'could not prepare raw TCP');
      }
      // Warm the per-packet path (a first UDP socket and random bytes cost milliseconds), so that
      // cost does not land between two hits. Nothing leaves the machine; failures change nothing.
      const loopback = family === 6 ? '::1' : '127.0.0.1';
      buildTcpHeader({
        ...randomFields(0),
        sourceAddress: loopback,
        destinationAddress: loopback,
        family,
        destinationPort: 9,
        flags: 0,
      });
      await sourceAddress(loopback, family, 9).catch(() => undefined);
    },

    async send(address, family, port, flags) {
      const what = `could not send a crafted TCP packet to ${address}:${port}`;
      let socket: RawSocket;
      let header: Buffer;
      try {
        socket = socketFor(family);
        const source = await sourceAddress(address, family, port);
        header = buildTcpHeader({
          ...randomFields(flags),
          sourceAddress: source,
          destinationAddress: address,
          family,
          destinationPort: port,
          flags,
        });
      } catch (error: unknown) {
        throw asRawTcpError(error, what);
      }
      const sendOn = (raw: RawSocket) =>
        new Promise<'sent' | 'stalled'>((resolve, reject) => {
          // raw-socket now and then never reports a send done (its poll handle misses the socket
          // becoming writable; seen on the test bed): give it a moment, then use a fresh socket.
          const timer = setTimeout(() => resolve('stalled'), SEND_STALL_MS);
          try {
            raw.send(header, 0, header.length, address, (error) => {
              clearTimeout(timer);
              if (error) reject(asRawTcpError(error, what));
              else resolve('sent');
            });
          } catch (error: unknown) {
            clearTimeout(timer);
            reject(asRawTcpError(error, what));
          }
        });
      if ((await sendOn(socket)) === 'sent') return;
      socket.close();
      if (sockets.get(family) === socket) sockets.delete(family);
      if ((await sendOn(socketFor(family))) === 'sent') return;
      throw new RawTcpError('send-failed', `${what}: the raw socket did not send it`);
    },

    close() {
      for (const socket of sockets.values()) socket.close();
      sockets.clear();
    },
  };
}
