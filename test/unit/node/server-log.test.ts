import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createServerLog, logStamp } from '../../../electron/node/server-log';

describe('server log', () => {
  it('stamps lines as knockd does, in local time', () => {
    expect(logStamp(new Date(2007, 10, 4, 1, 38, 59))).toBe('[2007-11-04 01:38]');
  });

  it('appends stamped lines to the log file and prints bare lines with -v', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-log-'));
    const printed: string[] = [];
    const log = createServerLog({
      logFile: join(dir, 'knockd.log'),
      verbose: true,
      stdout: (l) => printed.push(l),
      now: () => new Date(2026, 0, 2, 3, 4),
    });
    log.log('198.18.0.2: openSSH: Stage 1');
    log.log('198.18.0.2: openSSH: OPEN SESAME');
    await log.close();
    expect(readFileSync(join(dir, 'knockd.log'), 'utf8')).toBe(
      '[2026-01-02 03:04] 198.18.0.2: openSSH: Stage 1\n[2026-01-02 03:04] 198.18.0.2: openSSH: OPEN SESAME\n',
    );
    expect(printed).toEqual([
      '198.18.0.2: openSSH: Stage 1\n',
      '198.18.0.2: openSSH: OPEN SESAME\n',
    ]);
    rmSync(dir, { recursive: true });
  });
});

describe('server log to syslog', () => {
  it('feeds each message as one line to a long-running logger (ident knockd, user.notice)', async () => {
    const { EventEmitter } = await import('node:events');
    const { PassThrough } = await import('node:stream');
    const stdin = new PassThrough();
    let text = '';
    stdin.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const child = Object.assign(new EventEmitter(), { stdin });
    stdin.on('finish', () => child.emit('exit', 0));
    const log = createServerLog({
      useSyslog: true,
      spawnLogger: () => child as unknown as import('node:child_process').ChildProcess,
    });
    log.log('198.18.0.2: openSSH: Stage 1');
    log.log('198.18.0.2: openSSH: OPEN SESAME');
    await log.close();
    expect(text).toBe('198.18.0.2: openSSH: Stage 1\n198.18.0.2: openSSH: OPEN SESAME\n');
  });
});

describe('server log file safety', () => {
  it('does not follow a symlink at the log file path, and says why', async () => {
    const { symlinkSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'sesame-log-'));
    const target = join(dir, 'precious');
    writeFileSync(target, 'keep me\n');
    symlinkSync(target, join(dir, 'knockd.log'));
    const warnings: string[] = [];
    const log = createServerLog({
      logFile: join(dir, 'knockd.log'),
      warn: (l) => warnings.push(l),
    });
    log.log('198.18.0.2: openSSH: Stage 1');
    await log.close();
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(warnings.join('')).toContain('is a symbolic link, which the server does not follow');
    rmSync(dir, { recursive: true });
  });

  it('reopens the file by its name after logrotate renamed it', async () => {
    const { renameSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'sesame-log-'));
    const path = join(dir, 'knockd.log');
    const log = createServerLog({ logFile: path, now: () => new Date(2026, 0, 2, 3, 4) });
    log.log('before');
    await new Promise((r) => setTimeout(r, 20));
    renameSync(path, `${path}.1`);
    log.log('in between'); // still the old file: it was written before the signal came
    log.reopen();
    log.log('after');
    await log.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('[2026-01-02 03:04] before\n');
    expect(readFileSync(path, 'utf8')).toBe(
      '[2026-01-02 03:04] in between\n[2026-01-02 03:04] after\n',
    );
    rmSync(dir, { recursive: true });
  });

  it('holds a bounded backlog while the file is slow, then says how many lines it dropped', async () => {
    const { Writable } = await import('node:stream');
    const written: string[] = [];
    const callbacks: (() => void)[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        written.push(chunk.toString());
        callbacks.push(callback);
      },
    });
    const log = createServerLog({
      logFile: '/slow.log',
      openFile: () => slow,
      maxPendingBytes: 1000,
      now: () => new Date(2026, 0, 2, 3, 4),
    });
    const turn = () => new Promise((r) => setImmediate(r));
    log.log('first');
    await turn();
    expect(written).toEqual(['[2026-01-02 03:04] first\n']);
    for (let i = 0; i < 100; i += 1) {
      for (let j = 0; j < 100; j += 1) log.log(`line ${i} ${j}`);
      await turn();
    }
    expect(written).toHaveLength(1); // nothing more while the stream has not drained
    for (const callback of callbacks.splice(0)) callback();
    await turn();
    expect(written).toHaveLength(2);
    const second = written[1] ?? '';
    expect(second.length).toBeLessThan(1200);
    // 34 lines fit in the 1,000 bytes held; the other 9,966 of the 10,000 were dropped and counted.
    expect(second.split('\n')[0]).toBe(
      '[2026-01-02 03:04] 9966 log lines dropped: the log file could not keep up',
    );
    expect(second).toContain('[2026-01-02 03:04] line 0 0\n');
    for (const callback of callbacks.splice(0)) callback();
    await log.close();
  });
});
