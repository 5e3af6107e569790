import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildCli } from '../support/cli';
import type { Knockd } from '../support/knockd';
import type { RunResult } from '../support/processes';
import { describeRoot } from '../support/root';
import { startSshd, type Sshd } from '../support/sshd';
import { startTcpdump } from '../support/tcpdump';
import { createTestBed, type TestBed } from '../support/testbed';

// Real OpenSSH through `sesame ssh-config` and `sesame proxy`: sshd on port 22 of the server host,
// behind knockd's iptables doors and the DROP policy. The client runs plain ssh, scp and git with
// the config sesame wrote; each connection knocks first and the door is closed after it.

const DOOR = (verb: '-I' | '-D') =>
  `case %IP% in *:*) /usr/sbin/ip6tables -w 5 ${verb} INPUT -s %IP% -p tcp --dport 22 -j ACCEPT;; ` +
  `*) /usr/sbin/iptables -w 5 ${verb} INPUT -s %IP% -p tcp --dport 22 -j ACCEPT;; esac`;

const CONFIG = `[openSSH]
  sequence = 7301,7302,7303
  tcpflags = syn
  command = ${DOOR('-I')}
[closeSSH]
  sequence = 7303,7302,7301
  tcpflags = syn
  command = ${DOOR('-D')}
`;

const run = promisify(execFile);
let bed: TestBed;
let knockd: Knockd;
let sshd: Sshd;
let cli: string;
let dir: string;
let configDir: string;
let sshConfig: string;
let plainConfig: string;
let hostsFile: string;

/** The tester's own ssh config lines: they must keep working below Sesame's section. */
function userLines(knownHosts: string): string {
  return [
    '# my own settings',
    'Host *',
    '    User nobody',
    `    UserKnownHostsFile ${knownHosts}`,
    '    GlobalKnownHostsFile /dev/null',
    '    StrictHostKeyChecking yes',
    '    BatchMode yes',
    '    IdentitiesOnly yes',
    `    IdentityFile ${sshd.clientKey}`,
    '',
  ].join('\n');
}

function profile(name: string, host: string) {
  return {
    id: name,
    name,
    host,
    open: [7301, 7302, 7303].map((port) => ({ port, protocol: 'tcp' })),
    close: [7303, 7302, 7301].map((port) => ({ port, protocol: 'tcp' })),
    delayMs: 50,
    ssh: { user: 'root', port: 22, identityFile: sshd.clientKey },
  };
}

/** The environment of every client command: nothing of the runner's (no ssh agent). */
function clientEnv(extra: string[] = []): string[] {
  return [
    'env',
    '-i',
    'PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    `HOME=${join(dir, 'home')}`,
    'SHELL=/bin/sh',
    `SESAME_CONFIG_DIR=${configDir}`,
    'GIT_CONFIG_NOSYSTEM=1',
    ...extra,
  ];
}

function client(
  argv: string[],
  { hosts = false, extra = [] as string[] } = {},
): Promise<RunResult> {
  // A name with both an A and an AAAA address, for this command only: its own mount namespace
  // with a hosts file bound over /etc/hosts (getaddrinfo reads it, for ssh and sesame alike).
  const own = hosts
    ? [
        'unshare',
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind "$0" /etc/hosts && exec "$@"',
        hostsFile,
      ]
    : [];
  return bed.run(bed.client, [...own, ...clientEnv(extra), ...argv], { timeoutMs: 45_000 });
}

function sesame(args: string[]): Promise<RunResult> {
  return client([process.execPath, cli, ...args]);
}

/** How often knockd logged a door for this source so far. */
async function doorCount(door: 'openSSH' | 'closeSSH', source: string): Promise<number> {
  return (await knockd.log())
    .split('\n')
    .filter((l) => l.includes(`${source}: ${door}: OPEN SESAME`)).length;
}

/** Waits until knockd logged the close door `count` times for `source`, then probes port 22. */
async function expectClosedAgain(source: string, count: number, server: string): Promise<void> {
  await expect.poll(() => doorCount('closeSSH', source), { timeout: 15_000 }).toBe(count);
  const probe = await sesame(['probe', '--timeout', '1500', server, '22']);
  expect(probe.code).toBe(2);
  expect(probe.stdout).toMatch(/^closed: /);
}

