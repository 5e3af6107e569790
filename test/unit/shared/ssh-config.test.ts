import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  profileSchema,
  storedProfileSchema,
  type Profile,
  type ProfileInput,
} from '../../../shared/profile/profile';
import { hostBlock, proxyCommandLine, sshAlias } from '../../../shared/ssh-config/host-block';
import {
  dropHostBlock,
  findHostBlock,
  putHostBlock,
  SECTION_BEGIN,
  SECTION_END,
} from '../../../shared/ssh-config/managed-section';

// The Host block Sesame writes and the marked section of ~/.ssh/config that holds it: pure text in,
// text out. Where OpenSSH is installed, `ssh -G` reads the result back with ssh's own parser.

const SESAME = ['/usr/bin/node', '/opt/sesame/sesame.js'];

/** A profile as the file may hold it (earlier versions allowed a space or a quote in a key path). */
function profile(overrides: Partial<ProfileInput> = {}, ssh: ProfileInput['ssh'] = {}): Profile {
  return storedProfileSchema.parse({
    id: 'p1',
    name: 'lab',
    host: '10.77.0.1',
    open: [{ port: 7000, protocol: 'tcp' }],
    ssh: { user: 'alice', port: 2222, identityFile: '/home/alice/.ssh/id_ed25519', ...ssh },
    ...overrides,
  });
}

function block(p: Profile = profile()): string[] {
  const made = hostBlock(p, SESAME, 'posix');
  if (!made.ok) throw new Error(made.error);
  return made.value;
}

function put(text: string, p: Profile = profile()): string {
  const done = putHostBlock(text, p.name, block(p), 'CONFIG');
  if (!done.ok) throw new Error(done.error);
  return done.value;
}

function drop(text: string, alias: string): { text: string; removed: boolean } {
  const done = dropHostBlock(text, alias, 'CONFIG');
  if (!done.ok) throw new Error(done.error);
  return done.value;
}

const USER_FILE = `# my config
ServerAliveInterval 30
Include ~/.ssh/config.d/*

Host *.corp
    User bob

Host *
    User nobody
    IdentitiesOnly yes
`;

describe('the Host block', () => {
  it('names the alias, the host, user, port, key and a ProxyCommand running this sesame', () => {
    expect(block()).toEqual([
      'Host lab',
      '    HostName 10.77.0.1',
      '    User alice',
      '    Port 2222',
      '    IdentityFile /home/alice/.ssh/id_ed25519',
      '    ProxyCommand "/usr/bin/node" "/opt/sesame/sesame.js" proxy --profile lab %h %p',
    ]);
  });

  it('leaves out User and IdentityFile when the profile has none', () => {
    const p = profileSchema.parse({
      id: 'x',
      name: 'web',
      host: 'web.example.org',
      open: [{ port: 1, protocol: 'udp' }],
    });
    expect(block(p)).toEqual([
      'Host web',
      '    HostName web.example.org',
      '    Port 22',
      '    ProxyCommand "/usr/bin/node" "/opt/sesame/sesame.js" proxy --profile web %h %p',
    ]);
  });

  it('writes an IPv6 host as it is and doubles a zone id %, which HostName would expand', () => {
    expect(block(profile({ host: 'fd53:5e5a::1' }))[1]).toBe('    HostName fd53:5e5a::1');
    // A bracketed address from an earlier version's file is refused, naming the host.
    expect(hostBlock(profile({ host: '[fd53:5e5a::1]' }), SESAME, 'posix')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^host may hold only/) as string,
    });
    expect(block(profile({ host: 'fe80::1%eth0' }))[1]).toBe('    HostName fe80::1%%eth0');
  });

  it('quotes an identity file with blanks, quotes or #, and doubles a backslash read as an escape', () => {
    const line = (identityFile: string) => block(profile({}, { identityFile }))[4];
    expect(line('/home/al ice/key')).toBe('    IdentityFile "/home/al ice/key"');
    expect(line("/home/o'brien/key")).toBe('    IdentityFile "/home/o\'brien/key"');
    expect(line('/keys/#1')).toBe('    IdentityFile "/keys/#1"');
    expect(line('C:\\Users\\al\\.ssh\\id')).toBe('    IdentityFile C:\\Users\\al\\.ssh\\id');
    expect(line('\\\\server\\share\\id')).toBe('    IdentityFile \\\\\\server\\share\\id');
  });

  it.each([
    ['a name that is not one ssh pattern', profile({ name: 'my lab' }), 'cannot be an ssh alias'],
    ['a wildcard name', profile({ name: 'lab*' }), 'cannot be an ssh alias'],
    ['a name starting with -', profile({ name: '-oProxyCommand=x' }), 'cannot be an ssh alias'],
    [
      'a double quote in the key path',
      profile({}, { identityFile: '/k"ey' }),
      'must not contain "',
    ],
    ['a % in the user', profile({}, { user: 'al%ice' }), 'must not contain %'],
  ])('refuses %s', (_what, p, message) => {
    const made = hostBlock(p, SESAME, 'posix');
    expect(made.ok).toBe(false);
    if (!made.ok) expect(made.error).toContain(message);
  });

  it('revalidates values with the profile schema: no line break reaches the file', () => {
    const bad = { ...profile(), ssh: { port: 22, identityFile: '/key\n    ProxyCommand evil' } };
    const made = hostBlock(bad, SESAME, 'posix');
    expect(made).toEqual({
      ok: false,
      error:
        'identity file must not contain control or format characters (such as U+202E, which reverses text)',
    });
    const host = hostBlock({ ...profile(), host: 'a b' }, SESAME, 'posix');
    expect(host.ok).toBe(false);
  });

  it('accepts only plain alias names', () => {
    expect(sshAlias('lab-2.example_x+y').ok).toBe(true);
    for (const name of ['', 'a b', '!lab', 'a,b', 'a?', 'lab"', 'a%b', 'x\ny'])
      expect(sshAlias(name).ok).toBe(false);
  });
});

