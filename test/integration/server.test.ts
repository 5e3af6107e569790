import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli, sesameServer } from '../support/cli';
import type { DoorServerProgram, Knockd } from '../support/knockd';
import { describeRoot } from '../support/root';
import { createTestBed, type TestBed } from '../support/testbed';

// The real `knock` client (and Sesame's for crafted flags) against `sesame server`, across the bed.
let bed: TestBed;
let program: DoorServerProgram;
let cli: string;
let dir: string;

const knock = (args: string[]) => bed.run(bed.client, ['knock', ...args]);

async function serve(config: string, args: string[] = []): Promise<Knockd> {
  return bed.startKnockd(config, { program, args });
}

describeRoot(
  'real knock against sesame server',
  { commands: ['ip', 'iptables', 'knock', 'knockd'] },
  () => {
    beforeAll(async () => {
      cli = await buildCli();
      program = await sesameServer();
      bed = await createTestBed();
      dir = mkdtempSync(join(tmpdir(), 'sesame-server-'));
      chmodSync(dir, 0o755);
    }, 30_000);

    afterAll(async () => {
      await bed.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('opens TCP, UDP and mixed doors over IPv4 and IPv6, logging as knockd does', async () => {
      const server = await serve(`[options]
  UseSyslog
[tcp]
  sequence = 7001,7002,7003
  seq_timeout = 5
  tcpflags = syn
  command = /bin/echo tcp-open %IP%
[udp]
  sequence = 7101:udp,7102:udp
  command = /bin/echo udp-open %IP%
[mixed]
  sequence = 7201,7202:udp,7203
  tcpflags = syn,!ack
  command = /bin/echo mixed-open %IP%
  command_6 = /bin/echo mixed-open-six %IP%
`);
      expect((await knock([bed.server.ipv4, '7001', '7002', '7003'])).code).toBe(0);
      await server.waitForLog(`tcp: running command: /bin/echo tcp-open ${bed.client.ipv4}`);
      // waitForLog also reads -v's stdout; the stamped lines are in the log file.
      await expect
        .poll(() => server.log())
        .toMatch(
          new RegExp(
            `\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\] ${bed.client.ipv4.replaceAll('.', '\\.')}: tcp: Stage 1\\n.*tcp: Stage 2\\n.*tcp: Stage 3\\n.*tcp: OPEN SESAME`,
          ),
        );
      expect((await knock(['-u', bed.server.ipv4, '7101', '7102'])).code).toBe(0);
      await server.waitForLog(`udp-open ${bed.client.ipv4}`);
      expect((await knock(['-d', '100', bed.server.ipv4, '7201', '7202:udp', '7203'])).code).toBe(
        0,
      );
      await server.waitForLog(`mixed-open ${bed.client.ipv4}`);
      expect((await knock(['-6', bed.server.ipv6, '7201', '7202:udp', '7203'])).code).toBe(0);
      await server.waitForLog(`${bed.client.ipv6}: mixed: OPEN SESAME`);
      await server.waitForLog(`mixed-open-six ${bed.client.ipv6}`);
      await server.stop();
    });

    it('opens a door with tcpflags = fin,!ack for crafted FIN knocks only', async () => {
      const server = await serve(`[fin]
  sequence = 7401,7402,7403
  tcpflags = fin,!ack
  command = /bin/echo fin-open %IP%
`);
      await knock([bed.server.ipv4, '7401', '7402', '7403']); // plain SYNs: no stage at all
      const sent = await bed.run(bed.client, [
        process.execPath,
        cli,
        'knock',
        '--tcp-flags',
        'fin',
        bed.server.ipv4,
        '7401',
        '7402',
        '7403',
      ]);
      expect(sent.code).toBe(0);
      const log = await server.waitForLog(`fin-open ${bed.client.ipv4}`);
      expect(log.match(/fin: Stage 1/g)).toHaveLength(1);
      await server.stop();
    });

    it('runs start and stop commands that really change iptables', async () => {
      const rule = (ip: string) => `-s ${ip} -p tcp --dport 22 -j ACCEPT`;
      const server = await serve(`[openSSH]
  sequence = 7301,7302,7303
  seq_timeout = 5
  tcpflags = syn
  start_command = /usr/sbin/iptables -w 5 -I INPUT ${rule('%IP%')}
  cmd_timeout = 1
  stop_command = /usr/sbin/iptables -w 5 -D INPUT ${rule('%IP%')}
`);
      const rules = async () =>
        (await bed.run(bed.server, ['iptables', '-w', '5', '-S', 'INPUT'])).stdout;
      expect(await rules()).not.toContain(`${bed.client.ipv4}/32`);
      await knock([bed.server.ipv4, '7301', '7302', '7303']);
      await server.waitForLog('openSSH: running command: /usr/sbin/iptables -w 5 -I INPUT');
      await new Promise((r) => setTimeout(r, 200));
      expect(await rules()).toContain(
        `-A INPUT -s ${bed.client.ipv4}/32 -p tcp -m tcp --dport 22 -j ACCEPT`,
      );
      await server.waitForLog(`${bed.client.ipv4}: openSSH: command timeout`, 4000);
      await server.waitForLog('openSSH: running command: /usr/sbin/iptables -w 5 -D INPUT');
      await new Promise((r) => setTimeout(r, 200));
      expect(await rules()).not.toContain(`${bed.client.ipv4}/32`);
      await server.stop();
    });

    it('uses one-time sequences in turn, marking each used line with #', async () => {
      const file = join(dir, 'one-time.txt');
      writeFileSync(
        file,
        '# one line each\n3001,3002\nnot a sequence\n4001,4002:udp\r\n5001,5002\n',
      );
      chmodSync(file, 0o666);
      const server = await serve(`[once]
  one_time_sequences = ${file}
  command = /bin/echo once-open %IP%
`);
      await knock([bed.server.ipv4, '3001', '3002']);
      await server.waitForLog(/once: OPEN SESAME/);
      await knock([bed.server.ipv4, '3001', '3002']); // used: no longer opens
      await knock([bed.server.ipv4, '4001', '4002:udp']);
      await server.waitForLog(/once: OPEN SESAME[\s\S]*once: OPEN SESAME/);
      await knock([bed.server.ipv4, '5001', '5002']);
      await server.waitForLog(
        'no more sequences left in the one time sequences file for door once --> disabling the door',
      );
      expect(readFileSync(file, 'utf8')).toBe(
        '# one line each\n#001,3002\nnot a sequence\n#001,4002:udp\r\n#001,5002\n',
      );
      await expect
        .poll(async () => (await server.log()).match(/once: OPEN SESAME/g)?.length)
        .toBe(3);
      await server.stop();
    });

    it('keeps the old config on a bad SIGHUP, takes a good one, and logs shutting down on SIGTERM', async () => {
      const server = await serve(`[a]
  sequence = 7501
  command = /bin/echo a-open
`);
      writeFileSync(server.configPath, '[a]\n  sequence = 65536\n');
      server.child.kill('SIGHUP');
      await server.waitForLog('re-reading config file');
      await server.waitForLog(/port 65536 is invalid.*keeping the previous configuration/);
      await knock([bed.server.ipv4, '7501']);
      await server.waitForLog('a: OPEN SESAME');
      writeFileSync(server.configPath, '[b]\n  sequence = 7601\n  command = /bin/echo b-open\n');
      server.child.kill('SIGHUP');
      await server.waitForLog(/re-reading config file[\s\S]*re-reading config file/);
      await new Promise((r) => setTimeout(r, 200));
      await knock([bed.server.ipv4, '7601']);
      await server.waitForLog('b: OPEN SESAME');
      await server.stop();
      expect(server.exitCode).toBe(0);
      expect(await server.log()).toMatch(/shutting down\n$/);
    });
  },
);