describeRoot(
  'real ssh, scp and git through sesame proxy and the config sesame ssh-config writes',
  {
    commands: [
      'ip',
      'iptables',
      'ip6tables',
      'knockd',
      'tcpdump',
      'sshd',
      'ssh',
      'scp',
      'ssh-keygen',
      'git',
      'unshare',
    ],
  },
  () => {
    beforeAll(async () => {
      cli = await buildCli();
      bed = await createTestBed();
      knockd = await bed.startKnockd(CONFIG);
      sshd = await startSshd(bed);
      dir = mkdtempSync(join(tmpdir(), 'sesame-ssh-proxy-'));
      mkdirSync(join(dir, 'home'));
      configDir = join(dir, 'sesame');
      mkdirSync(configDir);
      writeFileSync(
        join(configDir, 'profiles.json'),
        JSON.stringify({
          version: 1,
          profiles: [
            profile('lab', bed.server.ipv4),
            profile('lab6', bed.server.ipv6),
            profile('dual', 'dual.test'),
          ],
        }),
        { mode: 0o600 },
      );
      const knownHosts = join(dir, 'known_hosts');
      writeFileSync(
        knownHosts,
        sshd.knownHostsLine([bed.server.ipv4, bed.server.ipv6, 'dual.test']),
      );
      hostsFile = join(dir, 'hosts');
      writeFileSync(
        hostsFile,
        `127.0.0.1 localhost\n::1 localhost\n${bed.server.ipv4} dual.test\n${bed.server.ipv6} dual.test\n`,
      );
      sshConfig = join(dir, 'ssh_config');
      plainConfig = join(dir, 'plain_config');
      writeFileSync(sshConfig, userLines(knownHosts), { mode: 0o600 });
      writeFileSync(plainConfig, userLines(knownHosts), { mode: 0o600 });
    }, 60_000);

    afterAll(async () => {
      await sshd.stop();
      await bed.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sesame ssh-config add writes the Host blocks above the user lines', async () => {
      for (const name of ['lab', 'lab6', 'dual']) {
        const added = await sesame(['ssh-config', 'add', name, '--file', sshConfig]);
        expect(added.stderr).toBe('');
        expect(added.code).toBe(0);
      }
      const text = readFileSync(sshConfig, 'utf8');
      expect(text).toContain(`Host lab\n    HostName ${bed.server.ipv4}\n    User root\n`);
      expect(text).toContain(
        `    ProxyCommand "${process.execPath}" "${cli}" proxy --profile lab %h %p\n`,
      );
      expect(
        text.endsWith(`# <<< sesame managed <<<\n${userLines(join(dir, 'known_hosts'))}`),
      ).toBe(true);
      const again = await sesame(['ssh-config', 'add', 'lab', '--file', sshConfig]);
      expect(again.stdout).toContain('already has this block; nothing changed');
    });

    it('without the knock, plain ssh, scp and git time out', async () => {
      const target = `root@${bed.server.ipv4}`;
      const timeout = ['-o', 'ConnectTimeout=3'];
      const ssh = await client(['ssh', '-F', plainConfig, ...timeout, target, 'true']);
      expect(ssh.code).toBe(255);
      expect(ssh.stderr).toContain('Connection timed out');
      const scp = await client([
        'scp',
        '-F',
        plainConfig,
        ...timeout,
        sshConfig,
        `${target}:${join(dir, 'nope')}`,
      ]);
      expect(scp.code).not.toBe(0);
      expect(scp.stderr).toContain('Connection timed out');
      const git = await client(
        ['git', 'clone', '-q', `${target}:${join(dir, 'nope.git')}`, join(dir, 'nope')],
        {
          extra: [`GIT_SSH_COMMAND=ssh -F ${plainConfig} -o ConnectTimeout=3`],
        },
      );
      expect(git.code).not.toBe(0);
      expect(git.stderr).toContain('Connection timed out');
      expect(await doorCount('openSSH', bed.client.ipv4)).toBe(0);
    });

    it('ssh -F CONFIG lab true: knocks, logs in as the profile user, and the door is closed after', async () => {
      const result = await client(['ssh', '-F', sshConfig, 'lab', 'true']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await doorCount('openSSH', bed.client.ipv4)).toBe(1);
      await expectClosedAgain(bed.client.ipv4, 1, bed.server.ipv4);
      expect(sshd.log()).toContain(`Accepted publickey for root from ${bed.client.ipv4}`);
    });

    it('scp -F CONFIG copies a file both ways through the door', async () => {
      const payload = join(dir, 'payload.bin');
      writeFileSync(payload, randomBytes(3 * 1024 * 1024));
      const there = join(dir, 'copied-there.bin');
      const back = join(dir, 'copied-back.bin');
      const up = await client(['scp', '-q', '-F', sshConfig, payload, `lab:${there}`]);
      expect(up.stderr).toBe('');
      expect(up.code).toBe(0);
      await expectClosedAgain(bed.client.ipv4, 2, bed.server.ipv4);
      const down = await client(['scp', '-q', '-F', sshConfig, `lab:${there}`, back]);
      expect(down.code).toBe(0);
      expect(readFileSync(back).equals(readFileSync(payload))).toBe(true);
      await expectClosedAgain(bed.client.ipv4, 3, bed.server.ipv4);
    });

    it('git clone over lab: (GIT_SSH_COMMAND=ssh -F CONFIG) gets the repository', async () => {
      const work = join(dir, 'work');
      const git = (args: string[]) =>
        run('git', ['-C', work, '-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args]);
      mkdirSync(work);
      await git(['init', '-q']);
      writeFileSync(join(work, 'README'), 'through the door\n');
      await git(['add', 'README']);
      await git(['commit', '-q', '-m', 'first']);
      const bare = join(dir, 'repo.git');
      await run('git', ['clone', '-q', '--bare', work, bare]);
      const clone = join(dir, 'clone');
      const result = await client(['git', 'clone', '-q', `lab:${bare}`, clone], {
        extra: [`GIT_SSH_COMMAND=ssh -F ${sshConfig}`],
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(readFileSync(join(clone, 'README'), 'utf8')).toBe('through the door\n');
      await expectClosedAgain(bed.client.ipv4, 4, bed.server.ipv4);
    });

    it('IPv6 only: lab6 knocks and connects over IPv6, and is closed after', async () => {
      const result = await client(['ssh', '-F', sshConfig, 'lab6', 'true']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(await doorCount('openSSH', bed.client.ipv6)).toBe(1);
      expect(sshd.log()).toContain(`Accepted publickey for root from ${bed.client.ipv6}`);
      await expectClosedAgain(bed.client.ipv6, 1, bed.server.ipv6);
    });

    it('a dual-stack name: the knock and the connection use the same address family', async () => {
      const dump = await startTcpdump(
        bed,
        bed.server,
        `tcp and (port 22 or portrange 7301-7303) and (src host ${bed.client.ipv4} or src host ${bed.client.ipv6})`,
      );
      const result = await client(['ssh', '-F', sshConfig, 'dual', 'true'], { hosts: true });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      // Connection attempts only (SYN): an earlier IPv4 session's last FIN or ACK may still be
      // retransmitted after its door closed, and that is no knock and no connection.
      const syns = (await dump.stop(300)).filter((line) => /Flags \[S\]/.test(line));
      expect(syns.filter((line) => /\.730[123]: /.test(line)).length).toBeGreaterThanOrEqual(3);
      expect(syns.filter((line) => /\.22: /.test(line)).length).toBeGreaterThanOrEqual(1);
      // getaddrinfo puts the ULA first, and the knock and the connection both use it.
      expect(syns.filter((line) => !/ IP6 /.test(line))).toEqual([]);
      await expectClosedAgain(bed.client.ipv6, 2, bed.server.ipv6);
      expect(await doorCount('openSSH', bed.client.ipv4)).toBe(4); // only the IPv4 tests above
    });
  },
);