describe('the ProxyCommand line', () => {
  it('double-quotes each path and doubles its %', () => {
    expect(proxyCommandLine(['/opt/my app/node', '/p/100%/s.js'], 'lab', 'posix')).toEqual({
      ok: true,
      value: '"/opt/my app/node" "/p/100%%/s.js" proxy --profile lab %h %p',
    });
  });

  it('refuses a path a shell would read inside the quotes; Windows keeps backslashes', () => {
    for (const word of ['/a$b', '/a`b', '/a"b', '/a\\b', '/a!b', '/a\nb'])
      expect(proxyCommandLine([word], 'lab', 'posix').ok).toBe(false);
    expect(
      proxyCommandLine(['C:\\Program Files\\Sesame\\Sesame.exe', '--cli'], 'lab', 'windows'),
    ).toEqual({
      ok: true,
      value: '"C:\\Program Files\\Sesame\\Sesame.exe" "--cli" proxy --profile lab %h %p',
    });
    expect(proxyCommandLine(['C:\\a"b'], 'lab', 'windows').ok).toBe(false);
  });
});

describe("Sesame's section of the file", () => {
  it('goes at the top and ends with Host *, leaving every user line as it was', () => {
    const text = put(USER_FILE);
    const lines = text.split('\n');
    expect(lines[0]).toBe(SECTION_BEGIN);
    const end = lines.indexOf(SECTION_END);
    expect(lines[end - 1]).toBe('Host *');
    expect(lines.slice(end + 1).join('\n')).toBe(USER_FILE);
    expect(lines.slice(0, end)).toEqual(expect.arrayContaining(block()));
  });

  it('is idempotent: the same block twice gives the same text', () => {
    const once = put(USER_FILE);
    expect(put(once)).toBe(once);
  });

  it('replaces a changed block in place and adds new ones at its end', () => {
    const two = put(put(USER_FILE), profile({ name: 'web', host: 'web.example.org' }));
    const changed = put(two, profile({}, { user: 'carol' }));
    const hosts = changed.split('\n').filter((l) => l.startsWith('Host '));
    expect(hosts).toEqual(['Host lab', 'Host web', 'Host *', 'Host *.corp', 'Host *']);
    const lab = changed.slice(changed.indexOf('Host lab'), changed.indexOf('Host web'));
    expect(lab).toContain('    User carol');
    expect(lab).not.toContain('    User alice');
  });

  it('stays where the user moved it', () => {
    const moved = `Host a\n    User x\n${put('').trimEnd()}\nHost b\n`;
    const updated = put(moved, profile({}, { port: 2200 }));
    expect(updated.startsWith('Host a\n    User x\n' + SECTION_BEGIN)).toBe(true);
    expect(updated).toContain('    Port 2200');
    expect(updated.endsWith(`${SECTION_END}\nHost b\n`)).toBe(true);
  });

  it('removing the last block gives back the file byte for byte', () => {
    const added = put(put(USER_FILE), profile({ name: 'web' }));
    const once = drop(added, 'lab');
    expect(once.removed).toBe(true);
    expect(once.text).toContain('Host web');
    expect(drop(once.text, 'WEB')).toEqual({ text: USER_FILE, removed: true });
    expect(drop(USER_FILE, 'lab')).toEqual({ text: USER_FILE, removed: false });
  });

  it('keeps CRLF line endings, a BOM and a missing final newline', () => {
    const windows = '\uFEFFHost *\r\n    User nobody';
    const added = put(windows);
    expect(added.startsWith(`\uFEFF${SECTION_BEGIN}\r\n`)).toBe(true);
    expect(
      added.split('\n').every((line, i, all) => i === all.length - 1 || line.endsWith('\r')),
    ).toBe(true);
    expect(put(added)).toBe(added);
    expect(drop(added, 'lab').text).toBe(windows);
  });

  it('creates the section in an empty file', () => {
    const text = put('');
    expect(text.startsWith(`${SECTION_BEGIN}\n`)).toBe(true);
    expect(text.endsWith(`Host *\n${SECTION_END}\n`)).toBe(true);
    expect(drop(text, 'lab').text).toBe('');
  });

  it('refuses an alias a Host line outside the section lists, naming the file and line', () => {
    for (const line of ['Host lab', 'host web LAB', '  Host=lab', 'Host "lab" # mine']) {
      const text = `ServerAliveInterval 30\n\n${line}\n    User bob\n`;
      expect(putHostBlock(text, 'lab', block(), '/home/a/.ssh/config')).toEqual({
        ok: false,
        error:
          "/home/a/.ssh/config:3: Host lab is already defined there, outside Sesame's section; rename that entry or the profile",
      });
    }
    for (const line of ['Host lab*', 'Host !lab', 'Host laboratory', '# Host lab', 'HostName lab'])
      expect(putHostBlock(`${line}\n`, 'lab', block(), 'CONFIG').ok).toBe(true);
  });

  it('finds the block of an alias as it stands (any case), without line endings', () => {
    const block = ['Host lab', '    HostName 10.77.0.1', '    ProxyCommand sesame proxy %h %p'];
    const added = putHostBlock('Host other\r\n    User x\r\n', 'lab', block, 'cfg');
    if (!added.ok) throw new Error(added.error);
    expect(findHostBlock(added.value, 'LAB', 'cfg')).toEqual({ ok: true, value: block });
    expect(findHostBlock(added.value, 'other', 'cfg')).toEqual({ ok: true, value: undefined });
    expect(findHostBlock('', 'lab', 'cfg')).toEqual({ ok: true, value: undefined });
    expect(findHostBlock(`${SECTION_BEGIN}\nHost lab\n`, 'lab', 'cfg')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cfg:1: .*no end line/) as unknown,
    });
  });

  it('refuses a broken section rather than guess, naming the line', () => {
    expect(putHostBlock(`a\n${SECTION_BEGIN}\nHost lab\n`, 'lab', block(), 'C')).toEqual({
      ok: false,
      error: `C:2: the Sesame section that starts here has no end line (${SECTION_END})`,
    });
    expect(dropHostBlock(`${SECTION_END}\n`, 'lab', 'C')).toEqual({
      ok: false,
      error: 'C:1: the end of a Sesame section without its start',
    });
    const twice = `${put('')}${put('')}`;
    expect(putHostBlock(twice, 'lab', block(), 'C').ok).toBe(false);
  });
});

