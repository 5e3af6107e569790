import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { knockdRotateCommand } from '../../../electron/cli/knockd-rotate';
import type { RotateDeps } from '../../../electron/node/knockd-rotate';
import { parseKnockdConfig } from '../../../shared/knockd/config';
import { decodeBase32 } from '../../../shared/rotating/base32';

const TEMPLATE = `[options]
  logfile = /var/log/knockd.log
[open]
  rotating_secret_file = /etc/sesame/ssh.secret
  seq_timeout = 10
  tcpflags = syn
  command = /sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
[static]
  sequence = 7000,8000
  command = echo static
`;

function fakes(files: Record<string, string>) {
  const hups: string[] = [];
  const writes: string[] = [];
  const deps: Omit<RotateDeps, 'log'> = {
    readText: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    readSecret: (path) => {
      if (path !== '/etc/sesame/ssh.secret') return { ok: false, error: `cannot read ${path}` };
      return decodeBase32('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    },
    write: (path, text) => {
      writes.push(path);
      files[path] = text;
    },
    hangUp: (pidFile) => {
      hups.push(pidFile);
      return { ok: true, value: 4242 };
    },
  };
  return { deps, hups, writes };
}

async function run(deps: Omit<RotateDeps, 'log'>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await knockdRotateCommand(deps)(args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join(''), err: err.join('') };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(1767225610_000); // step 58907520 of 30 s
});
afterEach(() => {
  vi.useRealTimers();
});

describe('sesame knockd-rotate --once', () => {
  it('renders each rotating door as three plain doors, knockd reads it, and knockd gets HUP', async () => {
    const files: Record<string, string> = { '/etc/tpl.conf': TEMPLATE };
    const f = fakes(files);
    const args = [
      '--template',
      '/etc/tpl.conf',
      '--out',
      '/etc/knockd.conf',
      '--pidfile',
      '/run/knockd.pid',
      '--once',
    ];
    expect(await run(f.deps, ...args)).toEqual({
      code: 0,
      out: 'wrote /etc/knockd.conf; sent SIGHUP to knockd (pid 4242)\n',
      err: '',
    });
    const rendered = parseKnockdConfig(files['/etc/knockd.conf'] ?? '');
    if (!rendered.ok) throw new Error(rendered.error);
    expect(
      rendered.value.doors.map((d) => [d.name, d.sequence.map((k) => k.port).join(',')]),
    ).toEqual([
      ['open step 58907519', expect.any(String)],
      ['open step 58907520', '12066,11448,27804,27932'],
      ['open step 58907521', '17742,26412,12649,19291'],
      ['static', '7000,8000'],
    ]);
    const [door] = rendered.value.doors;
    expect(door).toMatchObject({
      seqTimeout: 10,
      tcpFlags: { set: ['syn'], clear: [] },
      startCommand: '/sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT',
    });
    expect(door?.rotating).toBeUndefined();
    expect(rendered.value.options.logFile).toBe('/var/log/knockd.log');
    // Same step: nothing written, no HUP.
    expect((await run(f.deps, ...args)).out).toBe('/etc/knockd.conf is up to date\n');
    expect(f.hups).toHaveLength(1);
    // The next step: new doors, HUP again.
    vi.setSystemTime(1767225631_000);
    expect((await run(f.deps, ...args)).out).toMatch(/^wrote /);
    expect(f.hups).toHaveLength(2);
    expect(files['/etc/knockd.conf']).toContain('[open step 58907522]');
    expect(files['/etc/knockd.conf']).not.toContain('[open step 58907519]');
  });

  it('refuses a bad template or secret, naming the file, and writes nothing', async () => {
    const f = fakes({ '/t.conf': '[ssh]\n  rotating_secret_file = /other.secret\n' });
    expect(await run(f.deps, '--template', '/t.conf', '--out', '/o.conf', '--once')).toEqual({
      code: 1,
      out: '',
      err: 'sesame: door ssh: cannot read /other.secret\n',
    });
    const g = fakes({ '/t.conf': '[ssh]\n  rotating_step = 3\n  rotating_secret_file = /s\n' });
    expect((await run(g.deps, '--template', '/t.conf', '--out', '/o.conf', '--once')).err).toBe(
      'sesame: config: line 2: Rotating_Step: step "3" is not a whole number of seconds from 10 to 86400 (in /t.conf)\n',
    );
    expect([...f.writes, ...g.writes]).toEqual([]);
    await expect(run(f.deps, '--template', '/t.conf')).rejects.toThrow(/--out FILE are required/);
  });
});

describe('sesame knockd-rotate in the foreground', () => {
  it('renders after every step boundary, re-reads the template on HUP, stops on TERM', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    vi.setSystemTime(1767225610_000);
    const files: Record<string, string> = { '/etc/tpl.conf': TEMPLATE };
    const f = fakes(files);
    const signals = new EventEmitter();
    const out: string[] = [];
    const running = knockdRotateCommand(f.deps, signals)(
      ['--template', '/etc/tpl.conf', '--out', '/etc/knockd.conf', '--pidfile', '/run/knockd.pid'],
      { out: (t) => out.push(t), err: (t) => out.push(t) },
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(f.hups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(19_000); // 29 s into the step: nothing changed yet
    expect(f.hups).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_100); // the next step began
    expect(f.hups).toHaveLength(2);
    expect(files['/etc/knockd.conf']).toContain('[open step 58907522]');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(f.hups).toHaveLength(3);
    // HUP: a template with another door is read and rendered at once.
    files['/etc/tpl.conf'] = `${TEMPLATE}[more]\n  sequence = 9000\n`;
    signals.emit('SIGHUP');
    expect(files['/etc/knockd.conf']).toContain('[more]');
    expect(f.hups).toHaveLength(4);
    // A broken template on HUP: logged, the previous one kept.
    files['/etc/tpl.conf'] = '[x]\n  bogus = 1\n';
    signals.emit('SIGHUP');
    expect(out.join('')).toContain(
      'config: line 2: syntax error (in /etc/tpl.conf) (keeping the previous template)',
    );
    signals.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(signals.listenerCount('SIGHUP') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
