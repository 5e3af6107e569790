import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli } from '../support/cli';
import { fwknopRules, startFwknopd, type Fwknopd } from '../support/fwknopd';
import type { RunResult } from '../support/processes';
import { describeRoot } from '../support/root';
import { startSshStandIn } from '../support/ssh-stand-in';
import { createTestBed, type TestBed } from '../support/testbed';

// Sesame's SPA against Debian's real fwknopd (2.6.10), and the real fwknop client beside it, across
// the bed's veth pair. Each test asks for its own port, so the rules fwknopd adds tell them apart.
const KEY = randomBytes(32).toString('base64');
const HMAC_KEY = randomBytes(64).toString('base64');

let bed: TestBed;
let fwknopd: Fwknopd;
let cli: string;
let workDir: string;

/** A stand-in for ssh that records its argv (one per line) and exits 0. */
const FAKE_SSH = `#!/bin/sh
printf '%s\\n' "$@" > "$SESAME_TEST_SSH_ARGV"
`;

function sesame(args: string[]): Promise<RunResult> {
  const env = [
    `SESAME_CONFIG_DIR=${join(workDir, 'config')}`,
    `SESAME_TEST_SSH_ARGV=${join(workDir, 'argv.txt')}`,
    `PATH=${join(workDir, 'bin')}:/usr/bin:/bin:/usr/sbin:/sbin`,
  ];
  return bed.run(bed.client, ['env', ...env, process.execPath, cli, ...args], {
    timeoutMs: 20_000,
  });
}

/** A profile that opens with SPA for `port` (its service port too), the packet's source let in. */
function spaProfile(name: string, port: number) {
  return {
    id: name,
    name,
    host: bed.server.ipv4,
    spa: {
      access: [{ protocol: 'tcp', port }],
      key: { encoding: 'base64', value: KEY },
      hmacKey: HMAC_KEY,
    },
    servicePort: port,
    ssh: { user: 'alice', port },
  };
}

/** A listener on `port` of the server host that greets like sshd (the door's service). */
function serviceOn(port: number): void {
  bed.spawn(bed.server, [
    process.execPath,
    '-e',
    `require('net').createServer((s) => { s.on('error', () => {}); s.end('SSH-2.0-test\\r\\n'); }).listen(${String(port)})`,
  ]);
}

/** `sesame spa` to the bed's server for the client's own address, with the given keys. */
function spa(access: string, keys: { key?: string; hmacKey?: string } = {}, extra: string[] = []) {
  return sesame([
    'spa',
    '-A',
    access,
    '-a',
    bed.client.ipv4,
    '-D',
    bed.server.ipv4,
    '--key-base64-rijndael',
    keys.key ?? KEY,
    '--key-base64-hmac',
    keys.hmacKey ?? HMAC_KEY,
    ...extra,
  ]);
}

const added = (client: string, port: number) =>
  `Added access rule to FWKNOP_INPUT for ${client} -> 0.0.0.0/0 tcp/${String(port)}`;

