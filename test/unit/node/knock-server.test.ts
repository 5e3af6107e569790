import { describe, expect, it } from 'vitest';
import type { CaptureOptions } from '../../../electron/node/capture';
import { KnockServer, type KnockServerDeps } from '../../../electron/node/knock-server';
import { parseKnockdConfig, type KnockdConfig } from '../../../shared/knockd/config';
import type { DecodedPacket } from '../../../shared/matcher/packet-decode';

function config(text: string): KnockdConfig {
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

function harness(
  files: Record<string, string> = {},
  opts: {
    openFails?: string;
    openThrowsAfter?: number;
    ipv4Only?: boolean;
    unstartable?: string;
    slow?: string;
  } = {},
) {
  const lines: string[] = [];
  const ran: string[] = [];
  const filters: string[] = [];
  const slowEnds: ((code: number) => void)[] = [];
  let closed = 0;
  const deps: KnockServerDeps = {
    openCapture: (options: CaptureOptions) => {
      filters.push(options.filter);
      if (opts.openThrowsAfter !== undefined && filters.length > opts.openThrowsAfter)
        throw new Error('unexpected failure in capture');
      if (opts.openFails) return { ok: false, error: opts.openFails };
      return {
        ok: true,
        value: {
          linkType: 'ethernet',
          counters: () => ({ received: 0, dropped: 0, interfaceDropped: 0 }),
          close: () => (closed += 1),
        },
      };
    },
    localAddresses: () => new Set(['198.18.0.1', 'fd53:5e5a::1']),
    shell: (command) => {
      ran.push(command);
      if (command === opts.unstartable) return Promise.reject(new Error('spawn /bin/sh EAGAIN'));
      if (command === opts.slow) return new Promise((resolve) => slowEnds.push(resolve));
      return Promise.resolve(command.startsWith('false') ? 1 : 0);
    },
    files: {
      read: (path) => {
        const text = files[path];
        if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
        return text;
      },
      writable: (path: string) => (path.startsWith('/ro/') ? 'EROFS' : undefined),
      mark: (path: string, offset: number) => {
        const text = files[path] ?? '';
        files[path] = `${text.slice(0, offset)}#${text.slice(offset + 1)}`;
      },
    },
    log: { log: (m) => lines.push(m) },
  };
  const server = new KnockServer(deps, { interfaces: ['veth0'], ipv4Only: opts.ipv4Only ?? false });
  let time = 0;
  const syn = (port: number, source = '198.18.0.2', destination = '198.18.0.1'): DecodedPacket => ({
    family: source.includes(':') ? 6 : 4,
    source,
    destination,
    protocol: 'tcp',
    port,
    tcpFlags: 0x02,
  });
  const send = (...ports: number[]) => {
    for (const port of ports) server.handlePacket(syn(port), (time += 10));
  };
  return {
    server,
    deps,
    lines,
    ran,
    filters,
    files,
    send,
    syn,
    closed: () => closed,
    endSlow: () => {
      for (const end of slowEnds.splice(0)) end(0);
    },
    tick: () => (time += 10),
  };
}

const C1 = `[o]
  sequence = 7000,8000,9000
  seq_timeout = 5
  tcpflags = syn
  command = echo %IP%
`;

describe('KnockServer', () => {
  it('logs stages, OPEN SESAME and the command in knockd words, and runs the command', async () => {
    const h = harness();
    expect(h.server.start(config(C1))).toEqual({ ok: true });
    h.send(7000, 8000, 9000);
    await new Promise((r) => setTimeout(r, 0));
    expect(h.lines).toEqual([
      'starting up, listening on veth0',
      '198.18.0.2: o: Stage 1',
      '198.18.0.2: o: Stage 2',
      '198.18.0.2: o: Stage 3',
      '198.18.0.2: o: OPEN SESAME',
      'o: running command: echo 198.18.0.2',
    ]);
    expect(h.ran).toEqual(['echo 198.18.0.2']);
    expect(h.filters).toEqual([
      '(ip or ip6) and ((tcp dst port 7000) or (tcp dst port 8000) or (tcp dst port 9000))',
    ]);
  });

  it('uses the _6 commands for IPv6 sources', async () => {
    const h = harness();
    h.server.start(config(`${C1}  command_6 = six %IP%\n`));
    for (const port of [7000, 8000, 9000])
      h.server.handlePacket(h.syn(port, 'fd53:5e5a::2', 'fd53:5e5a::1'), h.tick());
    await new Promise((r) => setTimeout(r, 0));
    expect(h.ran).toEqual(['six fd53:5e5a::2']);
  });

  it('ignores IPv6 with -4', () => {
    const h = harness({}, { ipv4Only: true });
    h.server.start(config(C1));
    expect(h.filters[0]).toMatch(/^ip and /);
    for (const port of [7000, 8000, 9000])
      h.server.handlePacket(h.syn(port, 'fd53:5e5a::2', 'fd53:5e5a::1'), h.tick());
    expect(h.lines.filter((l) => l.includes('Stage'))).toEqual([]);
    h.send(7000);
    expect(h.lines).toContain('198.18.0.2: o: Stage 1');
  });

  it('seeds the source hash of each matcher it builds (start and reload) from hashSeed', () => {
    const h = harness();
    let seeds = 0;
    const server = new KnockServer(
      { ...h.deps, hashSeed: () => ((seeds += 1), 0x1234) },
      { interfaces: ['veth0'], ipv4Only: false },
    );
    server.start(config(C1));
    server.reload('/etc/knockd.conf', { ok: true, value: config('[p]\n  sequence = 1234\n') });
    expect(seeds).toBe(2);
  });

  it('reports a capture that cannot open', () => {
    const h = harness({}, { openFails: 'no permission to capture on veth0' });
    expect(h.server.start(config(C1))).toEqual({
      ok: false,
      error: 'no permission to capture on veth0',
    });
  });

  it('rotates one-time sequences, marks used lines and disables the door when none are left', () => {
    const h = harness({ '/etc/once': '3001,3002\n4001,4002\n' });
    h.server.start(config('[once]\n  one_time_sequences = /etc/once\n'));
    expect(h.filters[0]).toContain('tcp dst port 4001');
    h.send(3001, 3002);
    h.send(4001, 4002);
    h.send(3001, 3002);
    expect(h.files['/etc/once']).toBe('#001,3002\n#001,4002\n');
    expect(h.lines.filter((l) => l.includes('OPEN SESAME'))).toHaveLength(2);
    expect(h.lines).toContain(
      'no more sequences left in the one time sequences file for door once --> disabling the door',
    );
  });

  it('marks the used line by its content after an edit, so a used sequence never opens again', () => {
    const h = harness({ '/etc/once': '3001,3002\n4001,4002\n' });
    h.server.start(config('[once]\n  one_time_sequences = /etc/once\n'));
    h.files['/etc/once'] = '# added by the admin\n5001,5002\n3001,3002\n4001,4002\n';
    h.send(3001, 3002);
    expect(h.files['/etc/once']).toBe('# added by the admin\n5001,5002\n#001,3002\n4001,4002\n');
    h.send(3001, 3002);
    expect(h.lines.filter((l) => l.includes('OPEN SESAME'))).toHaveLength(1);
    h.send(5001, 5002); // the first usable line of the edited file is next
    expect(h.lines.filter((l) => l.includes('OPEN SESAME'))).toHaveLength(2);
  });

  it('marks nothing when the admin removed the used line, and moves on', () => {
    const h = harness({ '/etc/once': '3001,3002\n4001,4002\n' });
    h.server.start(config('[once]\n  one_time_sequences = /etc/once\n'));
    h.files['/etc/once'] = '4001,4002\n';
    h.send(3001, 3002);
    expect(h.files['/etc/once']).toBe('4001,4002\n');
    h.send(4001, 4002);
    expect(h.lines.filter((l) => l.includes('OPEN SESAME'))).toHaveLength(2);
  });

  it('refuses to start a one-time door whose file it cannot write, saying why', () => {
    const h = harness({ '/ro/once': '3001,3002\n' });
    expect(h.server.start(config('[once]\n  one_time_sequences = /ro/once\n'))).toEqual({
      ok: false,
      error:
        'cannot write one time sequences file /ro/once for door once (EROFS): a used sequence is marked there, or it would open again after a restart',
    });
  });

  it('refuses to start when a one-time file cannot be read', () => {
    const h = harness();
    expect(h.server.start(config('[once]\n  one_time_sequences = /nope\n'))).toEqual({
      ok: false,
      error: 'cannot read one time sequences file /nope for door once: ENOENT',
    });
  });

  it('keeps the running config when a reload is bad, and switches on a good one', () => {
    const h = harness();
    h.server.start(config(C1));
    h.server.reload('/etc/knockd.conf', { ok: false, error: 'config: line 2: syntax error' });
    expect(h.lines.slice(-2)).toEqual([
      're-reading config file: /etc/knockd.conf',
      'config: line 2: syntax error (keeping the previous configuration)',
    ]);
    h.send(7000, 8000, 9000);
    expect(h.lines).toContain('198.18.0.2: o: OPEN SESAME');
    h.server.reload('/etc/knockd.conf', { ok: true, value: config('[p]\n  sequence = 1234\n') });
    expect(h.closed()).toBe(1);
    h.send(1234);
    expect(h.lines).toContain('198.18.0.2: p: OPEN SESAME');
  });

  it('starts with an exhausted one-time door disabled, serving the other doors', () => {
    const h = harness({ '/etc/once': '#001,3002\n' });
    const result = h.server.start(
      config('[once]\n  one_time_sequences = /etc/once\n[p]\n  sequence = 1234\n'),
    );
    expect(result).toEqual({ ok: true });
    expect(h.lines).toContain(
      'no more sequences left in the one time sequences file for door once --> disabling the door',
    );
    expect(h.filters[0]).toBe('(ip or ip6) and ((tcp dst port 1234))');
    h.send(1234);
    expect(h.lines).toContain('198.18.0.2: p: OPEN SESAME');
  });

  it('takes a reload whose one-time door is exhausted, keeping that door disabled', () => {
    const h = harness({ '/etc/once': '#001,3002\n' });
    h.server.start(config(C1));
    h.server.reload('/etc/knockd.conf', {
      ok: true,
      value: config('[once]\n  one_time_sequences = /etc/once\n[p]\n  sequence = 1234\n'),
    });
    h.send(1234);
    expect(h.lines).toContain('198.18.0.2: p: OPEN SESAME');
    h.send(3001, 3002);
    expect(h.lines.filter((l) => l.includes('once: Stage'))).toEqual([]);
  });

  it('keeps the running config when a reload fails unexpectedly', () => {
    const h = harness({}, { openThrowsAfter: 1 });
    h.server.start(config(C1));
    expect(() => {
      h.server.reload('/etc/knockd.conf', { ok: true, value: config('[p]\n  sequence = 1234\n') });
    }).not.toThrow();
    expect(h.lines.at(-1)).toBe(
      'unexpected failure in capture (keeping the previous configuration)',
    );
    expect(h.closed()).toBe(0);
    h.send(7000, 8000, 9000);
    expect(h.lines).toContain('198.18.0.2: o: OPEN SESAME');
  });

  it('reports an unexpected failure at start as a value', () => {
    const h = harness({}, { openThrowsAfter: 0 });
    expect(h.server.start(config(C1))).toEqual({
      ok: false,
      error: 'unexpected failure in capture',
    });
  });

  it('on shutdown, runs the stop command as soon as a start command still running ends', async () => {
    const h = harness({}, { slow: 'open' });
    h.server.start(
      config(
        '[s]\n  sequence = 1\n  start_command = open\n  cmd_timeout = 3600\n  stop_command = close %IP%\n',
      ),
    );
    h.send(1);
    await new Promise((r) => setTimeout(r, 5));
    const stopped = h.server.stop();
    h.endSlow();
    await new Promise((r) => setTimeout(r, 5));
    expect(h.ran).toEqual(['open', 'close 198.18.0.2']);
    await stopped;
  });

  it('logs a timeout when it is due, without waiting for another packet', async () => {
    const h = harness();
    h.server.start(config('[t]\n  sequence = 1,2\n  seq_timeout = 0\n'));
    h.server.handlePacket(h.syn(1), performance.now());
    await new Promise((r) => setTimeout(r, 30));
    expect(h.lines).toContain('198.18.0.2: t: sequence timeout (stage 1)');
  });

  it('runs pending stop commands at once on shutdown', async () => {
    const h = harness();
    h.server.start(
      config(
        '[s]\n  sequence = 1\n  start_command = open\n  cmd_timeout = 3600\n  stop_command = close %IP%\n',
      ),
    );
    h.send(1);
    await new Promise((r) => setTimeout(r, 5));
    await h.server.stop();
    expect(h.ran).toEqual(['open', 'close 198.18.0.2']);
    expect(h.lines).toContain('shutting down');
  });
});

describe('KnockServer commands, as knockd runs them', () => {
  it('keeps serving when a start command cannot be started, and runs its stop command', async () => {
    const h = harness({}, { unstartable: 'open' });
    h.server.start(
      config('[o]\n  sequence = 1\n  command = open\n  stop_command = close\n  cmd_timeout = 0\n'),
    );
    h.send(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.ran).toEqual(['open', 'close']);
    expect(h.lines).toContain('o: command returned non-zero status code (127)');
    h.send(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.ran).toEqual(['open', 'close', 'open', 'close']);
    await h.server.stop();
  });

  it('runs no stop command without a start command', async () => {
    const h = harness();
    h.server.start(config('[o]\n  sequence = 1\n  stop_command = close %IP%\n  cmd_timeout = 0\n'));
    h.send(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.ran).toEqual([]);
    expect(h.lines.some((l) => l.includes('command'))).toBe(false);
  });

  it('still "runs" a stop command that is set but empty', async () => {
    const h = harness();
    h.server.start(
      config('[o]\n  sequence = 1\n  command = open\n  stop_command =\n  cmd_timeout = 0\n'),
    );
    h.send(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.ran).toEqual(['open', '']);
    expect(h.lines.slice(-2)).toEqual(['198.18.0.2: o: command timeout', 'o: running command: ']);
  });
});

describe('several interfaces', () => {
  function twoInterfaces(failOn?: string) {
    const opened: CaptureOptions[] = [];
    const closed: string[] = [];
    const lines: string[] = [];
    const dropped: Record<string, number> = { eth0: 0, wg0: 0 };
    const deps: KnockServerDeps = {
      openCapture: (options) => {
        if (options.interface === failOn) return { ok: false, error: `no ${failOn}` };
        opened.push(options);
        return {
          ok: true,
          value: {
            linkType: 'ethernet',
            counters: () => ({
              received: 0,
              dropped: dropped[options.interface] ?? 0,
              interfaceDropped: 0,
            }),
            close: () => closed.push(options.interface),
          },
        };
      },
      localAddresses: (name) => new Set(name === 'eth0' ? ['198.18.0.1'] : ['10.9.0.1']),
      shell: () => Promise.resolve(0),
      files: { read: () => '', writable: () => undefined, mark: () => undefined },
      log: { log: (m) => lines.push(m) },
    };
    const server = new KnockServer(deps, { interfaces: ['eth0', 'wg0'], ipv4Only: false });
    return { server, opened, closed, lines, dropped };
  }
  const packet = (source: string, destination: string, port: number): DecodedPacket => ({
    family: 4,
    source,
    destination,
    protocol: 'tcp',
    port,
    tcpFlags: 0x02,
  });
  const door = config('[d]\n  sequence = 7000,8000\n  command = /bin/true %IP%\n');

  it('opens one capture each, knocks count from either, and drops are logged per interface', async () => {
    const { server, opened, closed, lines, dropped } = twoInterfaces();
    expect(server.start(door)).toEqual({ ok: true });
    expect(opened.map((o) => o.interface)).toEqual(['eth0', 'wg0']);
    expect(lines).toContain('starting up, listening on eth0, wg0');
    // Both interfaces' addresses are the host's own: a knock to either opens.
    opened[0]?.onPacket(packet('198.18.0.2', '198.18.0.1', 7000), 1);
    opened[0]?.onPacket(packet('198.18.0.2', '198.18.0.1', 8000), 2);
    opened[1]?.onPacket(packet('10.9.0.2', '10.9.0.1', 7000), 3);
    opened[1]?.onPacket(packet('10.9.0.2', '10.9.0.1', 8000), 4);
    expect(lines.filter((l) => l.endsWith('OPEN SESAME'))).toEqual([
      '198.18.0.2: d: OPEN SESAME',
      '10.9.0.2: d: OPEN SESAME',
    ]);
    dropped.wg0 = 4;
    await server.stop();
    expect(closed).toEqual(['eth0', 'wg0']);
    expect(lines.filter((l) => l.includes('dropped by the kernel'))).toEqual([
      expect.stringMatching(/^wg0: capture: 4 packets dropped by the kernel since \d\d:\d\d$/),
      expect.stringMatching(/^wg0: capture: 4 of 0 packets dropped by the kernel in all since/),
    ]);
  });

  it('starts nothing when one interface cannot be captured, closing the ones opened', () => {
    const { server, closed } = twoInterfaces('wg0');
    expect(server.start(door)).toEqual({ ok: false, error: 'no wg0' });
    expect(closed).toEqual(['eth0']);
  });
});
