import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli } from '../support/cli';
import type { Knockd } from '../support/knockd';
import type { RunResult } from '../support/processes';
import { describeRoot } from '../support/root';
import { startTcpdump } from '../support/tcpdump';
import { createTestBed, type TestBed } from '../support/testbed';
import { startSshStandIn } from '../support/ssh-stand-in';

// Sesame's client against Debian's real knockd, across the bed's veth pair.
const CONFIG = `[tcp]
  sequence = 7001,7002,7003
  tcpflags = syn
  command = /bin/echo tcp-open %IP%
[udp]
  sequence = 7101:udp,7102:udp,7103:udp
  command = /bin/echo udp-open %IP%
[mixed]
  sequence = 7201,7202:udp,7203
  seq_timeout = 5
  tcpflags = syn
  command = /bin/echo mixed-open %IP%
[fin]
  sequence = 7401,7402,7403
  tcpflags = fin,!ack
  command = /bin/echo fin-open %IP%
[openSSH]
  sequence = 7301,7302,7303
  tcpflags = syn
  command = /usr/sbin/iptables -w 5 -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
[closeSSH]
  sequence = 7303,7302,7301
  tcpflags = syn
  command = /usr/sbin/iptables -w 5 -D INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
`;

/** A stand-in for ssh that records its argv (one per line) and exits 0. */
const FAKE_SSH = `#!/bin/sh
printf '%s\\n' "$@" > "$SESAME_TEST_SSH_ARGV"
`;

let bed: TestBed;
let knockd: Knockd;
let cli: string;
let configDir: string;
let binDir: string;

function sesame(args: string[]): Promise<RunResult> {
  const env = [
    `SESAME_CONFIG_DIR=${configDir}`,
    `SESAME_TEST_SSH_ARGV=${join(binDir, 'argv.txt')}`,
    `PATH=${binDir}:/usr/bin:/bin:/usr/sbin:/sbin`,
  ];
  return bed.run(bed.client, ['env', ...env, process.execPath, cli, ...args], {
    timeoutMs: 20_000,
  });
}

/** tcpdump on the server host; `stop` returns `PORT FLAGS` (or `PORT UDP`) per packet, in order. */
async function capture(filter: string) {
  const dump = await startTcpdump(bed, bed.server, filter);
  return {
    async stop(afterMs: number): Promise<string[]> {
      return (await dump.stop(afterMs)).map((line) => {
        const tcp = /> [\d.]+\.(\d+): Flags \[([^\]]+)\]/.exec(line);
        const udp = /> [\d.]+\.(\d+): UDP/.exec(line);
        return tcp ? `${tcp[1] ?? ''} ${tcp[2] ?? ''}` : udp ? `${udp[1] ?? ''} UDP` : line;
      });
    },
  };
}

