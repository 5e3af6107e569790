import { problemLine } from '../../../shared/field-problems';
import { describe, expect, it } from 'vitest';
import {
  isTerminalSafeWord,
  parseProfile,
  parseStoredProfile,
  type Profile,
} from '../../../shared/profile/profile';
import { readProfileFile } from '../../../shared/profile/profile-file';
import { sshArgv, sshProblem } from '../../../shared/profile/ssh-argv';

// The values of a profile that reach a terminal (host, ssh user, identity file, port) may hold only
// characters no terminal re-splits or expands, so `/dev/null -oProxyCommand="touch /tmp/x"` can
// never turn into an ssh option, whichever way a terminal re-reads its command line.

const base = {
  id: 'p1',
  name: 'lab',
  host: 'lab.example',
  open: [{ port: 7000, protocol: 'tcp' }],
};
const withSsh = (ssh: Record<string, unknown>, host = base.host) => ({ ...base, host, ssh });

describe('profile values that reach a terminal', () => {
  it('refuses an identity file that a re-splitting terminal would turn into an ssh option', () => {
    const parsed = parseProfile(
      withSsh({ identityFile: '/dev/null -oProxyCommand="touch /tmp/x"' }),
    );
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map(problemLine)).toEqual([
      'ssh.identityFile: identity file may hold only letters, digits, . _ - / @ : + , = and a leading ~ (found " "); ' +
        'give the key a path without it, or set IdentityFile for this host in ~/.ssh/config',
    ]);
  });

  it.each([
    ['a space', '/home/a/my keys/id'],
    ['a double quote', '/k/"x"'],
    ['a single quote', "/k/it's"],
    ["a backslash (fish reads \\' inside single quotes)", "/k/a\\'b"],
    ['a Windows backslash', 'C:\\Users\\a\\.ssh\\id'],
    ['$( )', '/k/$(touch /tmp/x)'],
    ['a backtick', '/k/`id`'],
    ['a semicolon', '/k/a;b'],
    ['a glob', '/k/*'],
    ['a brace', '/k/{a,b}'],
    ['a %-token ssh would expand', '/k/%d'],
    ['a # comment', '/k/#x'],
    ['a ~ after the start', '/k/~x'],
    ['a tab', '/k/a\tb'],
  ])('refuses an identity file with %s, naming the field', (_what, identityFile) => {
    const parsed = parseProfile(withSsh({ identityFile }));
    expect(parsed.ok ? [] : parsed.problems.map(problemLine)).toEqual([
      expect.stringMatching(/^ssh\.identityFile: identity file /),
    ]);
  });

  it('refuses identity files that start like an option or a zsh =command', () => {
    expect(parseProfile(withSsh({ identityFile: '-F/etc/evil' }))).toMatchObject({
      ok: false,
      problems: [{ field: 'ssh.identityFile', message: 'identity file must not start with "-"' }],
    });
    expect(parseProfile(withSsh({ identityFile: '=ssh' }))).toMatchObject({
      ok: false,
      problems: [{ field: 'ssh.identityFile', message: 'identity file must not start with "="' }],
    });
  });

  it.each([
    '~/.ssh/id_ed25519',
    '~alice/.ssh/id',
    '/home/a/keys/id-1+2,x=y@h:z',
    'C:/Users/a/.ssh/id_ed25519',
    'keys/id.rsa',
  ])('accepts the identity file %s', (identityFile) => {
    expect(parseProfile(withSsh({ identityFile })).ok).toBe(true);
  });

  it('refuses hosts and users a terminal could re-split or glob, naming the field', () => {
    expect(parseProfile({ ...base, host: '[2001:db8::1]' })).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'host',
          message:
            'host may hold only letters, digits and . _ : % + - (found "["); write an IPv6 address without [ ]',
        },
      ],
    });
    expect(parseProfile({ ...base, host: '2001:db8::1%eth0' }).ok).toBe(true);
    expect(parseProfile(withSsh({ user: 'a[1]' }))).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'ssh.user',
          message: 'ssh user may hold only letters, digits and . _ : % + - (found "[")',
        },
      ],
    });
  });

  it('accepts only characters that survive re-splitting, in every field', () => {
    const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
    for (const ch of printable) {
      const word = `a${ch}b`;
      const fields = [
        parseProfile({ ...base, host: word }),
        parseProfile(withSsh({ user: word })),
        parseProfile(withSsh({ identityFile: word })),
      ];
      for (const parsed of fields) if (parsed.ok) expect(isTerminalSafeWord(word)).toBe(true);
    }
    expect(isTerminalSafeWord('~/x')).toBe(true);
    for (const word of ['', 'a b', '/x/~y', '=x', "it's", 'a\\b', '$x', 'a#b', '[x]'])
      expect(isTerminalSafeWord(word)).toBe(false);
  });
});

