import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EXIT_DOOR_UNCHANGED, knockCommand, type ProfileLookup } from '../../../electron/cli/knock';
import { createDoorEngine } from '../../../electron/node/door-engine';
import { runCli } from '../../../electron/cli/main';
import { profileSchema } from '../../../shared/profile/profile';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

const noProfiles: ProfileLookup = (name) =>
  Promise.resolve({ ok: false, error: `no profile named "${name}"` });
const knock = knockCommand(noProfiles);

async function udpListener(count: number) {
  const server = createSocket('udp4');
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const received: Buffer[] = [];
  const done = new Promise<Buffer[]>((resolve) => {
    server.on('message', (m) => {
      received.push(m);
      if (received.length === count) resolve(received);
    });
  });
  return { port: server.address().port, done, close: () => server.close() };
}

/** A TCP port on loopback that answers (a door left open), or one that refuses (a closed door). */
async function tcpPort(listening: boolean) {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  if (!listening) await new Promise((resolve) => server.close(resolve));
  return { port, close: () => server.close() };
}

describe('sesame knock (knock drop-in)', () => {
  it('sends the hits and prints knock -v lines', async () => {
    const listener = await udpListener(2);
    const c = capture();
    expect(
      await knock(
        ['-v', '-u', '-d', '5', '127.0.0.1', String(listener.port), `${listener.port}:udp`],
        c.io,
      ),
    ).toBe(0);
    expect(await listener.done).toEqual([Buffer.from([0]), Buffer.from([0])]);
    listener.close();
    expect(c.out.join('')).toBe(
      `hitting udp 127.0.0.1:${listener.port}\nhitting udp 127.0.0.1:${listener.port}\n`,
    );
  });

  it('prints nothing without -v', async () => {
    const listener = await udpListener(1);
    const c = capture();
    expect(await knock(['127.0.0.1', `${listener.port}:udp`], c.io)).toBe(0);
    await listener.done;
    listener.close();
    expect(c.out).toEqual([]);
  });

  it.each([
    [['127.0.0.1'], 'expected HOST and at least one PORT'],
    [[], 'expected HOST and at least one PORT'],
    [['127.0.0.1', '0'], 'element 1 "0": port 0 is out of range 1-65535'],
    [['127.0.0.1', '65536'], 'port 65536 is out of range'],
    [['127.0.0.1', 'abc'], '"abc" is not a port number'],
    [['127.0.0.1', '7000:icmp'], 'unknown protocol "icmp"'],
    [['-d', '-5', '127.0.0.1', '7000'], 'delay cannot be negative'],
    [['-d', 'soon', '127.0.0.1', '7000'], 'delay "soon" is not a whole number'],
    [['-4', '-6', '127.0.0.1', '7000'], '-4 and -6 cannot be used together'],
    [['-x', '127.0.0.1', '7000'], "Unknown option '-x'"],
    [['--tcp-flags', 'fin,bogus', '127.0.0.1', '7000'], '--tcp-flags: unknown TCP flag "bogus"'],
  ])('refuses bad usage %j with exit 1', async (args, message) => {
    const c = capture();
    expect(await runCli(['knock', ...args], c.io)).toBe(1);
    expect(c.err.join('')).toContain(message);
  });

  it('refuses an unresolvable host and sends nothing', async () => {
    const c = capture();
    expect(await knock(['nonexistent.invalid', '7000'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/cannot resolve host nonexistent\.invalid/);
  });

  it('refuses an IPv4 literal with -6', async () => {
    const c = capture();
    expect(await knock(['-6', '127.0.0.1', '7000'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('127.0.0.1 is an IPv4 address, but IPv6 was asked for');
  });
});

describe('sesame knock --profile', () => {
  it('names a missing profile', async () => {
    const c = capture();
    expect(await knock(['--profile', 'nope'], c.io)).toBe(1);
    expect(c.err.join('')).toBe('sesame: no profile named "nope"\n');
  });

  it('refuses knock options that the profile owns', async () => {
    const c = capture();
    expect(await runCli(['knock', '--profile', 'web', '-u'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('--udp cannot be combined with --profile');
  });

  it('sends the close sequence of a profile, then checks that the door closed', async () => {
    const listener = await udpListener(2);
    const service = await tcpPort(false);
    const profile = profileSchema.parse({
      id: 'p',
      name: 'local',
      host: '127.0.0.1',
      open: [{ port: 1, protocol: 'tcp' }],
      close: [
        { port: listener.port, protocol: 'udp' },
        { port: listener.port, protocol: 'udp' },
      ],
      servicePort: service.port,
    });
    const c = capture();
    const code = await knockCommand(() => Promise.resolve({ ok: true, profile }))(
      ['--profile', 'local', '--close'],
      c.io,
    );
    expect(code).toBe(0);
    expect(await listener.done).toHaveLength(2);
    listener.close();
    expect(c.out.join('')).toContain(
      `local: sent close sequence ${listener.port}:udp,${listener.port}:udp to 127.0.0.1`,
    );
    expect(c.out.join('')).toContain(`local: closed: 127.0.0.1:${service.port} no longer answers`);
  });

  it('says so and exits 2 when the service port still answers after the close sequence', async () => {
    const listener = await udpListener(1);
    const service = await tcpPort(true);
    const profile = profileSchema.parse({
      id: 'p',
      name: 'local',
      host: '127.0.0.1',
      open: [{ port: 1, protocol: 'tcp' }],
      close: [{ port: listener.port, protocol: 'udp' }],
      servicePort: service.port,
    });
    const c = capture();
    const door = createDoorEngine(undefined, { closeSettleMs: 300 });
    const code = await knockCommand(() => Promise.resolve({ ok: true, profile }), door)(
      ['--profile', 'local', '--close'],
      c.io,
    );
    listener.close();
    service.close();
    expect(code).toBe(EXIT_DOOR_UNCHANGED);
    expect(c.err.join('')).toContain(
      `local: still open: 127.0.0.1:${service.port} still answers after the close sequence`,
    );
  });

  it('refuses the options of opening with --close', async () => {
    const c = capture();
    expect(await runCli(['knock', '--profile', 'web', '--close', '--reknock'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('--reknock and --probe-timeout are for opening');
  });
});
