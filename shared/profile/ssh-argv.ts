import { hostSchema, sshUserSchema, type Profile } from './profile';

/**
 * The ssh command line for a knocked profile, as an argument array (never a shell string). The
 * saved host stays the destination, after `--`, so ~/.ssh/config blocks and known_hosts entries for
 * that name still apply; `HostName` pins the connection to the address that was knocked and
 * `HostKeyAlias` keeps the host key checked under the saved name.
 */
export function sshArgv(
  profile: Profile,
  address: string,
): { ok: true; argv: string[] } | { ok: false; error: string } {
  const host = hostSchema.safeParse(profile.host);
  if (!host.success)
    return { ok: false, error: host.error.issues[0]?.message ?? 'host is invalid' };
  if (!/^[0-9A-Fa-f.:]+$/.test(address))
    return { ok: false, error: `address "${address}" is not an IP address` };
  const argv = [
    'ssh',
    '-o',
    `HostName=${address}`,
    '-o',
    `HostKeyAlias=${profile.host}`,
    '-p',
    String(profile.ssh.port),
  ];
  if (profile.ssh.user !== undefined) {
    const user = sshUserSchema.safeParse(profile.ssh.user);
    if (!user.success)
      return { ok: false, error: user.error.issues[0]?.message ?? 'ssh user is invalid' };
    argv.push('-l', profile.ssh.user);
  }
  if (profile.ssh.identityFile !== undefined) {
    if (profile.ssh.identityFile.startsWith('-'))
      return { ok: false, error: 'identity file must not start with "-"' };
    argv.push('-i', profile.ssh.identityFile);
  }
  argv.push('--', profile.host);
  return { ok: true, argv };
}
