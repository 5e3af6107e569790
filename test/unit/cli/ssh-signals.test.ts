import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../support/cli';

// `sesame ssh` as a user runs it: the built CLI in its own process, a stand-in for ssh that waits,
// and the terminal closed (SIGHUP) or the command killed (SIGTERM) while the session runs. The door
// must be closed again: the close sequence reaches its port. Everything stays on loopback.

let cli: string;
let dir: string;
const servers: { close: () => void }[] = [];

beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sesame-ssh-signals-'));
  // The stand-in ssh says it started, then waits (exec: the forwarded signal reaches `sleep`).
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\n: > "$SESAME_TEST_SSH_STARTED"\nexec sleep 30\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
}, 60_000);

afterAll(() => {
  for (const s of servers.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function udpCounter() {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let count = 0;
  socket.on('message', () => (count += 1));
  servers.push(socket);
  return { port: socket.address().port, count: () => count };
}

async function service() {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

async function runUntilStarted(name: string) {
  const open = await udpCounter();
  const close = await udpCounter();
  const configDir = mkdtempSync(join(dir, 'cfg-'));
  writeFileSync(
    join(configDir, 'profiles.json'),
    JSON.stringify({
      version: 1,
      profiles: [
        {
          id: name,
          name,
          host: '127.0.0.1',
          open: [{ port: open.port, protocol: 'udp' }],
          close: [{ port: close.port, protocol: 'udp' }],
          servicePort: await service(),
        },
      ],
    }),
  );
  const started = join(configDir, 'started');
  const child = spawn(process.execPath, [cli, 'ssh', name], {
    env: {
      PATH: `${dir}:/usr/bin:/bin`,
      SESAME_CONFIG_DIR: configDir,
      SESAME_TEST_SSH_STARTED: started,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await expect.poll(() => existsSync(started), { timeout: 15_000 }).toBe(true);
  return { child, exit, open, close };
}

describe('sesame ssh closes the door when it is ended by a signal', () => {
  it.each([
    ['SIGHUP', 129],
    ['SIGTERM', 143],
  ] as const)(
    '%s while ssh runs: ssh ends, the close sequence is sent, exit %i',
    async (signal, code) => {
      const run = await runUntilStarted(`sig${signal.toLowerCase()}`);
      expect(run.open.count()).toBe(1);
      expect(run.close.count()).toBe(0);
      run.child.kill(signal);
      expect(await run.exit).toBe(code);
      await expect.poll(() => run.close.count(), { timeout: 5_000 }).toBe(1);
    },
    30_000,
  );
});
