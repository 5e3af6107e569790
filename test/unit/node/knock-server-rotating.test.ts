import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaptureOptions } from '../../../electron/node/capture';
import { hmacSha256 } from '../../../electron/node/hmac';
import { KnockServer } from '../../../electron/node/knock-server';
import { parseKnockdConfig, type KnockdConfig } from '../../../shared/knockd/config';
import type { DecodedPacket } from '../../../shared/matcher/packet-decode';
import { decodeBase32 } from '../../../shared/rotating/base32';
import { deriveSequence } from '../../../shared/rotating/derive';
import { DEFAULT_ROTATING_PARAMS } from '../../../shared/rotating/params';

const SECRET = (() => {
  const decoded = decodeBase32('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  if (!decoded.ok) throw new Error(decoded.error);
  return decoded.value;
})();

/** 2026-01-01T00:00:10Z: 10 s into step 58907520 of 30 s. */
const START_MS = 1767225610_000;
const STEP = 58907520;

const CONF = `[ssh]
  rotating_secret_file = /etc/sesame/ssh.secret
  seq_timeout = 10
  command = open %IP%
[plain]
  sequence = 7000,8000
  command = plain %IP%
`;

function config(text: string): KnockdConfig {
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function ports(step: number, label = 'ssh'): number[] {
  return deriveSequence(hmacSha256, SECRET, label, step, DEFAULT_ROTATING_PARAMS).map(
    (k) => k.port,
  );
}

function harness(secrets: Record<string, string> = { '/etc/sesame/ssh.secret': 'ok' }) {
  const lines: string[] = [];
  const ran: string[] = [];
  const filters: string[] = [];
  const captures: { onPacket: CaptureOptions['onPacket']; closed: boolean }[] = [];
  let closed = 0;
  const server = new KnockServer(
    {
      openCapture: (options: CaptureOptions) => {
        filters.push(options.filter);
        const capture = { onPacket: options.onPacket, closed: false };
        captures.push(capture);
        const close = () => {
          capture.closed = true;
          closed += 1;
        };
        const counters = () => ({ received: 0, dropped: 0, interfaceDropped: 0 });
        return { ok: true, value: { linkType: 'ethernet', counters, close } };
      },
      localAddresses: () => new Set(['198.18.0.1']),
      shell: (command) => {
        ran.push(command);
        return Promise.resolve(0);
      },
      files: { read: () => '', writable: () => undefined, mark: () => undefined },
      log: { log: (m) => lines.push(m) },
      readSecret: (path) =>
        secrets[path] === 'ok'
          ? { ok: true, value: SECRET }
          : { ok: false, error: `rotating secret file ${path} has mode 0644: ...` },
      wallClock: () => Date.now(),
    },
    { interfaces: ['veth0'], ipv4Only: false },
  );
  let time = 0;
  const syn = (port: number, source = '198.18.0.2'): DecodedPacket => ({
    family: 4,
    source,
    destination: '198.18.0.1',
    protocol: 'tcp',
    port,
    tcpFlags: 0x02,
  });
  const send = (knocks: number[], source?: string) => {
    for (const port of knocks) server.handlePacket(syn(port, source), (time += 10));
  };
  const opens = () => lines.filter((line) => line.endsWith('OPEN SESAME')).length;
  return { server, lines, ran, filters, captures, syn, send, opens, closed: () => closed };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  vi.setSystemTime(START_MS);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('KnockServer with a rotating door', () => {
  it("opens on the current step's sequence, and listens to the three accepted steps", () => {
    const h = harness();
    expect(h.server.start(config(CONF))).toEqual({ ok: true });
    h.send(ports(STEP));
    expect(h.lines).toContain('198.18.0.2: ssh: OPEN SESAME');
    expect(h.lines).toContain(`ssh: the sequence of step ${STEP} is used: it will not open again`);
    const filter = h.filters[0] ?? '';
    for (const step of [STEP - 1, STEP, STEP + 1]) {
      for (const port of ports(step)) expect(filter).toContain(`(tcp dst port ${port})`);
    }
    expect(filter).toContain('(tcp dst port 7000)');
    for (const port of ports(STEP + 2)) expect(filter).not.toContain(`(tcp dst port ${port})`);
  });

  it('never opens twice on one sequence: a replay inside the step fails, from any source', () => {
    const h = harness();
    h.server.start(config(CONF));
    h.send(ports(STEP));
    h.send(ports(STEP));
    h.send(ports(STEP), '198.18.0.9');
    expect(h.opens()).toBe(1);
    // The other accepted steps still open, once each.
    h.send(ports(STEP + 1));
    h.send(ports(STEP - 1));
    h.send(ports(STEP - 1));
    expect(h.opens()).toBe(3);
  });

  it('accepts a clock one step off either way, not two', () => {
    const h = harness();
    h.server.start(config(CONF));
    h.send(ports(STEP + 2));
    h.send(ports(STEP - 2));
    expect(h.opens()).toBe(0);
    h.send(ports(STEP - 1));
    h.send(ports(STEP + 1));
    expect(h.opens()).toBe(2);
  });

  it('moves on at the step boundary: new filter, the old step two back refused, the spent one still refused', async () => {
    const h = harness();
    h.server.start(config(CONF));
    h.send(ports(STEP));
    vi.advanceTimersByTime(20_100); // 10 s into the step, plus 20.1 s: the next step began
    expect(h.filters).toHaveLength(2);
    expect(h.closed()).toBe(0); // the old capture reads its buffer first
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.closed()).toBe(1);
    const filter = h.filters[1] ?? '';
    for (const port of ports(STEP + 2)) expect(filter).toContain(`(tcp dst port ${port})`);
    for (const port of ports(STEP - 1)) expect(filter).not.toContain(`(tcp dst port ${port})`);
    h.send(ports(STEP - 1));
    h.send(ports(STEP)); // spent, and now the previous step: still refused
    expect(h.opens()).toBe(1);
    h.send(ports(STEP + 2));
    expect(h.opens()).toBe(2);
    // Two steps later, the step that opened has left the window: its replay finds no door.
    vi.advanceTimersByTime(60_000);
    h.send(ports(STEP));
    expect(h.opens()).toBe(2);
    h.send(ports(STEP + 3));
    expect(h.opens()).toBe(3);
  });

  it('keeps a knock in progress across a step boundary', () => {
    const h = harness();
    h.server.start(config(CONF));
    const sequence = ports(STEP);
    h.send(sequence.slice(0, 2));
    vi.advanceTimersByTime(20_100);
    expect(h.filters).toHaveLength(2);
    h.send(sequence.slice(2));
    expect(h.opens()).toBe(1);
  });

  it('refuses to start on a secret file it cannot use, naming the door', () => {
    const h = harness({});
    expect(h.server.start(config(CONF))).toEqual({
      ok: false,
      error: 'door ssh: rotating secret file /etc/sesame/ssh.secret has mode 0644: ...',
    });
  });

  it('gives each label its own sequences (open and close doors on one secret)', () => {
    const h = harness();
    h.server.start(
      config(
        `${CONF}[ssh-close]\n  rotating_secret_file = /etc/sesame/ssh.secret\n  command = close %IP%\n`,
      ),
    );
    h.send(ports(STEP, 'ssh-close'));
    expect(h.lines).toContain('198.18.0.2: ssh-close: OPEN SESAME');
    expect(h.lines).not.toContain('198.18.0.2: ssh: OPEN SESAME');
  });
});

describe('KnockServer rotating doors across a reload', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(START_MS);
  });

  it('keeps the spent steps when SIGHUP re-reads the same door, and only for the same door', () => {
    const h = harness();
    h.server.start(config(CONF));
    h.send(ports(STEP));
    h.server.reload('/etc/knockd.conf', { ok: true, value: config(CONF) });
    h.send(ports(STEP));
    expect(h.opens()).toBe(1);
    h.send(ports(STEP + 1));
    expect(h.opens()).toBe(2);
    // Another length is another door: its sequences are other sequences, none spent.
    h.server.reload('/etc/knockd.conf', {
      ok: true,
      value: config(CONF.replace('seq_timeout = 10', 'seq_timeout = 10\n  rotating_length = 5')),
    });
    const five = deriveSequence(hmacSha256, SECRET, 'ssh', STEP, {
      ...DEFAULT_ROTATING_PARAMS,
      length: 5,
    }).map((k) => k.port);
    h.send(five);
    expect(h.opens()).toBe(3);
  });
});