describe('a profile saved by an earlier version with a value now refused', () => {
  const earlier = withSsh({ user: 'alice', identityFile: '/home/a/my keys/id' }, '[2001:db8::1]');

  it('still loads from the file, unchanged, so no profile is lost', () => {
    const read = readProfileFile({ version: 2, profiles: [earlier] });
    expect(read.ok).toBe(true);
    expect(read.ok && read.records[0]?.ok && read.records[0].value).toMatchObject({
      host: '[2001:db8::1]',
      ssh: { identityFile: '/home/a/my keys/id' },
    });
    expect(parseStoredProfile(earlier).ok).toBe(true);
  });

  it('is still refused where an earlier version refused it too', () => {
    const option = withSsh({ identityFile: '-oProxyCommand=x' });
    // The record is read as not valid (kept as it was, not usable), naming the field.
    expect(readProfileFile({ version: 2, profiles: [option] })).toEqual({
      ok: true,
      records: [
        {
          ok: false,
          problems: [
            {
              field: 'profiles[0].ssh.identityFile',
              message: 'identity file must not start with "-"',
            },
          ],
          source: option,
        },
      ],
    });
    expect(parseStoredProfile(withSsh({ identityFile: 'a\nb' })).ok).toBe(false);
  });

  it('cannot be opened with ssh, and the refusal names the field', () => {
    const stored = parseStoredProfile(withSsh({ identityFile: '/home/a/my keys/id' }));
    if (!stored.ok) throw new Error(stored.problems.map(problemLine).join('\n'));
    const problem =
      'identity file may hold only letters, digits, . _ - / @ : + , = and a leading ~ (found " "); ' +
      'give the key a path without it, or set IdentityFile for this host in ~/.ssh/config';
    expect(sshProblem(stored.value)).toBe(problem);
    expect(sshArgv(stored.value, '192.0.2.1')).toEqual({ ok: false, error: problem });
    const host = parseStoredProfile({ ...base, host: '[2001:db8::1]' });
    expect(host.ok && sshProblem(host.value)).toMatch(/^host may hold only/);
  });
});

describe('sshArgv checks every value again before building', () => {
  const valid = parseProfile(withSsh({ user: 'alice', port: 2222 }));
  if (!valid.ok) throw new Error(valid.problems.map(problemLine).join('\n'));
  const profile: Profile = valid.value;

  it.each([
    [
      { ssh: { port: 22, identityFile: '/dev/null -oProxyCommand="touch /tmp/x"' } },
      /^identity file may hold only/,
    ],
    [{ ssh: { port: 0 } }, /^port must be 1-65535/],
    [{ ssh: { port: 22.5 } }, /^port must be a whole number/],
    [{ ssh: { port: 22, user: 'bob smith' } }, /^ssh user may hold only/],
    [{ host: "lab'x" }, /^host may hold only/],
  ])('refuses %j', (change, message) => {
    const result = sshArgv({ ...profile, ...change }, '192.0.2.1');
    expect(result.ok ? '' : result.error).toMatch(message);
  });
});
