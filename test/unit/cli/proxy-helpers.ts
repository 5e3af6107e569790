// A door on loopback for the proxy's tests: a UDP knock on `open` starts a TCP service, one on
// `close` stops it taking new connections (those already made go on, as with a firewall that keeps
// established connections). Everything stays on 127.0.0.1.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';

/** What the service does with each connection: echo (the default) or a script of its own. */
export type Service = (socket: Socket) => void;

export const echo: Service = (socket) => {
  socket.on('error', () => undefined);
  socket.pipe(socket);
};

/** A loopback door with its service port, knock ports and counts. */
export interface LoopbackDoor {
  servicePort: number;
  openPort: number;
  closePort: number;
  opens: () => number;
  closes: () => number;
  /** Whether the service takes connections now. */
  listening: () => boolean;
  stop: () => Promise<void>;
}

async function udp(onKnock: () => void): Promise<{ socket: UdpSocket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  socket.on('message', onKnock);
  return { socket, port: socket.address().port };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

/** Starts a door; `opensOnKnock: false` makes one whose knock never opens it. */
export async function loopbackDoor(
  service: Service = echo,
  { opensOnKnock = true } = {},
): Promise<LoopbackDoor> {
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    service(socket);
  });
  // Take a free port, then let it go: the door is closed until the knock.
  const servicePort = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  let opens = 0;
  let closes = 0;
  const open = await udp(() => {
    opens += 1;
    if (opensOnKnock && !server.listening) void listen(server, servicePort);
  });
  const close = await udp(() => {
    closes += 1;
    server.close();
  });
  return {
    servicePort,
    openPort: open.port,
    closePort: close.port,
    opens: () => opens,
    closes: () => closes,
    listening: () => server.listening,
    stop: async () => {
      open.socket.close();
      close.socket.close();
      for (const socket of connections) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A profile for a loopback door, as the profile file holds it. */
export function doorProfile(door: LoopbackDoor, name = 'loc', host = '127.0.0.1') {
  return {
    id: name,
    name,
    host,
    open: [{ port: door.openPort, protocol: 'udp' }],
    close: [{ port: door.closePort, protocol: 'udp' }],
    servicePort: door.servicePort,
    ssh: { port: door.servicePort },
  };
}
