import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

/** What a root-only suite needs besides root itself. */
export interface RootNeeds {
  /** Executables that must be found on PATH (or in /usr/sbin, /sbin). */
  commands?: string[];
}

/** Debian package that provides a command, so a skip reason can say how to get it. */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  ip: 'iproute2',
  iptables: 'iptables',
  ip6tables: 'iptables',
  knockd: 'knockd',
  knock: 'knockd',
  tcpdump: 'tcpdump',
  sshd: 'openssh-server',
  ssh: 'openssh-client',
  scp: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  git: 'git',
  unshare: 'util-linux',
  chromium: 'chromium',
  xvfb: 'xvfb',
  'xvfb-run': 'xvfb',
  Xvfb: 'xvfb',
  xterm: 'xterm',
  xdotool: 'xdotool',
  import: 'imagemagick',
};

/** Extra directories searched because sbin tools are often missing from a non-login PATH. */
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Every directory searched for commands, PATH first, without duplicates. */
export function commandSearchPath(): string[] {
  const fromEnv = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return [...new Set([...fromEnv, ...SBIN_DIRS])];
}

/** Absolute path of an executable on the search path, so tests can run sbin tools reliably. */
export function findCommand(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of commandSearchPath()) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function missingCommandReason(name: string): string {
  const pkg = PACKAGE_OF[name];
  const hint = pkg === undefined ? '' : `: apt-get install ${pkg}`;
  return `${name} is not installed${hint}`;
}

/** Why root-only tests cannot run here, or undefined when they can. */
export function rootTestsUnavailable(needs: RootNeeds = {}): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return `not running on a POSIX system (${process.platform})`;
  if (uid !== 0) return `not running as root (uid ${uid})`;
  const missing = (needs.commands ?? []).filter((name) => findCommand(name) === undefined);
  if (missing.length > 0) return missing.map(missingCommandReason).join('; ');
  return undefined;
}

/** Set in CI so that a machine unable to run the root tests fails instead of silently skipping. */
export const rootTestsRequired = process.env.SESAME_REQUIRE_ROOT_TESTS === '1';

/** A describe() that runs only as root with the needed commands, skipping (or failing) visibly. */
export function describeRoot(name: string, needs: RootNeeds, fn: () => void): void {
  const reason = rootTestsUnavailable(needs);
  if (reason === undefined) {
    describe(name, fn);
  } else if (rootTestsRequired) {
    describe(name, () => {
      it('has what root tests need', () => {
        throw new Error(`SESAME_REQUIRE_ROOT_TESTS=1 but ${reason}`);
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${reason}]`, fn);
  }
}
