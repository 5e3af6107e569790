import { describe, expect, it } from 'vitest';
import {
  createDoorEngine,
  DOOR_TIMING,
  type DoorParts,
  type DoorStage,
} from '../../../electron/node/door-engine';
import type { SendKnocksOptions } from '../../../electron/node/knock-sender';
import { sendSpa } from '../../../electron/node/spa-sender';
import { decodeSpa } from '../../support/spa-decode';
import type { ProbeOptions, ProbeResult } from '../../../electron/node/probe';
import type { ProbeState } from '../../../shared/door/outcome';
import { profileSchema, type Profile, type ProfileInput } from '../../../shared/profile/profile';

// The engine with every part injected: no network, a clock that moves only when the engine sleeps.
// What the window, the tray and the CLI see of a door comes from these runs.

function profile(overrides: Partial<ProfileInput> = {}): Profile {
  return profileSchema.parse({
    id: 'p1',
    name: 'lab',
    host: 'lab.example.org',
    open: [
      { port: 7000, protocol: 'tcp' },
      { port: 8000, protocol: 'udp', delayMs: 40 },
      { port: 9000, protocol: 'tcp' },
    ],
    close: [
      { port: 9000, protocol: 'tcp' },
      { port: 7000, protocol: 'tcp' },
    ],
    delayMs: 25,
    servicePort: 22,
    ...overrides,
  });
}

interface Fake {
  parts: DoorParts;
  resolved: string[];
  sent: { address: string; ports: string[] }[];
  probes: ProbeOptions[];
  slept: number[];
  /** The data of each SPA packet sent. */
  spaData: string[];
  /** The wall clock at the fake monotonic clock's 0 (ms since the epoch); it advances with it. */
  wallStart: number;
}

/** Parts that answer from a script: the probe states in order, the address a host resolves to. */
function fakeParts(states: ProbeState[], address = '192.0.2.7'): Fake {
  const fake: Fake = {
    parts: undefined as unknown as DoorParts,
    resolved: [],
    sent: [],
    probes: [],
    slept: [],
    spaData: [],
    wallStart: 1767225600_000 + 10_000,
  };
  let clock = 0;
  fake.parts = {
    resolve: (host, family) => {
      fake.resolved.push(`${host}/${family}`);
      return Promise.resolve({ ok: true, value: { address, family: 4 } });
    },
    send: (options: SendKnocksOptions) => {
      fake.sent.push({
        address: options.address,
        ports: options.sequence.map((k) => `${k.port}/${k.protocol}/${String(k.delayMs)}`),
      });
      const hits = options.sequence.map((k, index) => ({
        index,
        port: k.port,
        protocol: k.protocol,
        address: options.address,
        sentAt: 0,
        offsetMs: 0,
      }));
      for (const hit of hits) options.onProgress?.({ hit, total: hits.length });
      return Promise.resolve({
        address: options.address,
        family: options.family,
        hits,
        cancelled: options.signal?.aborted ?? false,
      });
    },
    sendSpa: (options) =>
      sendSpa({
        ...options,
        send: (data, port, address) => {
          fake.sent.push({ address, ports: [`spa ${String(port)}/udp`] });
          fake.spaData.push(data.toString());
          return Promise.resolve();
        },
      }),
    probe: (options) => {
      fake.probes.push(options);
      const state = states.shift() ?? 'closed';
      const result: ProbeResult = {
        state,
        port: options.port,
        address: options.address,
        attempts: 1,
        elapsedMs: 3,
      };
      return Promise.resolve(result);
    },
    now: () => clock,
    wallNow: () => fake.wallStart + clock,
    sleep: (ms) => {
      fake.slept.push(ms);
      clock += ms;
      return Promise.resolve();
    },
  };
  return fake;
}

