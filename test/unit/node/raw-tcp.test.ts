import { describe, expect, it } from 'vitest';
import {
  createRawTcpSender,
  loadRawSocket,
  MISSING_MODULE_MESSAGE,
  PERMISSION_MESSAGE,
  RawTcpError,
  type RawSocket,
  type RawTcpDeps,
} from '../../../electron/node/raw-tcp';
import { tcpChecksum } from '../../../electron/node/tcp-packet';

interface Sent {
  family: number;
  address: string;
  packet: Buffer;
}

/** A fake `raw-socket` module that records sockets and packets; `failures` scripts errors. */
function fakeRawSocket(failures: { create?: Error; send?: Error; throwOnSend?: Error } = {}) {
  const sent: Sent[] = [];
  const created: { protocol: number; addressFamily: number }[] = [];
  const sockets: (RawSocket & { closed: boolean; recvPaused: boolean; emitError(): void })[] = [];
  const module = {
    AddressFamily: { IPv4: 1, IPv6: 2 },
    Protocol: { TCP: 6 },
    createSocket(options: { protocol: number; addressFamily: number }) {
      if (failures.create) throw failures.create;
      created.push(options);
      let onError: ((error: Error) => void) | undefined;
      const socket = {
        closed: false,
        recvPaused: false,
        emitError: () => onError?.(new Error('-9')),
        send(
          buffer: Buffer,
          offset: number,
          length: number,
          address: string,
          callback: (error: Error | null, bytes: number) => void,
        ) {
          if (failures.throwOnSend) throw failures.throwOnSend;
          const packet = Buffer.from(buffer.subarray(offset, offset + length));
          sent.push({ family: options.addressFamily, address, packet });
          setImmediate(() => {
            if (failures.send) callback(failures.send, 0);
            else callback(null, length);
          });
        },
        close: () => (socket.closed = true),
        on: (_event: 'error', listener: (error: Error) => void) => (onError = listener),
        pauseRecv: () => (socket.recvPaused = true),
      };
      sockets.push(socket);
      return socket;
    },
  };
  return { module, sent, created, sockets };
}

function deps(module: unknown, extra: RawTcpDeps = {}): RawTcpDeps {
  return {
    loadModule: () => module,
    sourceAddress: (_destination, family) =>
      Promise.resolve(family === 6 ? 'fd53:5e5a::2' : '198.18.0.2'),
    randomFields: (flags) => ({
      sourcePort: 40000,
      sequence: 0x01020304,
      ack: flags & 0x10 ? 7 : 0,
    }),
    ...extra,
  };
}

function errorWithCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

async function rejection(promise: Promise<unknown>): Promise<RawTcpError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RawTcpError))
    throw new Error(`expected a RawTcpError, got ${String(error)}`);
  return error;
}

