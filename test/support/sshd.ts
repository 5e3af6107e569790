// A real OpenSSH server on port 22 of the bed's server host, for the tests of `sesame proxy` and
// `sesame ssh-config` with real ssh, scp and git. Everything is made per run in one temp folder:
// the host key, the client's key, authorized_keys and the known_hosts line; root logs in by key
// only. The machine's own ssh setup (/etc/ssh, ~/.ssh, /run) is never touched.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireCommand, terminate } from './processes';
import type { TestBed } from './testbed';

const run = promisify(execFile);

/** A running sshd and what a client needs to log in to it. */
export interface Sshd {
  /** The temp folder holding keys, config and logs (removed by `stop`). */
  readonly dir: string;
  /** The client's private key (its public half is in authorized_keys). */
  readonly clientKey: string;
  /** A known_hosts line for the server's host key under these names. */
  knownHostsLine(names: string[]): string;
  /** What sshd wrote to stderr so far (-e: its log). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * sshd needs its privilege separation folder /run/sshd (root's, 0755, with no writable parent).
 * Rather than create it on the machine, sshd runs in a mount namespace of its own where a fresh
 * tmpfs covers /run.
 */
const IN_OWN_RUN =
  'mount -t tmpfs -o mode=0755 sesame-sshd /run && mkdir -m 0755 /run/sshd && exec "$0" "$@"';

/** Starts sshd in the server namespace and resolves once it listens on port 22. */
export async function startSshd(bed: TestBed): Promise<Sshd> {
  const sshd = requireCommand('sshd');
  const keygen = requireCommand('ssh-keygen');
  const dir = mkdtempSync(join(tmpdir(), `sesame-sshd-${String(process.pid)}-`));
  const hostKey = join(dir, 'host_ed25519');
  const clientKey = join(dir, 'id_ed25519');
  for (const key of [hostKey, clientKey])
    await run(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'sesame-test', '-f', key]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'Port 22',
      'ListenAddress 0.0.0.0',
      'ListenAddress ::',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no', // the keys live under /tmp
      'PrintMotd no',
      'PrintLastLog no',
      'Subsystem sftp /usr/lib/openssh/sftp-server',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const child = bed.spawn(bed.server, [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    IN_OWN_RUN,
    sshd,
    '-D',
    '-e',
    '-f',
    config,
  ]);
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`sshd did not listen within 10 s:\n${log}`));
    }, 10_000);
    const check = () => {
      if (log.includes('Server listening on 0.0.0.0 port 22')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited (${String(code)}) before listening:\n${log}`));
    });
  });
  const hostPublic = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
  return {
    dir,
    clientKey,
    knownHostsLine: (names) => `${names.join(',')} ${hostPublic}\n`,
    log: () => log,
    stop: async () => {
      await terminate(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
