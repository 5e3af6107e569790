import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stepAt } from '../../shared/rotating/derive';
import { msToNextStep } from '../../shared/rotating/window';
import { buildCli, sesameServer } from '../support/cli';
import type { DoorServerProgram, Knockd } from '../support/knockd';
import { describeRoot } from '../support/root';
import { startSshStandIn } from '../support/ssh-stand-in';
import { startTcpdump } from '../support/tcpdump';
import { createTestBed, type TestBed } from '../support/testbed';

// Rotating sequences on the bed: Debian's knockd driven by knockd-rotate, and `sesame server`,
// against `sesame knock --secret-file`; replays with tcpdump + tcpreplay; clients whose clock is
// one or two steps off (their sequences computed with `sesame rotating show --at`).
let bed: TestBed;
let cli: string;
let program: DoorServerProgram;
let dir: string;
let secret: string;

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sesame(args: string[], where: 'client' | 'server' = 'client') {
  const result = await bed.run(bed[where], [process.execPath, cli, ...args], {
    timeoutMs: 20_000,
  });
  if (result.code !== 0) {
    throw new Error(`sesame ${args.join(' ')} exited ${String(result.code)}: ${result.stderr}`);
  }
  return result.stdout;
}

/** The sequence of `label` at unix time `at` (a client whose clock reads `at`). */
async function sequenceAt(label: string, step: number, at: number): Promise<string[]> {
  const shown = await sesame([
    'rotating',
    'show',
    '--secret-file',
    secret,
    '--label',
    label,
    '--step',
    String(step),
    '--at',
    String(at),
  ]);
  return shown.trim().split(',');
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

async function opens(server: Knockd, door: string): Promise<number> {
  return count(await server.log(), `: ${door}: OPEN SESAME`);
}

/**
 * Knocks the UDP marker door and waits for it to open: the server handles packets in order, so
 * every packet sent before the marker has been handled once it opened.
 */
async function settle(server: Knockd): Promise<void> {
  const before = await opens(server, 'marker');
  await sesame(['knock', '-u', bed.server.ipv4, '7777']);
  await expect.poll(() => opens(server, 'marker'), { timeout: 10_000 }).toBe(before + 1);
}

/** Waits until `seconds`-long steps are at least `marginMs` away from a boundary for `spanMs`. */
async function awayFromBoundary(seconds: number, spanMs: number): Promise<void> {
  const toNext = msToNextStep(Date.now(), seconds);
  const since = seconds * 1000 - toNext;
  if (toNext < spanMs + 1500 || since < 1500) await sleep(toNext + 1500);
}

const pcap = (name: string) => join(dir, name);

/** Captures the client's TCP packets on the server into a file, as an observer would. */
const record = (file: string) =>
  startTcpdump(bed, bed.server, `src host ${bed.client.ipv4} and tcp`, [
    '--immediate-mode',
    '-w',
    file,
  ]);

/** Replays a capture from the client's interface; resolves with the packets it sent. */
async function replay(file: string): Promise<number> {
  const played = await bed.run(bed.client, ['tcpreplay', '-i', bed.client.ifname, file]);
  expect(played.code, played.stderr).toBe(0);
  return Number(/Actual: (\d+) packets/.exec(played.stdout)?.[1] ?? 0);
}

const MARKER = `[marker]
  sequence = 7777:udp
  command = /bin/echo marker %IP%
`;

describeRoot(
  'rotating knock sequences',
  { commands: ['ip', 'iptables', 'knockd', 'tcpdump', 'tcpreplay'] },
  () => {
    beforeAll(async () => {
      cli = await buildCli();
      program = await sesameServer();
      bed = await createTestBed({ ipv6: false });
      dir = mkdtempSync(join(tmpdir(), 'sesame-rotating-'));
      chmodSync(dir, 0o755);
      secret = join(dir, 'door.secret');
      writeFileSync(secret, `${SECRET}\n`, { mode: 0o600 });
    }, 30_000);

    afterAll(async () => {
      await bed.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it("Debian's knockd, driven by knockd-rotate, opens on sesame knock --secret-file, also after a step's reload, and on a replay (what plain knockd cannot prevent)", async () => {
      const template = join(dir, 'template.conf');
      writeFileSync(
        template,
        `[rot]
  rotating_secret_file = ${secret}
  rotating_step = 10
  seq_timeout = 5
  tcpflags = syn
  command = /bin/echo rot-open %IP%
`,
      );
      const rendered = join(dir, 'rendered.conf');
      await sesame(
        ['knockd-rotate', '--template', template, '--out', rendered, '--once'],
        'server',
      );
      const knockd = await bed.startKnockd(readFileSync(rendered, 'utf8'));
      const pidFile = join(dir, 'knockd.pid');
      writeFileSync(pidFile, `${String(knockd.child.pid)}\n`);
      const rotate = bed.spawn(bed.server, [
        process.execPath,
        cli,
        'knockd-rotate',
        '--template',
        template,
        '--out',
        knockd.configPath,
        '--pidfile',
        pidFile,
      ]);
      try {
        const knock = ['knock', '--secret-file', secret, '--label', 'rot', '--step', '10'];
        await sesame([...knock, bed.server.ipv4]);
        await knockd.waitForLog(`rot-open ${bed.client.ipv4}`, 10_000);
        // The next boundary: knockd-rotate rewrites the doors and knockd re-reads them.
        await knockd.waitForLog('re-reading config file', 15_000);
        const before = count(await knockd.log(), 'rot-open');
        const dump = await record(pcap('knockd.pcap'));
        await sesame([...knock, bed.server.ipv4]);
        const opened = () => knockd.log().then((log) => count(log, 'rot-open'));
        await expect.poll(opened, { timeout: 10_000 }).toBe(before + 1);
        await dump.stop(200);
        // What plain knockd cannot prevent: a replay inside the accepted steps opens again.
        expect(await replay(pcap('knockd.pcap'))).toBe(4);
        await expect.poll(opened, { timeout: 10_000 }).toBe(before + 2);
        expect(knockd.running).toBe(true);
      } finally {
        rotate.kill('SIGTERM');
        await knockd.stop();
      }
    }, 45_000);

    it('sesame server opens once on a rotating knock: a replay fails inside the step and two steps later', async () => {
      const server = await bed.startKnockd(
        `${MARKER}[long]
  rotating_secret_file = ${secret}
  rotating_step = 3600
  seq_timeout = 5
  command = /bin/echo long-open %IP%
[short]
  rotating_secret_file = ${secret}
  rotating_step = 10
  seq_timeout = 5
  command = /bin/echo short-open %IP%
`,
        { program },
      );
      // Inside the step (an hour long): knock, capture, replay after it opened.
      await awayFromBoundary(3600, 3000);
      const dumpLong = await record(pcap('long.pcap'));

      await sesame([
        'knock',
        '--secret-file',
        secret,
        '--label',
        'long',
        '--step',
        '3600',
        bed.server.ipv4,
      ]);
      await server.waitForLog(`long-open ${bed.client.ipv4}`);
      await dumpLong.stop(200);
      const stepLong = stepAt(Date.now() / 1000, 3600);
      expect(await replay(pcap('long.pcap'))).toBe(4);
      await settle(server);
      expect(stepAt(Date.now() / 1000, 3600)).toBe(stepLong); // still the same step
      expect(await opens(server, 'long')).toBe(1);
      expect(await server.log()).toContain(`long: the sequence of step ${stepLong} is used`);

      // Two steps later (10 s steps): a client one step behind knocks step S-1 now; at S+1 it
      // is two steps old. The knock opens (one step of skew is accepted), its replay does not.
      await awayFromBoundary(10, 2000);
      const now = Date.now() / 1000;
      const behind = await sequenceAt('short', 10, now - 10);
      const dumpShort = await record(pcap('short.pcap'));
      await sesame(['knock', bed.server.ipv4, ...behind]);
      await server.waitForLog(`short-open ${bed.client.ipv4}`);
      await dumpShort.stop(200);
      const knocked = stepAt(now, 10) - 1;
      await sleep(msToNextStep(Date.now(), 10) + 500); // the server's step is now knocked + 2
      expect(stepAt(Date.now() / 1000, 10)).toBe(knocked + 2);
      expect(await replay(pcap('short.pcap'))).toBe(4);
      await settle(server);
      expect(await opens(server, 'short')).toBe(1);
      await server.stop();
    }, 45_000);

    it('a profile added with --uri from rotating new opens and closes rotating doors: knock --profile, probe, close', async () => {
      // The admin makes a secret per door on the server; its URIs go to the client.
      const uriOf = async (label: string) => {
        const printed = await sesame(
          [
            'rotating',
            'new',
            '--label',
            label,
            '--host',
            bed.server.ipv4,
            '--out',
            join(dir, `${label}.secret`),
          ],
          'server',
        );
        const uri = /^sesame:\/\/rotating\?.*$/m.exec(printed)?.[0];
        if (!uri) throw new Error(`no URI in: ${printed}`);
        return uri;
      };
      const openUri = await uriOf('gate-open');
      const closeUri = await uriOf('gate-close');
      const rule = `-s %IP% -p tcp --dport 22 -j ACCEPT`;
      const server = await bed.startKnockd(
        `${MARKER}[gate-open]
  rotating_secret_file = ${join(dir, 'gate-open.secret')}
  seq_timeout = 5
  command = /usr/sbin/iptables -w 5 -I INPUT ${rule}
[gate-close]
  rotating_secret_file = ${join(dir, 'gate-close.secret')}
  seq_timeout = 5
  command = /usr/sbin/iptables -w 5 -D INPUT ${rule}
`,
        { program },
      );
      startSshStandIn(bed);
      const config = mkdtempSync(join(tmpdir(), 'sesame-rotating-cfg-'));
      const client = (args: string[]) =>
        bed.run(
          bed.client,
          ['env', `SESAME_CONFIG_DIR=${config}`, process.execPath, cli, ...args],
          { timeoutMs: 20_000 },
        );
      try {
        const added = await client([
          'profiles',
          'add',
          '--name',
          'gate',
          '--uri',
          openUri,
          '--close-uri',
          closeUri,
        ]);
        expect(added.stderr).toBe('');
        expect(added.code).toBe(0);
        expect(readFileSync(join(config, 'profiles.json'), 'utf8')).toContain(bed.server.ipv4);

        const opened = await client(['knock', '--profile', 'gate', '-v']);
        expect(opened.stderr).toBe('');
        expect(opened.code).toBe(0);
        expect(opened.stdout).toContain(`gate: open: ${bed.server.ipv4}:22 answered after`);
        expect(await opens(server, 'gate-open')).toBe(1);

        const closed = await client(['knock', '--profile', 'gate', '--close']);
        expect(closed.stderr).toBe('');
        expect(closed.code).toBe(0);
        expect(closed.stdout).toMatch(/^gate: sent close sequence \d+,\d+,\d+,\d+ to /m);
        expect(await opens(server, 'gate-close')).toBe(1);
        const after = await client(['probe', '--timeout', '1500', bed.server.ipv4, '22']);
        expect(after.code).toBe(2);
      } finally {
        await server.stop();
        rmSync(config, { recursive: true, force: true });
      }
    }, 45_000);

    it('sesame server accepts a client clock one step off, not two', async () => {
      const server = await bed.startKnockd(
        `${MARKER}[skew]
  rotating_secret_file = ${secret}
  rotating_step = 30
  seq_timeout = 5
  command = /bin/echo skew-open %IP%
`,
        { program },
      );
      await awayFromBoundary(30, 5000);
      const now = Date.now() / 1000;
      for (const offset of [-60, 60]) {
        await sesame(['knock', bed.server.ipv4, ...(await sequenceAt('skew', 30, now + offset))]);
      }
      await settle(server);
      expect(await opens(server, 'skew')).toBe(0);
      for (const offset of [-30, 30]) {
        await sesame(['knock', bed.server.ipv4, ...(await sequenceAt('skew', 30, now + offset))]);
      }
      await expect.poll(() => opens(server, 'skew'), { timeout: 10_000 }).toBe(2);
      expect(stepAt(Date.now() / 1000, 30)).toBe(stepAt(now, 30));
      await server.stop();
    }, 45_000);
  },
);