describe('createRawTcpSender', () => {
  it('sends one crafted packet per call, with the flags, ports and a valid checksum', async () => {
    const raw = fakeRawSocket();
    const sender = createRawTcpSender(deps(raw.module));
    await sender.send('198.18.0.1', 4, 7401, 0x01);
    await sender.send('198.18.0.1', 4, 7402, 0x29);
    expect(raw.created).toEqual([{ protocol: 6, addressFamily: 1 }]);
    expect(raw.sockets[0]?.recvPaused).toBe(true);
    expect(raw.sent.map((s) => [s.address, s.packet.readUInt16BE(2), s.packet[13]])).toEqual([
      ['198.18.0.1', 7401, 0x01],
      ['198.18.0.1', 7402, 0x29],
    ]);
    const packet = raw.sent[0]?.packet ?? Buffer.alloc(0);
    expect(packet).toHaveLength(20);
    expect(packet.readUInt16BE(0)).toBe(40000);
    expect(packet.readUInt16BE(16)).toBe(0x6b9b); // the hand-computed vector of tcp-packet.test.ts
    const addresses = {
      sourceAddress: '198.18.0.2',
      destinationAddress: '198.18.0.1',
      family: 4 as const,
    };
    expect(tcpChecksum(addresses, packet)).toBe(0);
    sender.close();
    expect(raw.sockets[0]?.closed).toBe(true);
  });

  it('opens an IPv6 raw TCP socket for IPv6 and checksums over the IPv6 pseudo-header', async () => {
    const raw = fakeRawSocket();
    const sender = createRawTcpSender(deps(raw.module));
    await sender.send('fd53:5e5a::1', 6, 7401, 0x11);
    expect(raw.created).toEqual([{ protocol: 6, addressFamily: 2 }]);
    const packet = raw.sent[0]?.packet ?? Buffer.alloc(0);
    expect(packet.readUInt32BE(8)).toBe(7); // ACK set: the ack number is filled
    const addresses = {
      sourceAddress: 'fd53:5e5a::2',
      destinationAddress: 'fd53:5e5a::1',
      family: 6 as const,
    };
    expect(tcpChecksum(addresses, packet)).toBe(0);
  });

  it('keeps one socket per family and reopens after close', async () => {
    const raw = fakeRawSocket();
    const sender = createRawTcpSender(deps(raw.module));
    await sender.send('198.18.0.1', 4, 1, 0x01);
    await sender.send('fd53:5e5a::1', 6, 1, 0x01);
    await sender.send('198.18.0.1', 4, 2, 0x01);
    expect(raw.created.map((c) => c.addressFamily)).toEqual([1, 2]);
    sender.close();
    expect(raw.sockets.map((s) => s.closed)).toEqual([true, true]);
    await sender.send('198.18.0.1', 4, 3, 0x01);
    expect(raw.created).toHaveLength(3);
  });

  it('opens a new socket after raw-socket reported an error on the old one', async () => {
    const raw = fakeRawSocket();
    const sender = createRawTcpSender(deps(raw.module));
    await sender.send('198.18.0.1', 4, 1, 0x01);
    raw.sockets[0]?.emitError();
    await sender.send('198.18.0.1', 4, 2, 0x01);
    expect(raw.created).toHaveLength(2);
  });

  it('loads the module lazily, once', async () => {
    const raw = fakeRawSocket();
    let loads = 0;
    const sender = createRawTcpSender(
      deps(raw.module, {
        loadModule: () => {
          loads++;
          return raw.module;
        },
      }),
    );
    expect(loads).toBe(0);
    await sender.prepare(4);
    expect(raw.created).toHaveLength(1);
    expect(raw.sent).toEqual([]); // preparing opens the socket but sends nothing
    await sender.send('198.18.0.1', 4, 1, 0x01);
    await sender.send('fd53:5e5a::1', 6, 1, 0x01);
    expect(loads).toBe(1);
  });

  it('says how to install raw-socket when it is missing', async () => {
    const missing = errorWithCode(
      "Cannot find module 'raw-socket'\nRequire stack: x",
      'MODULE_NOT_FOUND',
    );
    const sender = createRawTcpSender({
      loadModule: () => {
        throw missing;
      },
    });
    const error = await rejection(sender.send('198.18.0.1', 4, 7401, 0x01));
    expect(error.code).toBe('missing-module');
    expect(error.message).toBe(MISSING_MODULE_MESSAGE);
    expect(error.message).toBe(
      'crafted TCP packets need the optional module raw-socket, which is not installed ' +
        '(npm install raw-socket; it builds with node-gyp)',
    );
    expect((await rejection(sender.prepare(6))).code).toBe('missing-module');
  });

  it('tells an unbuilt native part apart from a missing package', () => {
    const unbuilt = errorWithCode(
      "Cannot find module './build/Release/raw.node'",
      'MODULE_NOT_FOUND',
    );
    const result = loadRawSocket(() => {
      throw unbuilt;
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('broken-module');
    expect(result.error.message).toMatch(
      /could not load the optional module raw-socket \(Cannot find module '.\/build/,
    );
  });

  it('refuses a module that is not raw-socket', () => {
    const result = loadRawSocket(() => ({}));
    expect(result.ok || result.error.message).toBe(
      'could not load the optional module raw-socket (it has no createSocket()); ' +
        'reinstall it so node-gyp rebuilds it for this runtime',
    );
  });

  it('names root or CAP_NET_RAW when the raw socket is refused (raw-socket throws strerror text)', async () => {
    const raw = fakeRawSocket({ create: new Error('Operation not permitted') });
    const sender = createRawTcpSender(deps(raw.module));
    const error = await rejection(sender.prepare(4));
    expect(error.code).toBe('permission');
    expect(error.message).toBe(PERMISSION_MESSAGE);
    expect(error.message).toBe(
      'sending TCP flags other than SYN needs a raw socket: run as root or give node CAP_NET_RAW ' +
        '(e.g. sudo setcap cap_net_raw+ep "$(readlink -f "$(command -v node)")")',
    );
    expect((await rejection(sender.send('198.18.0.1', 4, 7401, 0x01))).code).toBe('permission');
    expect(raw.sent).toEqual([]);
  });

  it('maps EACCES from a send to the same permission message', async () => {
    const raw = fakeRawSocket({ send: errorWithCode('Permission denied', 'EACCES') });
    const error = await rejection(createRawTcpSender(deps(raw.module)).send('198.18.0.1', 4, 1, 1));
    expect(error.code).toBe('permission');
    expect(error.message).toContain('CAP_NET_RAW');
  });

  it('reports other send failures with the destination', async () => {
    const raw = fakeRawSocket({ throwOnSend: new Error('Network is unreachable') });
    const error = await rejection(
      createRawTcpSender(deps(raw.module)).send('198.18.0.9', 4, 7401, 1),
    );
    expect(error.code).toBe('send-failed');
    expect(error.message).toBe(
      'could not send a crafted TCP packet to 198.18.0.9:7401: Network is unreachable',
    );
  });

  it('reports a failed source address lookup as a send failure, sending nothing', async () => {
    const raw = fakeRawSocket();
    const sender = createRawTcpSender(
      deps(raw.module, { sourceAddress: () => Promise.reject(new Error('connect ENETUNREACH')) }),
    );
    const error = await rejection(sender.send('198.18.0.9', 4, 7401, 1));
    expect(error.code).toBe('send-failed');
    expect(error.message).toContain('ENETUNREACH');
    expect(raw.sent).toEqual([]);
  });
});

describe('loadRawSocket', () => {
  it('loads the installed optional module through createRequire', () => {
    const result = loadRawSocket();
    // raw-socket is optional: where it did not install, the failure must be the clear message.
    if (!result.ok) {
      expect(['missing-module', 'broken-module']).toContain(result.error.code);
      return;
    }
    expect(result.value.Protocol.TCP).toBe(6);
    expect(result.value.AddressFamily.IPv6).toBe(2);
    expect(typeof result.value.createSocket).toBe('function');
  });
});
