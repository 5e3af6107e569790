import { describe, expect, it } from 'vitest';
import { profileSchema, type Profile } from '../../../shared/profile/profile';
import { sshArgv } from '../../../shared/profile/ssh-argv';

const base: Profile = profileSchema.parse({
  id: 'p1',
  name: 'web',
  host: 'web.example.org',
  open: [{ port: 7000, protocol: 'tcp' }],
  ssh: { user: 'alice', port: 2222, identityFile: '/home/alice/.ssh/id_ed25519' },
});

describe('sshArgv', () => {
  it('keeps the saved name as destination after --, pinned to the knocked address', () => {
    expect(sshArgv(base, '192.0.2.10')).toEqual({
      ok: true,
      argv: [
        'ssh',
        '-o',
        'HostName=192.0.2.10',
        '-o',
        'HostKeyAlias=web.example.org',
        '-p',
        '2222',
        '-l',
        'alice',
        '-i',
        '/home/alice/.ssh/id_ed25519',
        '--',
        'web.example.org',
      ],
    });
  });

  it('leaves out what the profile does not set', () => {
    const minimal = { ...base, ssh: { port: 22 } };
    expect(sshArgv(minimal, '2001:db8::1')).toEqual({
      ok: true,
      argv: [
        'ssh',
        '-o',
        'HostName=2001:db8::1',
        '-o',
        'HostKeyAlias=web.example.org',
        '-p',
        '22',
        '--',
        'web.example.org',
      ],
    });
  });

  // Profiles are validated on the way in; these values can only arrive by a bug or a hand-edited
  // object, and must still never reach ssh.
  it.each([
    [{ host: '-oProxyCommand=touch /tmp/pwned' }, 'host must not start with "-"'],
    [{ host: 'web example' }, 'host may hold only'],
    [{ host: 'a;rm -rf /' }, 'host may hold only'],
    [{ host: '$(reboot)' }, 'host may hold only'],
    // user@host would quietly override the profile's ssh user.
    [{ host: 'root@web.example.org' }, 'host may hold only'],
    [{ ssh: { port: 22, user: 'alice@evil' } }, 'ssh user may hold only'],
    [{ ssh: { port: 22, user: '-oProxyCommand=x' } }, 'ssh user must not start with "-"'],
    [{ ssh: { port: 22, user: 'bob smith' } }, 'ssh user may hold only'],
    [{ ssh: { port: 22, identityFile: '-F/etc/evil' } }, 'identity file must not start with "-"'],
  ])('refuses hostile %j', (change, message) => {
    const result = sshArgv({ ...base, ...change }, '192.0.2.10');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain(message);
  });

  it('refuses an address that is not an IP', () => {
    expect(sshArgv(base, '-oEvil')).toEqual({
      ok: false,
      error: 'address "-oEvil" is not an IP address',
    });
  });
});
