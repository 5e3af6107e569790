import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { proxyCommand, type ProxyDeps, type ProxyProfileLookup } from '../../../electron/cli/proxy';
import type { SessionSignal } from '../../../electron/cli/signal-hold';
import {
  createDoorEngine,
  realDoorParts,
  type DoorParts,
} from '../../../electron/node/door-engine';
import { connectTcp } from '../../../electron/node/tcp-relay';
import { profileSchema, type Profile } from '../../../shared/profile/profile';
import { doorProfile, echo, loopbackDoor, type LoopbackDoor, type Service } from './proxy-helpers';

// `sesame proxy` in this process: its stdin and stdout are PassThrough streams, the door is real
// (UDP knocks and a TCP service on 127.0.0.1), the door engine is the real one with short waits.

const doors: LoopbackDoor[] = [];
afterEach(async () => {
  for (const door of doors.splice(0)) await door.stop();
});

async function door(service: Service = echo, options = {}) {
  const made = await loopbackDoor(service, options);
  doors.push(made);
  return made;
}

const timing = { closeSettleMs: 300, closeRetryMs: 50, quickProbeMs: 300 };

function lookupOf(...profiles: Profile[]): ProxyProfileLookup {
  return (host, name) => {
    const found = profiles.find((p) => p.name === (name ?? host) || (!name && p.host === host));
    return Promise.resolve(
      found ? { ok: true, profile: found } : { ok: false, error: `no profile for ${host}` },
    );
  };
}

/** Runs the proxy with fake stdio; `feed` writes to its stdin once it reads. */
async function proxy(
  lookup: ProxyProfileLookup,
  args: string[],
  deps: Partial<ProxyDeps> = {},
  feed?: (stdin: PassThrough) => void,
) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const err: string[] = [];
  const out: string[] = [];
  const command = proxyCommand(lookup, {
    door: createDoorEngine(realDoorParts, timing),
    streams: () => {
      feed?.(stdin);
      return { input: stdin, output: stdout };
    },
    signals: new EventEmitter(),
    ...deps,
  });
  const code = await command(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, bytes: Buffer.concat(chunks), out: out.join(''), err: err.join(''), stdin };
}

describe('sesame proxy relays stdin and stdout to the knocked port', () => {
  it('carries bytes both ways; the end of stdin half-closes, the echo ends, the door closes', async () => {
    const d = await door();
    const p = profileSchema.parse(doorProfile(d));
    const result = await proxy(lookupOf(p), ['loc', String(d.servicePort)], {}, (stdin) => {
      stdin.end('SSH-2.0-test\r\nsome bytes\n');
    });
    expect(result).toMatchObject({ code: 0, out: '', err: '' });
    expect(result.bytes.toString()).toBe('SSH-2.0-test\r\nsome bytes\n');
    expect(d.opens()).toBe(1);
    expect(d.closes()).toBe(1);
    expect(d.listening()).toBe(false);
  });

  it('ends when the server closes, after writing out all it sent, with stdin still open', async () => {
    const greeting = randomBytes(256 * 1024);
    const d = await door((socket) => {
      socket.on('error', () => undefined);
      socket.end(greeting);
    });
    const p = profileSchema.parse(doorProfile(d));
    const result = await proxy(lookupOf(p), ['127.0.0.1', String(d.servicePort)]);
    expect(result.code).toBe(0);
    expect(result.bytes.equals(greeting)).toBe(true);
    expect(result.stdin.destroyed).toBe(true);
    expect(d.closes()).toBe(1);
  });

  it('keeps every byte of a large transfer both ways in order', async () => {
    const d = await door();
    const payload = randomBytes(4 * 1024 * 1024);
    const p = profileSchema.parse(doorProfile(d));
    const result = await proxy(lookupOf(p), ['loc', String(d.servicePort)], {}, (stdin) => {
      for (let at = 0; at < payload.length; at += 64 * 1024)
        stdin.write(payload.subarray(at, at + 64 * 1024));
      stdin.end();
    });
    expect(result.code).toBe(0);
    expect(result.bytes.length).toBe(payload.length);
    expect(result.bytes.equals(payload)).toBe(true);
  });

  it('writes nothing but the bytes to stdout with -v: the hits and progress go to stderr', async () => {
    const d = await door();
    const p = profileSchema.parse(doorProfile(d));
    const result = await proxy(lookupOf(p), ['-v', 'loc', String(d.servicePort)], {}, (stdin) => {
      stdin.end('x');
    });
    expect(result.code).toBe(0);
    expect(result.out).toBe('');
    expect(result.bytes.toString()).toBe('x');
    expect(result.err).toContain(`hitting udp 127.0.0.1:${String(d.openPort)}\n`);
    expect(result.err).toContain(`relaying stdin and stdout to port ${String(d.servicePort)}`);
    expect(result.err).toContain(`sent close sequence ${String(d.closePort)}:udp to 127.0.0.1`);
  });

  it('connects to the very address it knocked', async () => {
    const d = await door();
    const knocked: string[] = [];
    const connected: string[] = [];
    const parts: DoorParts = {
      ...realDoorParts,
      resolve: () => Promise.resolve({ ok: true, value: { address: '127.0.0.1', family: 4 } }),
      send: (options) => {
        knocked.push(options.address);
        return realDoorParts.send(options);
      },
    };
    const p = profileSchema.parse(doorProfile(d, 'named', 'door.test'));
    const result = await proxy(
      lookupOf(p),
      ['door.test', String(d.servicePort)],
      {
        door: createDoorEngine(parts, timing),
        connect: (address, port, options) => {
          connected.push(address);
          return connectTcp(address, port, options);
        },
      },
      (stdin) => stdin.end(),
    );
    expect(result.code).toBe(0);
    expect(knocked).toEqual(['127.0.0.1', '127.0.0.1']); // open, then close
    expect(connected).toEqual(['127.0.0.1']);
  });

  it('leaves the door open after the session when the profile has no close sequence', async () => {
    const d = await door();
    const { close: _close, ...withoutClose } = doorProfile(d);
    const p = profileSchema.parse(withoutClose);
    const result = await proxy(lookupOf(p), ['loc', String(d.servicePort)], {}, (stdin) => {
      stdin.end('x');
    });
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(d.closes()).toBe(0);
    expect(d.listening()).toBe(true);
  });

  it('a session signal (ssh ends its proxy with SIGHUP) ends the relay and still closes the door', async () => {
    const d = await door();
    const p = profileSchema.parse(doorProfile(d));
    const signals = new EventEmitter();
    const result = await proxy(
      lookupOf(p),
      ['loc', String(d.servicePort)],
      { signals },
      (stdin) => {
        stdin.write('hello');
        setTimeout(() => signals.emit('SIGHUP' satisfies SessionSignal), 100);
      },
    );
    expect(result.code).toBe(129);
    expect(result.bytes.toString()).toBe('hello');
    expect(result.err).toBe('');
    expect(d.closes()).toBe(1);
  });
});

