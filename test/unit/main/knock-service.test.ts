import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { KnockHistory } from '../../../electron/main/knock-history';
import { KnockService, type TerminalLauncher } from '../../../electron/main/knock-service';
import { createDoorEngine } from '../../../electron/node/door-engine';
import { knocksAt } from '../../../electron/node/door-knocks';
import { createLogger } from '../../../electron/node/logger';
import type { IpcResult } from '../../../shared/ipc/contract';
import { defaultSettings, type Settings } from '../../../shared/settings/settings';
import type { KnockAction, KnockOutcome, KnockProgressEvent } from '../../../shared/door/outcome';
import { profileSchema, type Profile, type ProfileInput } from '../../../shared/profile/profile';

function profile(overrides: Partial<ProfileInput> = {}): Profile {
  return profileSchema.parse({
    id: 'p1',
    name: 'lab',
    host: '127.0.0.1',
    open: [
      { port: 47001, protocol: 'udp' },
      { port: 47002, protocol: 'udp' },
    ],
    close: [{ port: 47003, protocol: 'udp' }],
    ...overrides,
  });
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A real listener on loopback: the "service port" that is open. */
async function listener(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

/** A loopback port with nothing listening (refused): bind, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no address');
  return address.port;
}

interface Setup {
  profiles?: Profile[];
  launch?: TerminalLauncher;
  settings?: Settings;
}

function setup(options: Setup = {}) {
  const profiles = options.profiles ?? [profile()];
  const stored: Record<string, unknown>[] = [];
  const launches: { setting: Settings['terminal']; argv: readonly string[] }[] = [];
  const logs: string[] = [];
  const history = new KnockHistory(
    { read: () => undefined, write: (o) => stored.push(o) },
    createLogger('test', (_l, line) => logs.push(line)),
  );
  let now = 1_000;
  const service = new KnockService({
    findProfile: (id) => {
      const p = profiles.find((q) => q.id === id);
      return p ? { ok: true, value: p } : { ok: false, error: { code: 'not-found', message: id } };
    },
    settings: () => options.settings ?? defaultSettings,
    history,
    door: createDoorEngine(undefined, { openProbeMs: 600, closeSettleMs: 300 }),
    launchTerminal:
      options.launch ??
      ((setting, argv) => {
        launches.push({ setting, argv });
        return Promise.resolve({
          ok: true,
          label: 'xterm',
          waits: false,
          exited: new Promise(() => undefined),
        });
      }),
    logger: createLogger('test', (_l, line) => logs.push(line)),
    now: () => (now += 5),
  });
  const progress: KnockProgressEvent[] = [];
  const finished: KnockOutcome[] = [];
  service.progress.add((e) => progress.push(e));
  service.finished.add((o) => finished.push(o));
  return { service, history, stored, launches, progress, finished, logs };
}

/** Starts a run and waits for its outcome (the window gets it as the `knock:finished` event). */
async function knock(
  service: KnockService,
  id: string,
  action: KnockAction,
): Promise<IpcResult<KnockOutcome>> {
  const started = service.start(id, action);
  if (!started.ok) return started;
  return { ok: true, value: await started.value.finished };
}

describe('KnockService (real sender and probe on loopback)', () => {
  it('opens: knocks hit by hit, probes the service port, records and announces the outcome', async () => {
    const port = await listener();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    const result = await knock(t.service, 'p1', 'open');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const outcome = result.value;
    expect(outcome).toMatchObject({
      profileId: 'p1',
      profileName: 'lab',
      action: 'open',
      verdict: 'open',
      address: '127.0.0.1',
      probe: { state: 'open', port, address: '127.0.0.1' },
    });
    expect(outcome.hits.map((h) => `${h.port}/${h.protocol}`)).toEqual(['47001/udp', '47002/udp']);
    expect(t.progress.map((p) => p.stage)).toEqual([
      'resolving',
      'knocking',
      'knocking',
      'probing',
    ]);
    expect(t.progress.filter((p) => p.hit).map((p) => [p.hit?.index, p.hit?.total])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(new Set(t.progress.map((p) => p.runId))).toEqual(new Set([outcome.runId]));
    expect(t.finished).toEqual([outcome]);
    expect(t.history.list()).toEqual([outcome]);
    expect(t.service.cancel('p1')).toEqual({ cancelled: false });
  });

  it('answers a start with the run id at once; the outcome follows as the finished event', async () => {
    const port = await listener();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    const started = t.service.start('p1', 'open');
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(t.finished).toEqual([]);
    const outcome = await started.value.finished;
    expect(outcome.runId).toBe(started.value.runId);
    expect(t.finished).toEqual([outcome]);
  });

  it('reports a door that stayed closed as "closed", not as a failure', async () => {
    const port = await closedPort();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    const result = await knock(t.service, 'p1', 'open');
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'closed', probe: { state: 'closed' } },
    });
  });

  it('closes: sends the close sequence and probes the new state', async () => {
    const port = await closedPort();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    const result = await knock(t.service, 'p1', 'close');
    expect(result).toMatchObject({ ok: true, value: { action: 'close', verdict: 'closed' } });
    if (result.ok) expect(result.value.hits.map((h) => h.port)).toEqual([47003]);
  });

  it('probes again after Close while the server is still removing its rule', async () => {
    const port = await listener();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    // The "firewall" closes the port 100 ms after the close knock.
    setTimeout(() => {
      for (const s of servers.splice(0)) s.close();
    }, 100);
    const result = await knock(t.service, 'p1', 'close');
    expect(result).toMatchObject({ ok: true, value: { action: 'close', verdict: 'closed' } });
  });

  it('refuses Close for a profile without a close sequence, as an outcome', async () => {
    const t = setup({ profiles: [profile({ close: undefined })] });
    const result = await knock(t.service, 'p1', 'close');
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'failed', error: 'lab has no close sequence', hits: [] },
    });
  });

  it('Open SSH: starts ssh in the terminal against the knocked address with the saved host after --', async () => {
    const port = await listener();
    const t = setup({
      profiles: [
        profile({
          servicePort: port,
          host: 'localhost',
          family: 'ipv4',
          ssh: { user: 'ops', port: 2222 },
        }),
      ],
      settings: { ...defaultSettings, terminal: { kind: 'named', id: 'kitty' } },
    });
    const result = await knock(t.service, 'p1', 'ssh');
    expect(result).toMatchObject({
      ok: true,
      value: { action: 'ssh', verdict: 'open', ssh: { terminal: 'xterm', closesOnExit: false } },
    });
    expect(t.launches).toEqual([
      {
        setting: { kind: 'named', id: 'kitty' },
        argv: [
          'ssh',
          '-o',
          'HostName=127.0.0.1',
          '-o',
          'HostKeyAlias=localhost',
          '-p',
          '2222',
          '-l',
          'ops',
          '--',
          'localhost',
        ],
      },
    ]);
    expect(t.progress.map((p) => p.stage)).toContain('launching');
  });

  it('Open SSH does not start ssh when the port stays closed', async () => {
    const port = await closedPort();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    const result = await knock(t.service, 'p1', 'ssh');
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'closed', probe: { state: 'closed' } },
    });
    if (result.ok)
      expect(result.value.error).toMatch(/is closed after knocking; ssh was not started/);
    expect(t.launches).toEqual([]);
  });

  it('sends the close sequence when a waiting terminal ends, as its own history entry', async () => {
    const port = await listener();
    let endSession: () => void = () => undefined;
    // ssh failed at once (exit 255): the log says why the door closes so soon.
    const exited = new Promise<{ code: number; signal: null }>(
      (resolve) => (endSession = () => resolve({ code: 255, signal: null })),
    );
    const t = setup({
      profiles: [profile({ servicePort: port })],
      launch: () => Promise.resolve({ ok: true, label: 'GNOME Terminal', waits: true, exited }),
    });
    const result = await knock(t.service, 'p1', 'ssh');
    expect(result).toMatchObject({
      ok: true,
      value: { ssh: { terminal: 'GNOME Terminal', closesOnExit: true } },
    });
    expect(t.finished).toHaveLength(1);
    endSession();
    await expect.poll(() => t.finished.length).toBe(2);
    // The loopback listener is no firewall: it still answers, and the door is reported as such.
    expect(t.finished[1]).toMatchObject({
      action: 'close',
      verdict: 'open',
      address: '127.0.0.1',
      probe: { state: 'open' },
    });
    expect(t.finished[1]?.hits.map((h) => h.port)).toEqual([47003]);
    expect(t.logs.join('\n')).toContain(
      'lab: the ssh session in GNOME Terminal ended (exit code 255); closing the door',
    );
  });

  it('Open SSH with rotating sequences: knocks this step of the open, and of the close after ssh', async () => {
    const port = await listener();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const rotating = profile({
      servicePort: port,
      open: { secret, label: 'open', protocols: 'udp' },
      close: { secret, label: 'close', protocols: 'udp' },
    });
    let endSession: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (endSession = resolve));
    const t = setup({
      profiles: [rotating],
      launch: () => Promise.resolve({ ok: true, label: 'xterm', waits: true, exited }),
    });
    /** The knocks of `sequence` at some time from `since` to now (a step may end in between). */
    const derivedSince = (sequence: 'open' | 'close', since: number) => {
      const planned = rotating[sequence];
      if (!planned) throw new Error('no sequence');
      return [since, since + 2500, Date.now()].map((at) =>
        knocksAt(planned, 0, at).map((k) => k.port),
      );
    };
    const before = Date.now();
    const result = await knock(t.service, 'p1', 'ssh');
    expect(result).toMatchObject({ ok: true, value: { verdict: 'open' } });
    expect(derivedSince('open', before)).toContainEqual(t.finished[0]?.hits.map((h) => h.port));
    const beforeClose = Date.now();
    endSession();
    await expect.poll(() => t.finished.length).toBe(2);
    expect(t.finished[1]).toMatchObject({ action: 'close' });
    expect(derivedSince('close', beforeClose)).toContainEqual(
      t.finished[1]?.hits.map((h) => h.port),
    );
  }, 15_000);

  it('reports a terminal that cannot start as a failed outcome', async () => {
    const port = await listener();
    const t = setup({
      profiles: [profile({ servicePort: port })],
      launch: () => Promise.resolve({ ok: false, error: 'no terminal found (tried xterm)' }),
    });
    const result = await knock(t.service, 'p1', 'ssh');
    expect(result).toMatchObject({
      ok: true,
      value: { verdict: 'failed', error: 'no terminal found (tried xterm)' },
    });
  });

  it('closes the door again when the terminal cannot start', async () => {
    const port = await listener();
    const t = setup({
      profiles: [profile({ servicePort: port })],
      launch: () => Promise.resolve({ ok: false, error: 'no terminal found (tried xterm)' }),
    });
    await knock(t.service, 'p1', 'ssh');
    await expect.poll(() => t.finished.length).toBe(2);
    expect(t.finished.map((o) => [o.action, o.verdict])).toEqual([
      ['ssh', 'failed'],
      ['close', 'open'], // the loopback listener is no firewall: it still answers
    ]);
    expect(t.finished[1]?.hits.map((h) => h.port)).toEqual([47003]);
  });

  it('sends the close after ssh once a knock of the same profile has finished, never refused as busy', async () => {
    const port = await listener();
    let endSession: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (endSession = resolve));
    const t = setup({
      profiles: [
        profile({
          servicePort: port,
          open: [
            { port: 47001, protocol: 'udp', delayMs: 300 },
            { port: 47002, protocol: 'udp' },
          ],
        }),
      ],
      launch: () => Promise.resolve({ ok: true, label: 'xterm', waits: true, exited }),
    });
    await knock(t.service, 'p1', 'ssh');
    const reopen = knock(t.service, 'p1', 'open');
    endSession(); // ssh ends while the profile is being knocked again
    await reopen;
    await expect.poll(() => t.finished.length).toBe(3);
    expect(t.finished.map((o) => o.action)).toEqual(['ssh', 'open', 'close']);
    expect(t.logs.join('\n')).not.toMatch(/busy|being knocked/);
  });

  it('for a terminal that does not wait, closes after the minutes set, or leaves the door open with 0', async () => {
    const port = await listener();
    const launch: TerminalLauncher = () =>
      Promise.resolve({ ok: true, label: 'wt.exe', waits: false, exited: Promise.resolve() });
    const open = setup({ profiles: [profile({ servicePort: port })], launch });
    const left = await knock(open.service, 'p1', 'ssh');
    expect(left).toMatchObject({
      ok: true,
      value: { ssh: { closesOnExit: false, staysOpen: true } },
    });
    expect(left.ok && left.value.ssh?.closesAt).toBeUndefined();
    expect(open.service.openSessions()).toBe(0);

    const t = setup({
      profiles: [profile({ servicePort: port })],
      launch,
      settings: { ...defaultSettings, closeAfterMinutes: 20 },
    });
    const result = await knock(t.service, 'p1', 'ssh');
    if (!result.ok) throw new Error(result.error.message);
    const closesAt = result.value.ssh?.closesAt ?? 0;
    // The test clock moves 5 ms a reading: twenty minutes from the end of the knock.
    expect(closesAt - result.value.finishedAt).toBeGreaterThanOrEqual(20 * 60_000);
    expect(closesAt - result.value.finishedAt).toBeLessThanOrEqual(20 * 60_000 + 50);
    expect(t.service.openSessions()).toBe(1);
    // Quitting before the time is up closes it at once.
    await t.service.closeOpenSessions();
    expect(t.finished.map((o) => o.action)).toEqual(['ssh', 'close']);
  });

  it('closes the doors of running ssh sessions when the app quits, once', async () => {
    const port = await listener();
    let endSession: () => void = () => undefined;
    const exited = new Promise<void>((resolve) => (endSession = resolve));
    const t = setup({
      profiles: [profile({ servicePort: port })],
      launch: () => Promise.resolve({ ok: true, label: 'xterm', waits: true, exited }),
    });
    await knock(t.service, 'p1', 'ssh');
    expect(t.service.openSessions()).toBe(1);
    await t.service.closeOpenSessions();
    expect(t.finished.map((o) => o.action)).toEqual(['ssh', 'close']);
    expect(t.service.openSessions()).toBe(0);
    endSession();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.finished.map((o) => o.action)).toEqual(['ssh', 'close']);
  });

  it('refuses a second knock of the same profile while one runs, and cancels on request', async () => {
    const port = await closedPort();
    const t = setup({
      profiles: [
        profile({
          servicePort: port,
          open: [
            { port: 47001, protocol: 'udp', delayMs: 2000 },
            { port: 47002, protocol: 'udp' },
          ],
        }),
      ],
    });
    const first = knock(t.service, 'p1', 'open');
    await expect.poll(() => t.progress.some((p) => p.hit)).toBe(true);
    await expect(knock(t.service, 'p1', 'open')).resolves.toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    expect(t.service.cancel('p1')).toEqual({ cancelled: true });
    await expect(first).resolves.toMatchObject({
      ok: true,
      value: { verdict: 'cancelled', error: 'cancelled' },
    });
    expect(t.service.cancel('p1')).toEqual({ cancelled: false });
  });

  it('returns an unknown profile as not-found without recording anything', async () => {
    const t = setup();
    await expect(knock(t.service, 'nope', 'open')).resolves.toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(t.history.list()).toEqual([]);
  });

  it('reports a host that does not resolve as a failed outcome naming it', async () => {
    const t = setup({ profiles: [profile({ host: 'no-such-host.invalid' })] });
    const result = await knock(t.service, 'p1', 'open');
    expect(result).toMatchObject({ ok: true, value: { verdict: 'failed' } });
    if (result.ok) expect(result.value.error).toMatch(/no-such-host\.invalid/);
  });

  it('probes without knocking', async () => {
    const port = await listener();
    const t = setup({ profiles: [profile({ servicePort: port })] });
    await expect(t.service.probe('p1')).resolves.toMatchObject({
      ok: true,
      value: { profileId: 'p1', state: 'open', port, address: '127.0.0.1' },
    });
    expect(t.progress).toEqual([]);
  });
});
