import type { z } from 'zod';
import { hostSchema, identityFileSchema, portSchema, sshUserSchema, type Profile } from './profile';

/** The first message of a schema's refusal of `value`, or undefined when it passes. */
function refusal(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'invalid');
}

/**
 * Why ssh cannot be started for this profile, naming the field, or undefined when it can. Every
 * value that reaches the terminal is checked again with the profile schema's own rules: a profile
 * saved by an earlier version may hold one they refuse (it loads, but is not opened with ssh).
 */
export function sshProblem(profile: Profile): string | undefined {
  return (
    refusal(hostSchema, profile.host) ??
    refusal(portSchema, profile.ssh.port) ??
    (profile.ssh.user === undefined ? undefined : refusal(sshUserSchema, profile.ssh.user)) ??
    (profile.ssh.identityFile === undefined
      ? undefined
      : refusal(identityFileSchema, profile.ssh.identityFile))
  );
}

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
  const problem = sshProblem(profile);
  if (problem !== undefined) return { ok: false, error: problem };
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
  if (profile.ssh.user !== undefined) argv.push('-l', profile.ssh.user);
  if (profile.ssh.identityFile !== undefined) argv.push('-i', profile.ssh.identityFile);
  argv.push('--', profile.host);
  return { ok: true, argv };
}
