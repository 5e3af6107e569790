// Several processes changing the profile file at once (the CLI in two shell loops, the app
// re-sealing what the CLI added): every read-modify-write holds the file's lock, so no change is
// lost. Real child processes run a small bundled program against one file.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockFileSync, type FileLockTiming } from '../../../electron/node/file-lock';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import type { ProfileFileBackend } from '../../../electron/node/profile-store-file';
import { bundleScript } from '../../support/cli';

const run = promisify(execFile);

// argv: FILE WHO COUNT START_AT (ms since the epoch: every process starts adding at once)
const ADDER = `
import { createLogger } from './electron/node/logger';
import { ProfileStore } from './electron/node/profile-store';

const [file = '', who = '', count = '0', startAt = '0'] = process.argv.slice(2);
const store = new ProfileStore({ path: file, now: () => new Date(), logger: createLogger('p', () => undefined) });
while (Date.now() < Number(startAt)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
for (let i = 0; i < Number(count); i += 1) {
  const added = store.add({ name: who + '-' + String(i), host: 'h.example.com', open: [{ port: 1000 + i, protocol: 'tcp' }] });
  if (!added.ok) {
    process.stderr.write(added.error.message + '\\n');
    process.exit(1);
  }
  process.stdout.write('added\\n');
}
`;

// argv: FILE. Takes the file's lock and dies holding it (SIGKILL: no exit handler runs).
const CRASHER = `
import { lockFileSync } from './electron/node/file-lock';

const lock = lockFileSync(process.argv[2] ?? '');
if (!lock.ok) process.exit(2);
process.kill(process.pid, 'SIGKILL');
`;

let adder: string;
let crasher: string;
let dir: string;

beforeAll(async () => {
  adder = await bundleScript('profile-adder', ADDER);
  crasher = await bundleScript('lock-crasher', CRASHER);
  dir = mkdtempSync(join(tmpdir(), 'sesame-lock-'));
}, 60_000);

const web = {
  name: 'web',
  host: 'web.example.com',
  open: [{ port: 7000, protocol: 'tcp' as const }],
};
const quiet = createLogger('profiles', () => undefined);

/** A store on `file` whose lock waits and goes stale as `timing` says. */
function storeOn(file: string, timing: FileLockTiming, backend?: ProfileFileBackend) {
  return new ProfileStore({
    path: file,
    now: () => new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
    logger: quiet,
    lock: (f) => lockFileSync(f, timing),
    ...(backend ? { backend } : {}),
  });
}

let n = 0;
/** A fresh profile file path in its own folder (which exists). */
function freshFile(): string {
  n += 1;
  const folder = join(dir, `case-${String(n)}`);
  mkdirSync(folder);
  return join(folder, 'profiles.json');
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ProfileStore across processes', () => {
  it('keeps every profile that 4 processes add at once, 25 each', async () => {
    const file = join(dir, 'Sesame', 'profiles.json');
    const startAt = String(Date.now() + 1500);
    const who = ['a', 'b', 'c', 'd'];
    const runs = who.map((w) => run(process.execPath, [adder, file, w, '25', startAt]));
    const outputs = await Promise.all(runs);
    expect(outputs.map((o) => o.stdout.split('\n').filter(Boolean).length)).toEqual([
      25, 25, 25, 25,
    ]);
    const data = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { name: string }[] };
    const names = data.profiles.map((p) => p.name).sort();
    const expected = who.flatMap((w) => Array.from({ length: 25 }, (_, i) => `${w}-${String(i)}`));
    expect(names).toEqual(expected.sort());
  }, 60_000);

  it('waits for a lock another process holds, then says it is busy and changes nothing', () => {
    const file = freshFile();
    writeFileSync(file, '{"version": 2, "profiles": []}');
    mkdirSync(`${file}.lock`); // a live holder's lock: fresh
    const store = storeOn(file, { staleMs: 10_000, waitMs: 300 });
    const added = store.add(web);
    expect(added).toEqual({
      ok: false,
      error: {
        code: 'busy',
        message: `${file} is being changed by another Sesame: its lock ${file}.lock was still held after 300 ms, so nothing was changed; try again`,
      },
    });
    expect(readFileSync(file, 'utf8')).toBe('{"version": 2, "profiles": []}');
    expect(existsSync(`${file}.lock`)).toBe(true); // not ours to remove
  });

  it('takes over a lock left untouched for longer than it may be held', () => {
    const file = freshFile();
    mkdirSync(`${file}.lock`);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, minuteAgo, minuteAgo);
    const store = storeOn(file, { staleMs: 10_000, waitMs: 300 });
    expect(store.add(web)).toMatchObject({ ok: true, value: { name: 'web' } });
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('is not blocked for ever by a process that died holding the lock', async () => {
    const file = freshFile();
    await expect(run(process.execPath, [crasher, file])).rejects.toMatchObject({
      signal: 'SIGKILL',
    });
    expect(existsSync(`${file}.lock`)).toBe(true);
    const store = storeOn(file, { staleMs: 2000, waitMs: 8000 });
    expect(store.add(web)).toMatchObject({ ok: true });
    expect(existsSync(`${file}.lock`)).toBe(false);
  }, 20_000);

  it("writes through any backend (the app's electron-store) only while holding the lock", () => {
    const file = freshFile();
    const held: boolean[] = [];
    let text: string | undefined;
    const backend: ProfileFileBackend = {
      read: () => {
        if (text === undefined) throw Object.assign(new Error('none'), { code: 'ENOENT' });
        return new TextEncoder().encode(text);
      },
      write: (data) => {
        held.push(existsSync(`${file}.lock`));
        text = JSON.stringify(data);
      },
    };
    const store = storeOn(file, { staleMs: 10_000, waitMs: 300 }, backend);
    expect(store.add(web).ok).toBe(true);
    expect(store.resave().ok).toBe(true);
    expect(held).toEqual([true, true]);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('moves a broken file aside only if it still holds what was read, under the lock', () => {
    const file = freshFile();
    const good = JSON.stringify({ version: 2, profiles: [] });
    const reads = ['{"version": 2, "profiles": [', good]; // another process replaced it meanwhile
    const backend: ProfileFileBackend = {
      read: () => new TextEncoder().encode(reads.length > 1 ? (reads.shift() ?? '') : good),
      write: () => undefined,
    };
    writeFileSync(file, good);
    const store = storeOn(file, { staleMs: 10_000, waitMs: 300 }, backend);
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(readFileSync(file, 'utf8')).toBe(good);
    expect(existsSync(`${file}.corrupt-20250102-030405`)).toBe(false);
  });
});
