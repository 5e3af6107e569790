import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive, takePidFile } from '../../../electron/node/pid-file';

const dir = mkdtempSync(join(tmpdir(), 'sesame-pid-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const fresh = () => join(dir, `server-${(n += 1)}.pid`);
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

describe('takePidFile', () => {
  it('writes the pid (0644) and removes the file on release, leaving nothing else behind', () => {
    const path = fresh();
    const taken = takePidFile(path, { pid: 4242, isAlive: alive([4242]) });
    expect(taken.ok).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('4242\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    if (taken.ok) taken.value.release();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('server-1.'))).toEqual([]);
  });

  it('refuses while another live server holds the file, and says which', () => {
    const path = fresh();
    writeFileSync(path, '1000\n');
    expect(takePidFile(path, { pid: 2000, isAlive: alive([1000, 2000]) })).toEqual({
      ok: false,
      error: `another sesame server is running (pid 1000, pid file ${path})`,
    });
    expect(readFileSync(path, 'utf8')).toBe('1000\n');
  });

  it('takes over the file of a dead process, an empty one, and one that names itself', () => {
    for (const stale of ['1000\n', '', 'garbage', '0\n', '2000\n']) {
      const path = fresh();
      writeFileSync(path, stale);
      const taken = takePidFile(path, { pid: 2000, isAlive: alive([2000]) });
      expect(taken.ok).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe('2000\n');
    }
  });

  it('never follows a symlink: the target stays untouched', () => {
    const target = join(dir, 'precious');
    writeFileSync(target, 'keep me\n');
    const path = fresh();
    symlinkSync(target, path);
    const dangling = fresh();
    symlinkSync(join(dir, 'nothing-here'), dangling);
    for (const link of [path, dangling]) {
      expect(takePidFile(link, { pid: 2000, isAlive: alive([2000]) })).toEqual({
        ok: false,
        error: `pid file ${link} is a symbolic link: refusing to follow it (remove it if it is not yours)`,
      });
    }
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(existsSync(join(dir, 'nothing-here'))).toBe(false);
  });

  it('does not remove a file another server took over since', () => {
    const path = fresh();
    const taken = takePidFile(path, { pid: 2000, isAlive: alive([2000]) });
    writeFileSync(path, '3000\n');
    if (taken.ok) taken.value.release();
    expect(readFileSync(path, 'utf8')).toBe('3000\n');
  });

  it('says why a pid file cannot be written', () => {
    const path = join(dir, 'no-such-dir', 'server.pid');
    const taken = takePidFile(path, { pid: 2000 });
    expect(taken.ok ? '' : taken.error).toMatch(/^cannot write pid file .*ENOENT/);
  });
});

describe('processAlive', () => {
  it('knows this process, and not a pid that has exited', async () => {
    expect(processAlive(process.pid)).toBe(true);
    const { spawnSync } = await import('node:child_process');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(processAlive(dead)).toBe(false);
  });
});