describe('sesame proxy failures: one line on stderr, nothing on stdout', () => {
  it('a door that stays closed after two knocks: exit 2', async () => {
    const d = await door(echo, { opensOnKnock: false });
    const p = profileSchema.parse(doorProfile(d));
    const result = await proxy(lookupOf(p), [
      '--probe-timeout',
      '300',
      'loc',
      String(d.servicePort),
    ]);
    expect(result).toMatchObject({
      code: 2,
      out: '',
      err: `sesame: profile 'loc': port ${String(d.servicePort)} on 127.0.0.1 stayed closed after knocking twice (connection refused)\n`,
    });
    expect(result.bytes.length).toBe(0);
    expect(d.opens()).toBe(2);
    expect(d.closes()).toBe(0);
  });

  it('an unreachable host: exit 3', async () => {
    const parts: DoorParts = {
      ...realDoorParts,
      resolve: () => Promise.resolve({ ok: true, value: { address: '192.0.2.1', family: 4 } }),
      send: (options) =>
        Promise.resolve({ address: options.address, family: 4, hits: [], cancelled: false }),
      probe: (options) =>
        Promise.resolve({
          state: 'unreachable',
          port: options.port,
          address: options.address,
          attempts: 1,
          elapsedMs: 1,
          detail: 'EHOSTUNREACH',
        }),
    };
    const p = profileSchema.parse({
      id: 'far',
      name: 'far',
      host: '192.0.2.1',
      open: [{ port: 1, protocol: 'udp' }],
    });
    const result = await proxy(lookupOf(p), ['far', '22'], {
      door: createDoorEngine(parts, timing),
    });
    expect(result).toMatchObject({
      code: 3,
      out: '',
      err: "sesame: profile 'far': 192.0.2.1 is unreachable (EHOSTUNREACH)\n",
    });
  });

  it('no profile for the host, or --profile with a host that is not its own: exit 1', async () => {
    const p = profileSchema.parse({
      id: 'lab',
      name: 'lab',
      host: '10.77.0.1',
      open: [{ port: 1, protocol: 'udp' }],
    });
    expect(await proxy(lookupOf(p), ['elsewhere', '22'])).toMatchObject({
      code: 1,
      out: '',
      err: 'sesame: no profile for elsewhere\n',
    });
    expect(await proxy(lookupOf(p), ['--profile', 'lab', '10.77.0.2', '22'])).toMatchObject({
      code: 1,
      err: "sesame: profile 'lab' knocks 10.77.0.1, but ssh asked for 10.77.0.2; make ssh's HostName the profile's host\n",
    });
  });

  it.each([
    [['lab'], /^sesame: proxy: expected HOST and PORT \(see sesame proxy --help\)\n$/],
    [['lab', '0'], /^sesame: proxy: port "0" must be 1-65535 \(see sesame proxy --help\)\n$/],
    [
      ['lab', '22', '--nope'],
      /^sesame: proxy: Unknown option '--nope'[^\n]*\(see sesame proxy --help\)\n$/,
    ],
  ])('bad usage %j: one line, exit 1', async (args, line) => {
    const result = await proxy(lookupOf(), args);
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toMatch(line);
  });
});
