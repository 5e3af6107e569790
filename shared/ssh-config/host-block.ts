// The `Host` block `sesame ssh-config` writes for a profile: every value validated and written so
// that ssh_config reads it back as that one value and nothing else (no new line, option or quote).
import type { ZodType } from 'zod';
import type { Parsed } from '../basics';
import {
  hostSchema,
  portSchema,
  storedIdentityFileSchema,
  sshUserSchema,
  type Profile,
} from '../profile/profile';

/**
 * A profile name usable as an ssh alias (`Host NAME`, `ssh NAME`): one ssh_config pattern with no
 * wildcard, negation or list, and a plain word in the ProxyCommand's shell.
 */
const ALIAS = /^[A-Za-z0-9._+][A-Za-z0-9._+-]*$/;

/** Checks that a profile's name can be its ssh alias; the error says what to rename. */
export function sshAlias(name: string): Parsed<string> {
  if (name.length <= 64 && ALIAS.test(name)) return { ok: true, value: name };
  return {
    ok: false,
    error:
      `profile name ${JSON.stringify(name)} cannot be an ssh alias: use only letters, digits and . _ + -, ` +
      'not starting with - (rename it with sesame profiles edit)',
  };
}

/** The first problem zod found, or the value. */
function check<T>(schema: ZodType<T>, value: unknown): Parsed<T> {
  const parsed = schema.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid value' };
}

/**
 * A path as one ssh_config token. Since OpenSSH 8.7 the tokenizer (misc.c argv_split) honours
 * double and single quotes and the escapes \\ \" \' (and "\ " outside quotes); any other backslash
 * is kept, so Windows paths need no change. A path with a blank, a quote or `#` is double-quoted;
 * a backslash that would read as an escape is doubled. A double quote itself cannot be written for
 * older parsers (no escapes at all), so it is refused.
 */
function pathToken(value: string): Parsed<string> {
  if (value.includes('"')) return { ok: false, error: 'identity file must not contain "' };
  const quoted = /[\s'#]/.test(value);
  let token = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charAt(i);
    const next = value.charAt(i + 1);
    const escapes = next === '\\' || next === "'" || (quoted && next === '');
    token += c === '\\' && escapes ? '\\\\' : c;
  }
  return { ok: true, value: quoted ? `"${token}"` : token };
}

/**
 * Characters a ProxyCommand word cannot hold even inside double quotes: on Unix ssh runs the
 * command with `$SHELL -c "exec ..."`, where " $ ` and \ stay special in double quotes (and ! in
 * csh); Windows OpenSSH hands the line to CreateProcess, where only " matters.
 */
const UNQUOTABLE = { posix: /["$`\\!\p{Cc}]/u, windows: /["\p{Cc}]/u };

/** How ssh runs a ProxyCommand on this platform (`process.platform`): Windows or a Unix shell. */
export function proxyFlavour(platform: string): 'posix' | 'windows' {
  return platform === 'win32' ? 'windows' : 'posix';
}

/**
 * The ProxyCommand line that runs `sesame` (its argv prefix, absolute paths) as `proxy --profile
 * ALIAS %h %p`. Each path is double-quoted (a shell and CreateProcess both read that) and its `%`
 * doubled (ssh expands %-tokens in ProxyCommand). The alias is a plain word (see ALIAS).
 */
export function proxyCommandLine(
  sesame: readonly string[],
  alias: string,
  platform: 'posix' | 'windows',
): Parsed<string> {
  if (sesame.length === 0) return { ok: false, error: 'no sesame command to run' };
  const words: string[] = [];
  for (const word of sesame) {
    if (UNQUOTABLE[platform].test(word) || word === '')
      return {
        ok: false,
        error: `cannot name ${JSON.stringify(word)} in a ProxyCommand: it holds a character a shell reads inside quotes (" $ \` \\ !)`,
      };
    words.push(`"${word.replaceAll('%', '%%')}"`);
  }
  return { ok: true, value: [...words, 'proxy', '--profile', alias, '%h', '%p'].join(' ') };
}

/**
 * A host without the brackets an IPv6 address may be saved with: what ssh_config's HostName holds
 * (brackets there would read as `[addr]:port` in known_hosts) and so what ssh passes as `%h`.
 */
export function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/**
 * The `Host` block for a profile, one line per entry: the profile's name as the alias, HostName,
 * User, Port, IdentityFile and the ProxyCommand that knocks before ssh connects (`sesame` is the
 * argv prefix that runs this sesame). Every value is checked again with the profile schema's rules.
 */
export function hostBlock(
  profile: Profile,
  sesame: readonly string[],
  platform: 'posix' | 'windows',
): Parsed<string[]> {
  const alias = sshAlias(profile.name);
  if (!alias.ok) return alias;
  const host = check(hostSchema, profile.host);
  if (!host.ok) return host;
  const port = check(portSchema, profile.ssh.port);
  if (!port.ok) return port;
  const proxy = proxyCommandLine(sesame, alias.value, platform);
  if (!proxy.ok) return proxy;
  const lines = [
    `Host ${alias.value}`,
    `    HostName ${bareHost(host.value).replaceAll('%', '%%')}`, // HostName expands %%
  ];
  if (profile.ssh.user !== undefined) {
    const user = check(sshUserSchema, profile.ssh.user);
    if (!user.ok) return user;
    // Newer OpenSSH expands %-tokens in User too; a login name never needs a `%`.
    if (user.value.includes('%')) return { ok: false, error: 'ssh user must not contain %' };
    lines.push(`    User ${user.value}`);
  }
  lines.push(`    Port ${String(port.value)}`);
  if (profile.ssh.identityFile !== undefined) {
    // ssh reads IdentityFile itself (no terminal re-splits it): the earlier rules hold, quoted.
    const file = check(storedIdentityFileSchema(), profile.ssh.identityFile);
    if (!file.ok) return file;
    const token = pathToken(file.value);
    if (!token.ok) return token;
    lines.push(`    IdentityFile ${token.value}`);
  }
  lines.push(`    ProxyCommand ${proxy.value}`);
  return { ok: true, value: lines };
}
