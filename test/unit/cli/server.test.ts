import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { queueSignals } from '../../../electron/cli/server';

const dir = mkdtempSync(join(tmpdir(), 'sesame-server-cli-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('sesame check-config', () => {
  it('prints its help with --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      const result = await cli('check-config', flag);
      expect(result).toMatchObject({ code: 0 });
      expect(JSON.stringify(result)).toMatch(/Usage: sesame check-config FILE/);
    }
  });

  it('accepts a good knockd.conf and names its doors', async () => {
    const path = file(
      'good.conf',
      '[options]\n  UseSyslog\n[openSSH]\n  sequence = 7000,8000,9000\n',
    );
    expect(await cli('check-config', path)).toEqual({
      code: 0,
      out: `${path}: OK, 1 door(s): openSSH\n`,
      err: '',
    });
  });

  it.each([
    ['[Options]\n  logfile = /x\n', 'config: line 2: syntax error'],
    ['[a]\n  sequence = 1:icmp\n', 'config: section a: unknown protocol in knock sequence', 1],
    ['[a]\n  tcpflags = syn, ack\n  sequence = 1\n', 'config: line 2: unrecognized flag " ACK"'],
    ['sequence = 1\n', 'config: line 1: all directives must belong to a section'],
    [
      '[a]\n  sequence = 1\n  command = /bin/echo open\0; reboot\n',
      'config: line 3: line holds a NUL byte (knockd would read only the text before it)',
    ],
  ])(
    "refuses %j with knockd's first line, the file and the line, and exit 1",
    async (text, message, line?: number) => {
      // knockd's `config: line N:` names the line; its `config: section D:` does not, so Sesame adds it.
      const path = file('bad.conf', text);
      expect(await cli('check-config', path)).toEqual({
        code: 1,
        out: '',
        err: `${message} (in ${path}${line === undefined ? '' : `, line ${line}`})\n`,
      });
    },
  );

  it('says when the file cannot be read', async () => {
    const result = await cli('check-config', join(dir, 'missing.conf'));
    expect(result.code).toBe(1);
    expect(result.err).toContain('could not open config file');
  });
});

describe('sesame server', () => {
  it('prints its usage and version', async () => {
    expect((await cli('server', '-h')).out).toMatch(/^Usage: sesame server/);
    expect((await cli('server', '-V')).out).toMatch(/knockd 0\.8 compatible/);
  });

  it("exits 1 with knockd's message on a bad config, before capturing anything", async () => {
    const path = file('bad-server.conf', '[a]\n  sequence = 65536\n');
    expect(await cli('server', '-c', path, '-i', 'lo')).toEqual({
      code: 1,
      out: '',
      err: `config: section a: port 65536 is invalid (in ${path}, line 1)\n`,
    });
  });

  it('exits 1 saying which interface does not exist', async () => {
    const path = file('ok.conf', '[a]\n  sequence = 7000\n');
    const result = await cli('server', '-c', path, '-i', 'nosuch0');
    expect(result.code).toBe(1);
    // libpcap checks the privilege before the device, so only root gets to hear about the name.
    expect(result.err).toContain(
      process.getuid?.() === 0
        ? 'no network interface named nosuch0'
        : 'no permission to capture on nosuch0',
    );
  });

  it('refuses unknown options', async () => {
    const result = await cli('server', '--frobnicate');
    expect(result.code).toBe(1);
    expect(result.err).toContain("Unknown option '--frobnicate'");
  });
});

describe('signals before the server serves', () => {
  it('queues SIGHUP, SIGUSR1, SIGTERM and SIGINT that come before serve() takes over', () => {
    const signals = ['SIGHUP', 'SIGUSR1', 'SIGTERM', 'SIGINT'] as const;
    const before = signals.map((signal) => process.listenerCount(signal));
    const queue = queueSignals();
    // Each has a listener now, so none takes its default action (ending the process).
    expect(signals.map((signal) => process.listenerCount(signal))).toEqual(
      before.map((n) => n + 1),
    );
    process.emit('SIGHUP');
    process.emit('SIGTERM');
    expect(queue.release()).toEqual(['SIGHUP', 'SIGTERM']);
    expect(signals.map((signal) => process.listenerCount(signal))).toEqual(before);
  });
});