describe('door engine: open', () => {
  it('resolves once, knocks with the default delay applied, and probes the same address', async () => {
    const fake = fakeParts(['open']);
    const stages: DoorStage[] = [];
    const result = await createDoorEngine(fake.parts).open(profile(), {
      onStage: (s) => stages.push(s),
    });
    expect(result).toMatchObject({
      ok: true,
      target: { address: '192.0.2.7', family: 4 },
      probe: { state: 'open', address: '192.0.2.7', port: 22 },
    });
    expect(fake.resolved).toEqual(['lab.example.org/auto']);
    expect(fake.sent).toEqual([
      { address: '192.0.2.7', ports: ['7000/tcp/25', '8000/udp/40', '9000/tcp/25'] },
    ]);
    expect(fake.probes.map((p) => [p.address, p.port, p.timeoutMs])).toEqual([
      ['192.0.2.7', 22, DOOR_TIMING.openProbeMs],
    ]);
    expect(stages).toEqual(['resolving', 'probing']);
  });

  it('knocks once more when asked and the door stayed closed, then reports the second probe', async () => {
    const fake = fakeParts(['closed', 'open']);
    const stages: DoorStage[] = [];
    const result = await createDoorEngine(fake.parts).open(profile(), {
      reknock: true,
      probeTimeoutMs: 900,
      onStage: (s) => stages.push(s),
    });
    expect(result).toMatchObject({ ok: true, probe: { state: 'open' } });
    if (result.ok) expect(result.knocks).toHaveLength(2);
    expect(fake.sent).toHaveLength(2);
    expect(fake.probes.map((p) => p.timeoutMs)).toEqual([900, 900]);
    expect(stages).toEqual(['resolving', 'probing', 'reknocking', 'probing']);
  });

  it('does not knock again unless asked', async () => {
    const fake = fakeParts(['closed', 'open']);
    const result = await createDoorEngine(fake.parts).open(profile());
    expect(result).toMatchObject({ ok: true, probe: { state: 'closed' } });
    expect(fake.sent).toHaveLength(1);
  });

  it('reports a host that does not resolve, sending nothing', async () => {
    const fake = fakeParts([]);
    fake.parts.resolve = () => Promise.resolve({ ok: false, error: 'cannot resolve host x' });
    await expect(createDoorEngine(fake.parts).open(profile())).resolves.toEqual({
      ok: false,
      error: 'cannot resolve host x',
      knocks: [],
    });
    expect(fake.sent).toEqual([]);
  });
});

const SPA_KEY = Buffer.alloc(32, 5).toString('base64');
const SPA_HMAC_KEY = Buffer.alloc(32, 6).toString('base64');

/** A profile whose open is an SPA request to fwknopd instead of a knock sequence. */
function spaProfile(overrides: Partial<ProfileInput> = {}): Profile {
  return profile({
    open: undefined,
    close: undefined,
    spa: {
      access: [{ protocol: 'tcp', port: 22 }],
      key: { encoding: 'base64', value: SPA_KEY },
      hmacKey: SPA_HMAC_KEY,
    },
    ...overrides,
  });
}

describe('door engine: a profile that opens with SPA', () => {
  it('sends one SPA packet to fwknopd instead of a sequence, then probes the service port', async () => {
    const fake = fakeParts(['open']);
    const hits: string[] = [];
    const result = await createDoorEngine(fake.parts).open(spaProfile(), {
      onHit: ({ hit }) => hits.push(`${hit.protocol} ${hit.address}:${String(hit.port)}`),
    });
    expect(result).toMatchObject({ ok: true, probe: { state: 'open', port: 22 } });
    expect(fake.sent).toEqual([{ address: '192.0.2.7', ports: ['spa 62201/udp'] }]);
    expect(hits).toEqual(['udp 192.0.2.7:62201']);
    // fwknopd 2.6 takes SPA over IPv4 only: `auto` resolves to IPv4 for an SPA profile.
    expect(fake.resolved).toEqual(['lab.example.org/ipv4']);
    const decoded = decodeSpa(fake.spaData[0] ?? '', {
      key: Buffer.from(SPA_KEY, 'base64'),
      hmacKey: Buffer.from(SPA_HMAC_KEY, 'base64'),
    });
    expect(decoded).toMatchObject({ message: '0.0.0.0,tcp/22', hmacOk: true });
  });

  it('sends a fresh packet when it knocks again (fwknopd refuses a replay)', async () => {
    const fake = fakeParts(['closed', 'open']);
    const result = await createDoorEngine(fake.parts).open(spaProfile(), { reknock: true });
    expect(result).toMatchObject({ ok: true, probe: { state: 'open' } });
    expect(fake.spaData).toHaveLength(2);
    expect(fake.spaData[0]).not.toBe(fake.spaData[1]);
  });

  it('reports a packet that could not be sent as the failure, without probing', async () => {
    const fake = fakeParts(['open']);
    fake.parts.sendSpa = (options) =>
      sendSpa({ ...options, send: () => Promise.reject(new Error('ENETUNREACH')) });
    const result = await createDoorEngine(fake.parts).open(spaProfile());
    expect(result).toMatchObject({
      ok: false,
      error: 'the SPA packet was not sent: ENETUNREACH',
    });
    expect(fake.probes).toEqual([]);
  });

  it('says why there is nothing to close: fwknopd removes its rule itself', async () => {
    const fake = fakeParts([]);
    await expect(createDoorEngine(fake.parts).close(spaProfile())).resolves.toEqual({
      ok: false,
      error:
        'lab opens with SPA and has no close sequence: fwknopd removes its rule by itself when its timeout ends',
      knocks: [],
    });
    expect(fake.sent).toEqual([]);
  });

  it('starts ssh after the SPA open, with no close to follow when there is no close sequence', async () => {
    const fake = fakeParts(['open']);
    const session = await createDoorEngine(fake.parts).ssh(spaProfile(), () =>
      Promise.resolve({ ok: true, label: 'test', waits: true, exited: Promise.resolve() }),
    );
    expect(session).toMatchObject({ ok: true, closesOnExit: false });
    expect(fake.sent).toEqual([{ address: '192.0.2.7', ports: ['spa 62201/udp'] }]);
  });
});