describeRoot(
  'sesame client against the real knockd',
  { commands: ['ip', 'iptables', 'knockd', 'tcpdump'] },
  () => {
    beforeAll(async () => {
      cli = await buildCli();
      bed = await createTestBed();
      knockd = await bed.startKnockd(CONFIG);
      configDir = mkdtempSync(join(tmpdir(), 'sesame-cfg-'));
      binDir = mkdtempSync(join(tmpdir(), 'sesame-bin-'));
      writeFileSync(join(binDir, 'ssh'), FAKE_SSH);
      chmodSync(join(binDir, 'ssh'), 0o755);
      startSshStandIn(bed);
      writeFileSync(
        join(configDir, 'profiles.json'),
        JSON.stringify({
          version: 1,
          profiles: [
            {
              id: 'lab',
              name: 'lab',
              host: bed.server.ipv4,
              open: [7301, 7302, 7303].map((port) => ({ port, protocol: 'tcp' })),
              close: [7303, 7302, 7301].map((port) => ({ port, protocol: 'tcp' })),
              delayMs: 50,
              servicePort: 22,
              ssh: { user: 'alice', port: 22 },
            },
            {
              // A profile whose close door wants FIN packets (knockd's tcpflags = fin,!ack).
              id: 'finlab',
              name: 'finlab',
              host: bed.server.ipv4,
              open: [{ port: 7301, protocol: 'tcp' }],
              close: [7401, 7402, 7403].map((port) => ({
                port,
                protocol: 'tcp',
                tcpFlags: { set: ['fin'], clear: ['ack'] },
              })),
            },
          ],
        }),
        { mode: 0o600 },
      );
    }, 30_000);

    afterAll(async () => {
      await bed.teardown();
      rmSync(configDir, { recursive: true, force: true });
      rmSync(binDir, { recursive: true, force: true });
    });

    it('opens a TCP-only door over IPv4, printing knock -v lines', async () => {
      const result = await sesame(['knock', '-v', bed.server.ipv4, '7001', '7002', '7003']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        ['7001', '7002', '7003'].map((p) => `hitting tcp ${bed.server.ipv4}:${p}\n`).join(''),
      );
      await knockd.waitForLog(`${bed.client.ipv4}: tcp: OPEN SESAME`);
      await knockd.waitForLog(`tcp-open ${bed.client.ipv4}`);
    });

    it('opens a UDP-only door with -u', async () => {
      expect((await sesame(['knock', '-u', bed.server.ipv4, '7101', '7102', '7103'])).code).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv4}: udp: OPEN SESAME`);
    });

    it('opens a mixed TCP/UDP door with delays between hits', async () => {
      expect(
        (await sesame(['knock', '-d', '400', bed.server.ipv4, '7201', '7202:udp', '7203'])).code,
      ).toBe(0);
      const log = await knockd.waitForLog(`${bed.client.ipv4}: mixed: OPEN SESAME`);
      expect(log).toMatch(/mixed: Stage 1[\s\S]*mixed: Stage 2[\s\S]*mixed: Stage 3/);
    });

    it('opens a mixed door over IPv6', async () => {
      expect(
        (await sesame(['knock', '-6', '-d', '20', bed.server.ipv6, '7201', '7202:udp', '7203']))
          .code,
      ).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv6}: mixed: OPEN SESAME`);
      await knockd.waitForLog(`mixed-open ${bed.client.ipv6}`);
    });

    it('puts exactly one SYN on the wire per TCP hit, and nothing else', async () => {
      const dump = await capture('tcp and src host ' + bed.client.ipv4);
      expect((await sesame(['knock', bed.server.ipv4, '7001', '7002', '7003'])).code).toBe(0);
      // Past the kernel's first SYN retransmission (1 s): a socket held open would show a second SYN.
      expect(await dump.stop(1600)).toEqual(['7001 S', '7002 S', '7003 S']);
      await knockd.waitForLog(/tcp: OPEN SESAME[\s\S]*tcp: OPEN SESAME/);
    });

    it('keeps the order of back-to-back TCP and UDP hits on the wire', async () => {
      const dump = await capture('(tcp or udp) and src host ' + bed.client.ipv4);
      const ports = ['7001', '7101:udp', '7002', '7102:udp', '7103:udp', '7003'];
      expect((await sesame(['knock', bed.server.ipv4, ...ports])).code).toBe(0);
      expect(await dump.stop(300)).toEqual([
        '7001 S',
        '7101 UDP',
        '7002 S',
        '7102 UDP',
        '7103 UDP',
        '7003 S',
      ]);
    });

    it('opens a door that wants FIN packets with --tcp-flags, over IPv4 and IPv6', async () => {
      const ports = ['7401', '7402', '7403'];
      expect(
        (await sesame(['knock', '--tcp-flags', 'fin,!ack', bed.server.ipv4, ...ports])).code,
      ).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv4}: fin: OPEN SESAME`);
      expect(
        (await sesame(['knock', '-6', '--tcp-flags', 'fin', bed.server.ipv6, ...ports])).code,
      ).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv6}: fin: OPEN SESAME`);
      expect((await sesame(['knock', '--profile', 'finlab', '--close'])).code).toBe(0);
      await knockd.waitForLog(/fin: OPEN SESAME[\s\S]*fin: OPEN SESAME[\s\S]*fin: OPEN SESAME/);
    });

    it('refuses crafted packets without the privilege, naming CAP_NET_RAW, and sends nothing', async () => {
      const result = await bed.run(bed.client, [
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        cli,
        'knock',
        '--tcp-flags',
        'fin',
        bed.server.ipv4,
        '7401',
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'sesame: nothing sent: sending TCP flags other than SYN needs a raw socket',
      );
      expect(result.stderr).toContain('CAP_NET_RAW');
    });

    it('probes closed before the knock, open after it, closed again after the close sequence', async () => {
      const before = await sesame(['probe', '--timeout', '1500', bed.server.ipv4, '22']);
      expect(before.code).toBe(2);
      expect(before.stdout).toMatch(/^closed: /);

      const opened = await sesame(['knock', '--profile', 'lab', '-v']);
      expect(opened.stderr).toBe('');
      expect(opened.code).toBe(0);
      expect(opened.stdout).toContain(`lab: open: ${bed.server.ipv4}:22 answered after`);
      await knockd.waitForLog(`${bed.client.ipv4}: openSSH: OPEN SESAME`);
      expect((await sesame(['probe', bed.server.ipv4, '22'])).stdout).toMatch(/^open: /);

      expect((await sesame(['knock', '--profile', 'lab', '--close'])).code).toBe(0);
      await knockd.waitForLog(`${bed.client.ipv4}: closeSSH: OPEN SESAME`);
      const after = await sesame(['probe', '--timeout', '1500', bed.server.ipv4, '22']);
      expect(after.code).toBe(2);
    });

    it('runs ssh through the opened door, then closes it', async () => {
      const dry = await sesame(['ssh', 'lab', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(`would hit tcp ${bed.server.ipv4}:7301 then wait 50 ms`);

      const result = await sesame(['ssh', 'lab']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(readFileSync(join(binDir, 'argv.txt'), 'utf8').trim().split('\n')).toEqual([
        '-o',
        `HostName=${bed.server.ipv4}`,
        '-o',
        `HostKeyAlias=${bed.server.ipv4}`,
        '-p',
        '22',
        '-l',
        'alice',
        '--',
        bed.server.ipv4,
      ]);
      await knockd.waitForLog(/closeSSH: OPEN SESAME[\s\S]*closeSSH: OPEN SESAME/);
      expect((await sesame(['probe', '--timeout', '1500', bed.server.ipv4, '22'])).code).toBe(2);
    });
  },
);