describe('KnockServer capture swap at a step boundary', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(START_MS);
  });

  it('passes each packet once while both captures are open, and none of a closed capture', async () => {
    const h = harness();
    h.server.start(config(CONF));
    const sequence = ports(STEP);
    let time = performance.now(); // the capture's clock, which the handover's ledger uses too
    const [first] = h.captures;
    for (const port of sequence.slice(0, 2)) first?.onPacket(h.syn(port), (time += 5));
    vi.advanceTimersByTime(20_100);
    const next = h.captures[1];
    // Reached both captures once both were open; then one that reached only the new one.
    first?.onPacket(h.syn(sequence[2] ?? 0), (time += 5));
    next?.onPacket(h.syn(sequence[2] ?? 0), time);
    next?.onPacket(h.syn(sequence[3] ?? 0), (time += 5));
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.captures[0]?.closed).toBe(true);
    expect(h.opens()).toBe(1);
    expect(h.lines.filter((line) => line.includes('Stage 4'))).toHaveLength(1);
    // The closed capture's late packets are dropped; the new one's pass.
    for (const port of ports(STEP + 1)) first?.onPacket(h.syn(port), (time += 5));
    expect(h.opens()).toBe(1);
    for (const port of ports(STEP + 1)) next?.onPacket(h.syn(port), (time += 5));
    expect(h.opens()).toBe(2);
  });
});