describe('door engine: close', () => {
  it('knocks the close sequence on the given address without resolving, then probes', async () => {
    const fake = fakeParts(['closed']);
    const result = await createDoorEngine(fake.parts).close(profile(), {
      target: { address: '2001:db8::7', family: 6 },
    });
    expect(result).toMatchObject({ ok: true, probe: { state: 'closed', address: '2001:db8::7' } });
    expect(fake.resolved).toEqual([]);
    expect(fake.sent).toEqual([{ address: '2001:db8::7', ports: ['9000/tcp/25', '7000/tcp/25'] }]);
    expect(fake.probes.map((p) => p.timeoutMs)).toEqual([DOOR_TIMING.quickProbeMs]);
  });

  it('probes again while the server is still removing its rule, until the port goes silent', async () => {
    const fake = fakeParts(['open', 'open', 'closed']);
    const result = await createDoorEngine(fake.parts).close(profile());
    expect(result).toMatchObject({ ok: true, probe: { state: 'closed' } });
    expect(fake.probes).toHaveLength(3);
    expect(fake.slept).toEqual([DOOR_TIMING.closeRetryMs, DOOR_TIMING.closeRetryMs]);
  });

  it('reports a door that still answers once the settle time is over as open', async () => {
    const fake = fakeParts(Array<ProbeState>(100).fill('open'));
    const result = await createDoorEngine(fake.parts, { closeSettleMs: 1000 }).close(profile());
    expect(result).toMatchObject({ ok: true, probe: { state: 'open' } });
    // 1000 ms of settling in 250 ms pauses: the first probe and one after each pause.
    expect(fake.probes).toHaveLength(5);
  });

  it('refuses a profile without a close sequence before resolving anything', async () => {
    const fake = fakeParts([]);
    await expect(
      createDoorEngine(fake.parts).close(profile({ close: undefined })),
    ).resolves.toEqual({ ok: false, error: 'lab has no close sequence', knocks: [] });
    expect(fake.resolved).toEqual([]);
  });
});

