import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli, sesameServer } from '../support/cli';
import type { DoorServerProgram, Knockd } from '../support/knockd';
import { readSyncIfPresent } from '../support/processes';
import { describeRoot } from '../support/root';
import { createTestBed, type TestBed } from '../support/testbed';
import { ipv4ToInt, macBytes, TCP_FRAME_BYTES, TCP_SYN, writeTcpFrame } from '../bench/pcap-writer';

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
      // -v: a line a second while packets come, with the kernel's drop counter (none here).
      expect(
        await server.waitForLog(
          /capture: [1-9]\d* packets seen, [1-9]\d* matched, 0 dropped in the last second/,
        ),
      ).not.toMatch(/packets dropped by the kernel/);
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

    it('opens on a knock in 802.1Q-tagged frames (a trunk carrying VLANs), single and double tagged; knockd opens on neither', async () => {
      // The bed's kernel has no 802.1Q module, so there is no VLAN interface to listen on: tagged
      // frames are replayed (tcpreplay) onto the server's veth instead, as a trunk port carries
      // them, and the server listens on that interface. The kernel moves the outer tag out of the
      // frame, libpcap puts it back, and the decoder skips one or two tags.
      const mac = (host: TestBed['server']) =>
        bed
          .run(host, ['cat', `/sys/class/net/${host.ifname}/address`])
          .then((r) => macBytes(r.stdout.trim()));
      const [serverMac, clientMac] = await Promise.all([mac(bed.server), mac(bed.client)]);
      const frames = (ports: number[], tags: number[]) =>
        ports.map((port, i) => {
          const plain = Buffer.alloc(TCP_FRAME_BYTES);
          writeTcpFrame(plain, 0, {
            dstMac: serverMac,
            srcMac: clientMac,
            srcIp: ipv4ToInt(bed.client.ipv4),
            dstIp: ipv4ToInt(bed.server.ipv4),
            srcPort: 40_000 + i,
            dstPort: port,
            flags: TCP_SYN,
            seq: 1000 + i,
            ipId: i,
          });
          // 802.1ad outer tag (0x88a8) before an 802.1Q inner one, or one 802.1Q tag.
          const tagBytes = tags.map((vid, t) => {
            const tag = Buffer.alloc(4);
            tag.writeUInt16BE(t === 0 && tags.length > 1 ? 0x88a8 : 0x8100, 0);
            tag.writeUInt16BE(vid, 2);
            return tag;
          });
          return Buffer.concat([plain.subarray(0, 12), ...tagBytes, plain.subarray(12)]);
        });
      const pcapFile = (name: string, list: Buffer[]) => {
        const header = Buffer.alloc(24);
        header.writeUInt32LE(0xa1b2c3d4, 0);
        header.writeUInt16LE(2, 4);
        header.writeUInt16LE(4, 6);
        header.writeUInt32LE(65535, 16);
        header.writeUInt32LE(1, 20); // Ethernet
        const records = list.map((frame, i) => {
          const record = Buffer.alloc(16);
          record.writeUInt32LE(i, 0);
          record.writeUInt32LE(frame.length, 8);
          record.writeUInt32LE(frame.length, 12);
          return Buffer.concat([record, frame]);
        });
        const file = join(dir, name);
        writeFileSync(file, Buffer.concat([header, ...records]));
        return file;
      };
      const replay = async (file: string) => {
        const played = await bed.run(bed.client, ['tcpreplay', '-i', bed.client.ifname, file]);
        expect(played.code, played.stderr).toBe(0);
      };
      const config = `[marker]
  sequence = 7621:udp
  command = /bin/echo marker-open %IP%
[tagged]
  sequence = 7601,7602,7603
  seq_timeout = 5
  tcpflags = syn
  command = /bin/echo tagged-open %IP%
[qinq]
  sequence = 7611,7612,7613
  seq_timeout = 5
  tcpflags = syn
  command = /bin/echo qinq-open %IP%
`;
      const single = pcapFile('vlan-10.pcap', frames([7601, 7602, 7603], [10]));
      const double = pcapFile('qinq-100-10.pcap', frames([7611, 7612, 7613], [100, 10]));
      const server = await serve(config);
      await replay(single);
      await server.waitForLog(`tagged-open ${bed.client.ipv4}`);
      await replay(double);
      await server.waitForLog(`qinq-open ${bed.client.ipv4}`);
      await server.stop();
      // Debian's knockd, on the same frames: it opens on neither (its decoder expects the IP
      // header right after the Ethernet one). An untagged marker knock after them, once knockd
      // logged it, says every frame before it was read.
      const knockd = await bed.startKnockd(config);
      await replay(single);
      await replay(double);
      expect((await knock(['-u', bed.server.ipv4, '7621'])).code).toBe(0);
      await knockd.waitForLog(`marker-open ${bed.client.ipv4}`);
      const log = await knockd.log();
      await knockd.stop();
      expect(log).not.toContain(': tagged: OPEN SESAME');
      expect(log).not.toContain(': qinq: OPEN SESAME');
    });

    it('listens on several interfaces at once, on any, and by default on the default route', async () => {
      // The bed's kernel has no 802.1Q module (ip link add ... type vlan: Unknown device type), so the
      // second interface is the server's loopback, knocked from the server host itself.
      const door = '[multi]\n  sequence = 7501,7502\n  command = /bin/echo multi-open %IP%\n';
      const fromClient = async (server: Knockd) => {
        expect((await knock([bed.server.ipv4, '7501', '7502'])).code).toBe(0);
        await server.waitForLog(`${bed.client.ipv4}: multi: OPEN SESAME`);
      };
      const onLoopback = async (server: Knockd) => {
        const local = await bed.run(bed.server, ['knock', '127.0.0.1', '7501', '7502']);
        expect(local.code).toBe(0);
        await server.waitForLog('127.0.0.1: multi: OPEN SESAME');
      };

      const both = await bed.startKnockd(door, { program, interfaces: [bed.server.ifname, 'lo'] });
      await fromClient(both);
      await onLoopback(both);
      await both.stop();

      const any = await bed.startKnockd(door, { program, interfaces: ['any'] });
      await fromClient(any);
      await onLoopback(any);
      await any.stop();

      // No -i and no Interface: the interface of the default route.
      const route = await bed.run(bed.server, [
        'ip',
        'route',
        'add',
        'default',
        'via',
        bed.client.ipv4,
      ]);
      expect(route.code, route.stderr).toBe(0);
      try {
        const chosen = await bed.startKnockd(door, {
          program,
          interfaces: [],
          readyOn: bed.server.ifname,
        });
        await chosen.waitForLog(
          `no interface given (-i or Interface): listening on ${bed.server.ifname}, the interface of the default route`,
        );
        await fromClient(chosen);
        await chosen.stop();
      } finally {
        await bed.run(bed.server, ['ip', 'route', 'del', 'default']);
      }
    });

    it("unmaps the node binary's pages it does not use before capture opens, and still opens (-D says so)", async () => {
      const server = await serve(
        '[pages]\n  sequence = 7601,7602\n  command = /bin/echo pages-open %IP%\n',
        ['-D'],
      );
      const released =
        /released the program's read-only pages \(\d+ mappings\): RssFile \(file pages, and the capture ring once open\) ([\d.]+) -> ([\d.]+) MB/.exec(
          await server.waitForLog(/released the program's read-only pages/),
        );
      // A bare node holds about 37 MB of file pages; a few MB come back at once.
      expect(Number(released?.[2])).toBeLessThan(Number(released?.[1]) / 2);
      expect((await knock([bed.server.ipv4, '7601', '7602'])).code).toBe(0);
      await server.waitForLog(`pages-open ${bed.client.ipv4}`);
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

    it('runs one daemon per pid file: a second one refuses, a symlink is refused, a stale file is taken over', async () => {
      const config = join(dir, 'daemon.conf');
      writeFileSync(config, '[d]\n  sequence = 7701\n  command = /bin/echo d-open %IP%\n');
      const log = join(dir, 'daemon.log');
      const pidFile = join(dir, 'daemon.pid');
      const daemon = (pidPath: string) =>
        bed.run(bed.server, [
          process.execPath,
          cli,
          'server',
          '-d',
          '-i',
          bed.server.ifname,
          '-c',
          config,
          '-p',
          pidPath,
          '-g',
          log,
        ]);
      const opens = () => readSyncIfPresent(log).match(/d: running command/g)?.length ?? 0;
      const stop = async (pid: number) => {
        process.kill(pid, 'SIGTERM');
        await expect.poll(() => existsSync(pidFile), { timeout: 5000 }).toBe(false);
      };

      expect(await daemon(pidFile)).toMatchObject({ code: 0, stderr: '' });
      await expect.poll(() => readSyncIfPresent(pidFile)).toMatch(/^\d+\n$/);
      const running = Number(readFileSync(pidFile, 'utf8'));
      const second = await daemon(pidFile);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(
        `another sesame server is running (pid ${running}, pid file ${pidFile})`,
      );
      await knock([bed.server.ipv4, '7701']);
      await expect.poll(opens).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(opens()).toBe(1); // one daemon, one command
      await stop(running);

      const target = join(dir, 'precious');
      writeFileSync(target, 'keep me\n');
      symlinkSync(target, join(dir, 'link.pid'));
      const linked = await daemon(join(dir, 'link.pid'));
      expect(linked.code).toBe(1);
      expect(linked.stderr).toContain('is a symbolic link');
      expect(readFileSync(target, 'utf8')).toBe('keep me\n');

      const dead = spawnSync('/bin/true').pid;
      writeFileSync(pidFile, `${dead}\n`);
      expect((await daemon(pidFile)).code).toBe(0);
      await expect.poll(() => readSyncIfPresent(pidFile)).not.toBe(`${dead}\n`);
      await stop(Number(readFileSync(pidFile, 'utf8')));
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