describeRoot(
  'sesame spa against the real fwknopd',
  { commands: ['ip', 'iptables', 'fwknopd', 'fwknop', 'tcpdump', 'tcpreplay'] },
  () => {
    beforeAll(async () => {
      cli = await buildCli();
      bed = await createTestBed({ ipv6: false });
      workDir = mkdtempSync(join(tmpdir(), 'sesame-spa-'));
      startSshStandIn(bed);
      serviceOn(2301);
      serviceOn(2302);
      serviceOn(2303);
      mkdirSync(join(workDir, 'bin'));
      writeFileSync(join(workDir, 'bin', 'ssh'), FAKE_SSH);
      chmodSync(join(workDir, 'bin', 'ssh'), 0o755);
      mkdirSync(join(workDir, 'config'));
      writeFileSync(
        join(workDir, 'config', 'profiles.json'),
        JSON.stringify({
          version: 2,
          profiles: [spaProfile('gate', 2301), spaProfile('gate-ssh', 2302)],
        }),
        { mode: 0o600 },
      );
      fwknopd = await startFwknopd(bed, { keyBase64: KEY, hmacKeyBase64: HMAC_KEY });
    }, 30_000);

    afterAll(async () => {
      await fwknopd.stop();
      await bed.teardown();
      rmSync(workDir, { recursive: true, force: true });
    });

    it("opens port 22 for the client's address, as fwknopd's log and the probe confirm", async () => {
      const before = await sesame(['probe', '--timeout', '1500', bed.server.ipv4, '22']);
      expect(before.code).toBe(2);
      const since = fwknopd.log().length;
      const sent = await spa('tcp/22', {}, ['-v']);
      expect(sent.stderr).toBe('');
      expect(sent.code).toBe(0);
      expect(sent.stdout).toContain(`Message String: ${bed.client.ipv4},tcp/22`);
      expect(sent.stdout).toContain(`sent the SPA packet to ${bed.server.ipv4} port 62201/udp`);
      const log = await fwknopd.waitForLog(added(bed.client.ipv4, 22), since);
      expect(log).toContain(`SPA Packet from IP: ${bed.client.ipv4} received`);
      expect(await fwknopRules(bed, 22)).toHaveLength(1);
      const after = await sesame(['probe', bed.server.ipv4, '22']);
      expect(after.stdout).toMatch(/^open: /);
      expect(after.code).toBe(0);
    });

    it('lets fwknopd take the address from the packet with -s', async () => {
      const since = fwknopd.log().length;
      const sent = await sesame([
        'spa',
        '-A',
        'tcp/2210',
        '-s',
        '-D',
        bed.server.ipv4,
        '--key-base64-rijndael',
        KEY,
        '--key-base64-hmac',
        HMAC_KEY,
      ]);
      expect(sent.code).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2210), since);
    });

    it('a replay of the same packet (tcpreplay) is refused by the digest cache', async () => {
      const pcap = join(workDir, 'spa.pcap');
      // On the server's side, so the frame replayed from the client's veth is the one fwknopd saw.
      const dump = bed.spawn(bed.server, [
        'tcpdump',
        '-i',
        bed.server.ifname,
        '-c',
        '1',
        '-U',
        '-w',
        pcap,
        'udp port 62201',
      ]);
      const captured = new Promise((resolve) => dump.once('exit', resolve));
      await new Promise<void>((resolve, reject) => {
        dump.stderr?.on('data', (c: Buffer) => {
          if (c.toString().includes('listening on')) resolve();
        });
        dump.once('exit', () => reject(new Error('tcpdump exited before it was listening')));
      });
      const since = fwknopd.log().length;
      expect((await spa('tcp/2202')).code).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2202), since);
      await captured;

      const replayedAt = fwknopd.log().length;
      const replay = await bed.run(bed.client, ['tcpreplay', '-i', bed.client.ifname, pcap]);
      expect(replay.code, JSON.stringify({ ...replay, size: statSync(pcap).size })).toBe(0);
      expect(
        `${replay.stdout}${replay.stderr}`,
        JSON.stringify({ ...replay, size: statSync(pcap).size }),
      ).toMatch(/Actual: 1 packets/);
      await fwknopd.waitForLog(`Replay detected from source IP: ${bed.client.ipv4}`, replayedAt);
      expect(fwknopd.log().slice(replayedAt)).not.toContain('Added access rule');
      expect(await fwknopRules(bed, 2202)).toHaveLength(1);
    });

    it('refuses a packet made with a wrong key', async () => {
      const since = fwknopd.log().length;
      expect((await spa('tcp/2203', { key: randomBytes(32).toString('base64') })).code).toBe(0);
      await fwknopd.waitForLog('Decryption failed or decrypted data is invalid', since);
      expect(fwknopd.log().slice(since)).not.toContain('Added access rule');
      expect(await fwknopRules(bed, 2203)).toEqual([]);
    });

    it('refuses a packet made with a wrong HMAC key', async () => {
      const since = fwknopd.log().length;
      expect((await spa('tcp/2204', { hmacKey: randomBytes(64).toString('base64') })).code).toBe(0);
      await fwknopd.waitForLog('FKO_ERROR_INVALID_DATA_HMAC_COMPAREFAIL', since);
      expect(fwknopd.log().slice(since)).not.toContain('Added access rule');
      expect(await fwknopRules(bed, 2204)).toEqual([]);
    });

    it('accepts a packet from the real fwknop client and one from Sesame, built from the same keys', async () => {
      const home = join(workDir, 'fwknop-home');
      const rc = join(workDir, 'fwknoprc');
      let since = fwknopd.log().length;
      const real = await bed.run(bed.client, [
        'env',
        `HOME=${home}`,
        'fwknop',
        '--rc-file',
        rc,
        '--no-save-args',
        '-A',
        'tcp/2205',
        '-a',
        bed.client.ipv4,
        '-D',
        bed.server.ipv4,
        '--key-base64-rijndael',
        KEY,
        '--key-base64-hmac',
        HMAC_KEY,
      ]);
      expect(real.code).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2205), since);
      since = fwknopd.log().length;
      expect((await spa('tcp/2206')).code).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2206), since);
      expect(await fwknopRules(bed, 2205)).toHaveLength(1);
      expect(await fwknopRules(bed, 2206)).toHaveLength(1);
    });

    it('opens a profile whose open is an SPA request with sesame knock --profile', async () => {
      const before = await sesame(['probe', '--timeout', '1500', bed.server.ipv4, '2301']);
      expect(before.code).toBe(2);
      const since = fwknopd.log().length;
      const opened = await sesame(['knock', '--profile', 'gate', '-v']);
      expect(opened.stderr).toBe('');
      expect(opened.code).toBe(0);
      expect(opened.stdout).toContain(`hitting udp ${bed.server.ipv4}:62201`);
      expect(opened.stdout).toContain(`gate: open: ${bed.server.ipv4}:2301 answered after`);
      const log = await fwknopd.waitForLog(added(bed.client.ipv4, 2301), since);
      expect(log).toContain('Message String: 0.0.0.0,tcp/2301');
    });

    it('runs ssh through a door opened by SPA (sesame ssh)', async () => {
      const since = fwknopd.log().length;
      const result = await sesame(['ssh', 'gate-ssh']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2302), since);
      expect(readFileSync(join(workDir, 'argv.txt'), 'utf8').trim().split('\n')).toEqual([
        '-o',
        `HostName=${bed.server.ipv4}`,
        '-o',
        `HostKeyAlias=${bed.server.ipv4}`,
        '-p',
        '2302',
        '-l',
        'alice',
        '--',
        bed.server.ipv4,
      ]);
    });

    it('imports a .fwknoprc stanza that both the real fwknop (-n) and Sesame send accepted packets from', async () => {
      const rc = join(workDir, 'imported-fwknoprc');
      writeFileSync(
        rc,
        [
          '[default]',
          'HMAC_DIGEST_TYPE sha256',
          '',
          '[bedgate]',
          `SPA_SERVER ${bed.server.ipv4}`,
          'ACCESS tcp/2303',
          `ALLOW_IP ${bed.client.ipv4}`,
          `KEY_BASE64 ${KEY}`,
          `HMAC_KEY_BASE64 ${HMAC_KEY}`,
          'USE_HMAC Y',
          '',
        ].join('\n'),
        { mode: 0o600 },
      );
      let since = fwknopd.log().length;
      // fwknop's command line trumps the stanza: the same stanza, another port, so both show.
      const real = await bed.run(bed.client, [
        'env',
        `HOME=${join(workDir, 'fwknop-home')}`,
        'fwknop',
        '--rc-file',
        rc,
        '--no-save-args',
        '-n',
        'bedgate',
        '-A',
        'tcp/2304',
      ]);
      expect(real.code, real.stderr).toBe(0);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2304), since);

      const imported = await sesame(['profiles', 'import', rc]);
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toContain(`imported 1 profiles from ${rc}`);
      since = fwknopd.log().length;
      const opened = await sesame(['knock', '--profile', 'bedgate']);
      expect(opened.stderr).toBe('');
      expect(opened.code).toBe(0);
      expect(opened.stdout).toContain(`bedgate: open: ${bed.server.ipv4}:2303 answered`);
      await fwknopd.waitForLog(added(bed.client.ipv4, 2303), since);
    });
  },
);