describe('door engine: ssh session', () => {
  it('opens, starts ssh against the knocked address, and says the close follows its end', async () => {
    const fake = fakeParts(['open']);
    const argvs: (readonly string[])[] = [];
    const session = await createDoorEngine(fake.parts).ssh(profile(), (argv) => {
      argvs.push(argv);
      return Promise.resolve({ ok: true, label: 'xterm', waits: true, exited: Promise.resolve() });
    });
    expect(session).toMatchObject({
      ok: true,
      terminal: 'xterm',
      closesOnExit: true,
      target: { address: '192.0.2.7' },
    });
    expect(argvs).toEqual([
      [
        'ssh',
        '-o',
        'HostName=192.0.2.7',
        '-o',
        'HostKeyAlias=lab.example.org',
        '-p',
        '22',
        '--',
        'lab.example.org',
      ],
    ]);
  });

  it('does not close after a terminal that does not wait, nor for a profile without close', async () => {
    const launch = (waits: boolean) => () =>
      Promise.resolve({ ok: true as const, label: 't', waits, exited: Promise.resolve() });
    const engine = createDoorEngine(fakeParts(['open', 'open']).parts);
    await expect(engine.ssh(profile(), launch(false))).resolves.toMatchObject({
      closesOnExit: false,
    });
    await expect(engine.ssh(profile({ close: undefined }), launch(true))).resolves.toMatchObject({
      closesOnExit: false,
    });
  });

  it('refuses a profile whose ssh values a terminal could re-split, naming the field, before knocking', async () => {
    // As an earlier version could save it: the file still loads it, Open SSH must say why not.
    const earlier: Profile = {
      ...profile(),
      ssh: { port: 22, identityFile: '/home/a/my keys/id' },
    };
    const fake = fakeParts(['open']);
    let launched = false;
    const session = await createDoorEngine(fake.parts).ssh(earlier, () => {
      launched = true;
      return Promise.resolve({ ok: false, error: 'not reached' });
    });
    expect(session).toEqual({
      ok: false,
      error:
        'ssh was not started: identity file may hold only letters, digits, . _ - / @ : + , = and a leading ~ (found " "); ' +
        'give the key a path without it, or set IdentityFile for this host in ~/.ssh/config',
      knocks: [],
    });
    expect(launched).toBe(false);
    expect(fake.sent).toEqual([]);
    expect(fake.resolved).toEqual([]);
  });

  it('starts no ssh when the door stays closed, and says so with the probe', async () => {
    const fake = fakeParts(['closed']);
    let launched = false;
    const session = await createDoorEngine(fake.parts).ssh(profile(), () => {
      launched = true;
      return Promise.resolve({ ok: false, error: 'not reached' });
    });
    expect(session).toMatchObject({
      ok: false,
      error: 'port 22 on 192.0.2.7 is closed after knocking; ssh was not started',
      probe: { state: 'closed' },
    });
    expect(launched).toBe(false);
  });
});

describe('door engine: rotating sequences', () => {
  // Vectors of docs/rotating-sequences.md: the secret below, label open/close, at 1767225600.
  const T0 = 1767225600_000;
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const rotating = () =>
    profile({
      delayMs: 0,
      open: { secret, label: 'open' },
      close: { secret, label: 'close' },
    });

  it('knocks the current step of the open and close sequences', async () => {
    const fake = fakeParts(['open', 'closed']);
    fake.wallStart = T0 + 10_000;
    const engine = createDoorEngine(fake.parts);
    expect(await engine.open(rotating())).toMatchObject({ ok: true, probe: { state: 'open' } });
    expect(await engine.close(rotating())).toMatchObject({ ok: true, probe: { state: 'closed' } });
    expect(fake.sent.map((s) => s.ports.map((p) => p.split('/')[0]).join(','))).toEqual([
      '12066,11448,27804,27932',
      '18853,19939,20876,13119',
    ]);
    expect(fake.slept).toEqual([]);
  });

  it('waits for the next step rather than knock across a boundary, and says so', async () => {
    const fake = fakeParts(['open']);
    fake.wallStart = T0 + 29_900;
    const stages: DoorStage[] = [];
    const result = await createDoorEngine(fake.parts).open(rotating(), {
      onStage: (s) => stages.push(s),
    });
    expect(result).toMatchObject({ ok: true });
    expect(fake.slept).toEqual([1100]);
    // Sent in the next step (1767225630): that step's sequence.
    expect(fake.sent[0]?.ports.map((p) => p.split('/')[0]).join(',')).toBe(
      '17742,26412,12649,19291',
    );
    expect(stages).toEqual(['resolving', 'waiting', 'knocking', 'probing']);
  });

  it('derives again when it knocks again: the step may have changed in between', async () => {
    const fake = fakeParts(['closed', 'open']);
    fake.wallStart = T0 + 27_000;
    const probe = fake.parts.probe;
    fake.parts.probe = (options) => {
      fake.wallStart += 5_000; // the probe's wait crosses into the next step
      return probe(options);
    };
    const result = await createDoorEngine(fake.parts).open(rotating(), { reknock: true });
    expect(result).toMatchObject({ ok: true, probe: { state: 'open' } });
    expect(fake.sent.map((s) => s.ports.map((p) => p.split('/')[0]).join(','))).toEqual([
      '12066,11448,27804,27932',
      '17742,26412,12649,19291',
    ]);
  });

  it('sends nothing when cancelled while it waits for the step', async () => {
    const fake = fakeParts([]);
    fake.wallStart = T0 + 29_900;
    const cancel = new AbortController();
    fake.parts.sleep = (ms) => {
      fake.slept.push(ms);
      cancel.abort();
      return Promise.resolve();
    };
    const result = await createDoorEngine(fake.parts).open(rotating(), { signal: cancel.signal });
    expect(result).toMatchObject({ ok: false, error: 'cancelled' });
    expect(fake.sent).toEqual([]);
  });
});