const ssh = ['/usr/bin/ssh', '/bin/ssh'].find((path) => existsSync(path));

describe.skipIf(ssh === undefined)('what ssh reads from the file (ssh -G)', () => {
  function sshSees(text: string, alias: string): Record<string, string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'sesame-ssh-g-'));
    try {
      writeFileSync(join(dir, 'config'), text, { mode: 0o600 });
      const out = execFileSync(ssh ?? 'ssh', ['-G', '-F', join(dir, 'config'), alias], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const seen: Record<string, string[]> = {};
      for (const line of out.split('\n')) {
        const at = line.indexOf(' ');
        if (at > 0) (seen[line.slice(0, at)] ??= []).push(line.slice(at + 1));
      }
      return seen;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("takes Sesame's values over the user's Host * ones, and keeps the user's global options", () => {
    const seen = sshSees(put(USER_FILE), 'lab');
    expect(seen.user).toEqual(['alice']);
    expect(seen.hostname).toEqual(['10.77.0.1']);
    expect(seen.port).toEqual(['2222']);
    expect(seen.serveraliveinterval).toEqual(['30']);
    expect(seen.identitiesonly).toEqual(['yes']);
    expect(seen.proxycommand).toEqual([
      '"/usr/bin/node" "/opt/sesame/sesame.js" proxy --profile lab %h %p',
    ]);
    expect(sshSees(put(USER_FILE), 'other').user).toEqual(['nobody']);
  });

  it.each([
    '/home/al ice/.ssh/id',
    "/home/o'brien/id",
    '/keys/#1',
    '/k\\ey/a\\\\b\\',
    "/mixed 'q' \\\\x",
  ])('reads the identity file %s back exactly', (identityFile) => {
    const seen = sshSees(put('', profile({}, { identityFile })), 'lab');
    expect(seen.identityfile).toEqual([identityFile]);
  });
});
