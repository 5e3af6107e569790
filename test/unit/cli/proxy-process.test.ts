import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../support/cli';
import { doorProfile, loopbackDoor, type LoopbackDoor, type Service } from './proxy-helpers';

// `sesame proxy` as ssh runs it: the built CLI in its own process, stdin and stdout pipes, the
// profile found in a real profile file by its name (the ssh alias) or its host. Loopback only.

let cli: string;
let dir: string;
const doors: LoopbackDoor[] = [];

beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sesame-proxy-process-'));
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const door of doors.splice(0)) await door.stop();
});

/** A profile whose sequences the app sealed: the plain CLI cannot read them. */
const vault = {
  id: 'vault',
  name: 'vault',
  host: '10.9.9.9',
  sealed: { backend: 'gnome_libsecret', data: 'c2VhbGVk' },
};

async function setUp(service?: Service, options?: { opensOnKnock?: boolean }) {
  const door = await loopbackDoor(service, options);
  doors.push(door);
  const configDir = mkdtempSync(join(dir, 'cfg-'));
  writeFileSync(
    join(configDir, 'profiles.json'),
    JSON.stringify({ version: 2, profiles: [doorProfile(door, 'loc'), vault] }),
  );
  return { door, configDir };
}

function start(configDir: string, args: string[]) {
  const child = spawn(process.execPath, [cli, 'proxy', ...args], {
    env: { PATH: '/usr/bin:/bin', SESAME_CONFIG_DIR: configDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  return {
    child,
    exit,
    stdout: () => Buffer.concat(stdout).toString(),
    stderr: () => stderr,
  };
}

describe('sesame proxy in its own process', () => {
  it('found by its alias: relays, and exits 0 once stdin ends and the echo is out', async () => {
    const { door, configDir } = await setUp();
    const run = start(configDir, ['loc', String(door.servicePort)]);
    run.child.stdin.write('SSH-2.0-OpenSSH_test\r\n');
    await expect.poll(run.stdout, { timeout: 10_000 }).toBe('SSH-2.0-OpenSSH_test\r\n');
    run.child.stdin.end('bye\n');
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe('SSH-2.0-OpenSSH_test\r\nbye\n');
    expect(run.stderr()).toBe('');
    expect(door.closes()).toBe(1);
  }, 30_000);

  it('found by its host: exits 0 when the server closes, though stdin stays open', async () => {
    const { door, configDir } = await setUp((socket) => {
      socket.on('error', () => undefined);
      socket.end('SSH-2.0-server\r\n');
    });
    const run = start(configDir, ['127.0.0.1', String(door.servicePort)]);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toBe('SSH-2.0-server\r\n');
    expect(run.child.stdin.writableEnded).toBe(false);
    expect(door.closes()).toBe(1);
  }, 30_000);

  it('SIGHUP (ssh exiting) ends the session and the door is still closed', async () => {
    const { door, configDir } = await setUp();
    const run = start(configDir, ['loc', String(door.servicePort)]);
    run.child.stdin.write('ping');
    await expect.poll(run.stdout, { timeout: 10_000 }).toBe('ping');
    run.child.kill('SIGHUP');
    expect(await run.exit).toBe(129);
    expect(door.closes()).toBe(1);
  }, 30_000);

  it('a door that stays closed: one line on stderr, nothing on stdout, exit 2', async () => {
    const { door, configDir } = await setUp(undefined, { opensOnKnock: false });
    const run = start(configDir, ['--probe-timeout', '300', 'loc', String(door.servicePort)]);
    expect(await run.exit).toBe(2);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe(
      `sesame: profile 'loc': port ${String(door.servicePort)} on 127.0.0.1 stayed closed after knocking twice (connection refused)\n`,
    );
  }, 30_000);

  it('no profile has that name or host: one line, exit 1', async () => {
    const { configDir } = await setUp();
    const run = start(configDir, ['10.0.0.99', '22']);
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toBe(
      'sesame: no profile is named 10.0.0.99 or has it as its host (sesame profiles list shows them)\n',
    );
  }, 30_000);

  it('a profile whose sequences the app encrypted, found by its host: says why, exit 1', async () => {
    const { configDir } = await setUp();
    const run = start(configDir, ['10.9.9.9', '22']);
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).toMatch(
      /^sesame: profile "vault" has its sequences encrypted by the Sesame app \(gnome_libsecret\)[^\n]*\n$/,
    );
  }, 30_000);
});
