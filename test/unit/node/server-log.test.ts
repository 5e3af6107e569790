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
