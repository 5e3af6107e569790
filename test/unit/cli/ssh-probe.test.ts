import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { sshCommand } from '../../../electron/cli/ssh';
import { profileSchema, type Profile } from '../../../shared/profile/profile';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

async function localService() {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => server.close(),
  };
}

async function udpCounter() {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let count = 0;
  socket.on('message', () => (count += 1));
  return { port: socket.address().port, count: () => count, close: () => socket.close() };
}

function profileFor(servicePort: number, closePort: number): Profile {
  return profileSchema.parse({
    id: 'loc',
    name: 'loc',
    host: '127.0.0.1',
    open: [{ port: closePort, protocol: 'udp' }],
    close: [{ port: closePort, protocol: 'udp' }],
    servicePort,
    ssh: { user: 'alice', port: 2222 },
  });
}

/** A profile that opens with an SPA request sent to `spaPort` on this host. */
function spaProfileFor(servicePort: number, spaPort: number): Profile {
  return profileSchema.parse({
    id: 'gate',
    name: 'gate',
    host: '127.0.0.1',
    spa: {
      port: spaPort,
      access: [{ protocol: 'tcp', port: 22 }],
      key: { encoding: 'passphrase', value: 'open sesame' },
    },
    servicePort,
  });
}

describe('sesame ssh', () => {
  it('knocks, probes, runs ssh with the argv, then sends the close sequence', async () => {
    const service = await localService();
    const udp = await udpCounter();
    const ran: (readonly string[])[] = [];
    const ssh = sshCommand(
      () => Promise.resolve({ ok: true, profile: profileFor(service.port, udp.port) }),
      (argv) => {
        ran.push(argv);
        return Promise.resolve(7);
      },
    );
    const c = capture();
    expect(await ssh(['loc'], c.io)).toBe(7);
    await new Promise((r) => setTimeout(r, 50));
    service.close();
    udp.close();
    expect(ran).toEqual([
      [
        'ssh',
        '-o',
        'HostName=127.0.0.1',
        '-o',
        'HostKeyAlias=127.0.0.1',
        '-p',
        '2222',
        '-l',
        'alice',
        '--',
        '127.0.0.1',
      ],
    ]);
    expect(udp.count()).toBe(2);
  });

  it('does not start ssh when the port stays closed', async () => {
    const service = await localService();
    service.close();
    const ran: unknown[] = [];
    const ssh = sshCommand(
      () => Promise.resolve({ ok: true, profile: profileFor(service.port, 9) }),
      (argv) => {
        ran.push(argv);
        return Promise.resolve(0);
      },
    );
    const c = capture();
    expect(await ssh(['loc', '--probe-timeout', '300'], c.io)).toBe(2);
    expect(ran).toEqual([]);
    expect(c.err.join('')).toContain('is closed after knocking; ssh was not started');
  });

  it('prints what it would do with --dry-run and sends nothing', async () => {
    const udp = await udpCounter();
    const ssh = sshCommand(() => Promise.resolve({ ok: true, profile: profileFor(22, udp.port) }));
    const c = capture();
    expect(await ssh(['loc', '--dry-run'], c.io)).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    udp.close();
    expect(udp.count()).toBe(0);
    expect(c.out.join('')).toContain(`would hit udp 127.0.0.1:${udp.port}`);
    expect(c.out.join('')).toContain('would run: ["ssh","-o","HostName=127.0.0.1"');
  });

  it('opens a profile with an SPA packet (one datagram to its port), then runs ssh', async () => {
    const service = await localService();
    const fwknopd = await udpCounter();
    const ran: (readonly string[])[] = [];
    const ssh = sshCommand(
      () => Promise.resolve({ ok: true, profile: spaProfileFor(service.port, fwknopd.port) }),
      (argv) => {
        ran.push(argv);
        return Promise.resolve(0);
      },
    );
    const c = capture();
    expect(await ssh(['gate'], c.io)).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    service.close();
    fwknopd.close();
    expect(fwknopd.count()).toBe(1);
    expect(ran).toHaveLength(1);
  });

  it('says it would send the SPA packet with --dry-run, and sends nothing', async () => {
    const fwknopd = await udpCounter();
    const ssh = sshCommand(() =>
      Promise.resolve({ ok: true, profile: spaProfileFor(22, fwknopd.port) }),
    );
    const c = capture();
    expect(await ssh(['gate', '--dry-run'], c.io)).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    fwknopd.close();
    expect(fwknopd.count()).toBe(0);
    expect(c.out.join('')).toContain(
      `would send an SPA packet (tcp/22) to udp 127.0.0.1:${String(fwknopd.port)}`,
    );
  });

  it.each([
    [['ssh'], 'ssh: expected exactly one profile NAME'],
    [['ssh', 'a', 'b'], 'ssh: expected exactly one profile NAME'],
    [['ssh', 'a', '--probe-timeout', 'soon'], 'ssh: probe-timeout "soon" is not a whole number'],
    [['probe', '127.0.0.1'], 'probe: expected HOST and PORT'],
    [['probe', '127.0.0.1', '70000'], 'probe: port 70000 is out of range'],
    [
      ['probe', '--timeout', '1.5', '127.0.0.1', '22'],
      'probe: timeout "1.5" is not a whole number',
    ],
  ])('refuses bad usage %j', async (argv, message) => {
    const c = capture();
    expect(await runCli(argv, c.io)).toBe(1);
    expect(c.err.join('')).toContain(message);
  });
});

describe('sesame probe', () => {
  it('says open for a listening port and exits 0', async () => {
    const service = await localService();
    const c = capture();
    expect(await runCli(['probe', '127.0.0.1', String(service.port)], c.io)).toBe(0);
    service.close();
    expect(c.out.join('')).toMatch(
      new RegExp(`^open: 127\\.0\\.0\\.1 port ${service.port} after \\d+ ms\\n$`),
    );
  });
});
