import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { describeProfile } from '../../../electron/cli/profile-display';
import type { Profile } from '../../../shared/profile/profile';
import { addWeb, config, sesame, stored, storeFile, useTempConfig } from './profiles-helpers';

useTempConfig();

const webProfile: Profile = {
  id: 'w',
  name: 'web',
  host: 'web.example.com',
  family: 'auto',
  open: [{ port: 7000, protocol: 'tcp' }],
  delayMs: 0,
  servicePort: 22,
  ssh: { port: 22 },
};

describe('sesame profiles: help and usage errors', () => {
  it('prints the usage of every subcommand, and is listed by sesame help', async () => {
    const help = await sesame('--help');
    expect(help.code).toBe(0);
    for (const sub of [
      'list',
      'show NAME',
      'add',
      'edit NAME',
      'remove NAME',
      'import FILE',
      'export',
    ])
      expect(help.out).toContain(`  ${sub}`);
    expect(help.out).toContain('--service-port PORT');
    expect(help.out).toContain(join(config, 'profiles.json'));
    expect((await sesame('edit', '--help')).out).toBe(help.out);
    const out: string[] = [];
    await runCli(['help'], { out: (t) => out.push(t), err: () => undefined });
    expect(out.join('')).toMatch(/ profiles +list, show, add/);
  });

  it('refuses unknown options and subcommands, naming them, and writes nothing', async () => {
    const unknown = await sesame('add', '--name', 'x', '--host', 'h', '--open', '1', '--frob', 'y');
    expect(unknown).toMatchObject({ code: 1, out: '' });
    expect(unknown.err).toMatch(/^sesame: profiles add: unknown option '--frob'\n/);
    expect((await sesame('list', '-x')).err).toMatch(/unknown option '-x'/);
    expect((await sesame('frob')).err).toMatch(/unknown profiles subcommand 'frob'/);
    expect((await sesame('show')).err).toMatch(/profiles show needs NAME/);
    expect((await sesame('show', 'a', 'b')).err).toMatch(/unexpected argument 'b'/);
    const missing = await sesame('add', '--name', 'x', '--open', '7000');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/profiles add needs --host/);
    expect((await sesame('edit', 'x')).err).toMatch(/needs at least one field/);
    expect(existsSync(config)).toBe(false);
  });
});

describe('sesame profiles: add, list, show, edit, remove', () => {
  it('adds profiles and lists them as a table', async () => {
    expect(await addWeb()).toEqual({ code: 0, out: 'added profile "web"\n', err: '' });
    const db = ['--name', 'db', '--host', '10.0.0.5', '--open', '1234:udp', '--close', '4321'];
    expect((await sesame('add', ...db)).code).toBe(0);
    const listed = await sesame('list');
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(listed.out).toBe(
      [
        'NAME  HOST             OPEN                CLOSE',
        'web   web.example.com  7000,8000:udp,9000  -',
        'db    10.0.0.5         1234:udp            4321',
        '',
      ].join('\n'),
    );
    expect(statSync(storeFile).mode & 0o777).toBe(0o600);
    const json = JSON.parse((await sesame('list', '--json')).out) as { name: string }[];
    expect(json.map((p) => p.name)).toEqual(['web', 'db']);
    expect((await sesame('add', '--name', 'WEB', '--host', 'h', '--open', '1')).err).toBe(
      'sesame: profile name already taken: "web"\n',
    );
  });

  it('shows every field, finding the name in any case', async () => {
    await sesame(
      ...['add', '--name', 'web', '--host', 'web.example.com', '--open', '7000,8000:udp'],
      ...['--close', '9000', '--family', 'ipv6', '--delay', '150', '--service-port', '2222'],
      ...[
        '--ssh-user',
        'deploy',
        '--ssh-port',
        '2200',
        '--identity',
        '~/.ssh/id_web',
        '--notes',
        'a\nb',
      ],
    );
    const shown = await sesame('show', 'WEB');
    expect(shown.code).toBe(0);
    const fields = Object.fromEntries(
      shown.out
        .trimEnd()
        .split('\n')
        .map((l) => [l.slice(0, 16).trim(), l.slice(16)]),
    );
    expect(fields).toMatchObject({
      'name:': 'web',
      'host:': 'web.example.com',
      'family:': 'ipv6',
      'open:': '7000,8000:udp',
      'close:': '9000',
      'delay:': '150 ms after each hit without its own delay',
      'service port:': '2222',
      'ssh user:': 'deploy',
      'ssh port:': '2200',
      'identity file:': '~/.ssh/id_web',
      'notes:': 'a',
      '': 'b',
    });
    expect(fields['id:']).toMatch(/^[0-9a-f-]{36}$/);
    const json = JSON.parse((await sesame('show', 'web', '--json')).out) as Record<string, unknown>;
    expect(json).toMatchObject({ name: 'web', delayMs: 150, ssh: { user: 'deploy', port: 2200 } });
  });

  it('edits only the fields given, and removes optional ones with an empty value or --no-close', async () => {
    await addWeb();
    const before = JSON.parse((await sesame('show', 'web', '--json')).out) as Record<
      string,
      unknown
    >;
    const edited = await sesame('edit', 'web', '--host', 'new.example.com', '--close', '1,2:udp');
    expect(edited).toEqual({ code: 0, out: 'updated profile "web"\n', err: '' });
    const after = JSON.parse((await sesame('show', 'web', '--json')).out) as Record<
      string,
      unknown
    >;
    expect(after).toEqual({
      ...before,
      host: 'new.example.com',
      close: [
        { port: 1, protocol: 'tcp' },
        { port: 2, protocol: 'udp' },
      ],
    });
    await sesame('edit', 'web', '--no-close', '--ssh-user', 'root', '--notes', 'hi');
    expect(JSON.parse((await sesame('show', 'web', '--json')).out)).toEqual({
      ...before,
      host: 'new.example.com',
      ssh: { user: 'root', port: 22 },
      notes: 'hi',
    });
    await sesame('edit', 'web', '--close', '5');
    await sesame('edit', 'web', '--close', '', '--ssh-user', '', '--notes', '', '--name', 'www');
    expect(JSON.parse((await sesame('show', 'www', '--json')).out)).toEqual({
      ...before,
      name: 'www',
      host: 'new.example.com',
    });
  });

  it('removes a profile, and says when a profile does not exist', async () => {
    await addWeb();
    expect(await sesame('remove', 'Web')).toEqual({
      code: 0,
      out: 'removed profile "web"\n',
      err: '',
    });
    expect((await sesame('list', '--json')).out).toBe('[]\n');
    for (const args of [
      ['show', 'web'],
      ['remove', 'web'],
      ['edit', 'web', '--host', 'h'],
    ]) {
      expect(await sesame(...args)).toEqual({
        code: 1,
        out: '',
        err: 'sesame: no profile named "web"\n',
      });
    }
  });

  it('refuses control and format characters in a field, naming it, and shows them escaped', async () => {
    await addWeb();
    const before = stored();
    const edit = await sesame('edit', 'web', '--notes', 'ok\u001b[2Jgone\u202e');
    expect(edit).toMatchObject({ code: 1, out: '' });
    expect(edit.err).toMatch(/^sesame: profile field notes: notes must not contain control/);
    expect((await sesame('add', '--name', 'a\u202eb', '--host', 'h', '--open', '1')).err).toBe(
      'sesame: profile field name: name must not contain control or format characters (such as U+202E, which reverses text)\n',
    );
    expect(stored()).toBe(before);
    const shown = describeProfile({ ...webProfile, notes: 'ok\u001b[2Jgone\u202e\n\tnext' });
    expect(shown).toContain('ok\\u{1b}[2Jgone\\u{202e}\n                \tnext');
  });
});

describe('sesame profiles: hostile values are refused with the field named, nothing written', () => {
  const cases: [string[], RegExp][] = [
    [
      ['--open', '0'],
      /^sesame: profile field open: element 1 "0": port 0 is out of range 1-65535\n$/,
    ],
    [['--open', '65536'], /open: element 1 "65536": port 65536 is out of range/],
    [['--open', 'abc'], /open: element 1 "abc": "abc" is not a port number/],
    [['--open', '1:icmp'], /open: element 1 "1:icmp": unknown protocol "icmp"/],
    [
      ['--open', '7000,8000:icmp'],
      /^sesame: profile field open: element 2 "8000:icmp": unknown protocol "icmp" \(use tcp or udp\)\n$/,
    ],
    [['--open', ''], /profile field open: the sequence is empty/],
    [['--close', '7000,0'], /profile field close: element 2 "0": port 0 is out of range/],
    [['--host=-oProxyCommand=evil'], /^sesame: profile field host: host must not start with "-"\n/],
    [['--host', 'a b'], /profile field host: host may hold only/],
    [['--host', 'a;rm -rf /'], /profile field host: host may hold only/],
    [['--host', '$(x)'], /profile field host: host may hold only/],
    [['--host', ''], /profile field host: host is empty/],
    [['--ssh-user=-l'], /profile field ssh\.user: ssh user must not start with "-"/],
    [['--ssh-user', 'bob smith'], /profile field ssh\.user: ssh user may hold only/],
    [['--ssh-user', 'bob\t'], /profile field ssh\.user: ssh user may hold only/],
    [['--service-port', '0'], /profile field servicePort: port 0 is out of range/],
    [['--ssh-port', '65536'], /profile field ssh\.port: port 65536 is out of range/],
    [['--ssh-port', 'abc'], /profile field ssh\.port: "abc" is not a port number/],
    [['--family', 'ipx'], /profile field family: family must be auto, ipv4 or ipv6/],
    [['--delay=-5'], /profile field delayMs: "-5" is not a whole number/],
    [['--delay', '60001'], /profile field delayMs: delay must be at most 60000 ms/],
    [['--identity=-oProxyCommand=x'], /profile field ssh\.identityFile: identity file must not/],
    [['--name', ' '], /profile field name: name is empty/],
  ];

  it.each(cases)('add and edit refuse %j', async (bad, message) => {
    await addWeb();
    const before = stored();
    const base = { '--name': 'new', '--host': 'new.example.com', '--open': '7000' };
    const override = bad[0]?.split('=')[0] ?? '';
    const args = Object.entries(base).flatMap(([k, v]) => (k === override ? [] : [k, v]));
    for (const argv of [
      ['add', ...args, ...bad],
      ['edit', 'web', ...bad],
    ]) {
      const result = await sesame(...argv);
      expect(result).toMatchObject({ code: 1, out: '' });
      expect(result.err).toMatch(message);
      expect(stored()).toBe(before);
    }
  });

  it('refuses an option value that looks like an option', async () => {
    const result = await sesame(
      'add',
      '--name',
      'x',
      '--host',
      '-oProxyCommand=evil',
      '--open',
      '1',
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/profiles add: option '--host' argument is ambiguous/);
    expect(stored()).toBeUndefined();
  });

  it('refuses flags on edit without a sequence to put them on', async () => {
    await sesame('add', '--name', 'x', '--host', '192.0.2.1', '--open', '7000');
    const before = stored();
    const result = await sesame('edit', 'x', '--tcp-flags', 'fin');
    expect(result.code).toBe(1);
    expect(result.err).toContain('profile field tcpFlags: give --tcp-flags with --open or --close');
    expect(stored()).toBe(before);
  });
});

describe('profiles --tcp-flags', () => {
  it('stores the flags on the TCP hits of the sequences given with it and shows them', async () => {
    const add = await sesame(
      ...[
        'add',
        '--name',
        'fin',
        '--host',
        '192.0.2.1',
        '--open',
        '7401,7402:udp',
        '--tcp-flags',
        'fin,!ack',
      ],
    );
    expect(add.code).toBe(0);
    const show = await sesame('show', 'fin', '--json');
    const profile = JSON.parse(show.out) as { open: { tcpFlags?: unknown }[] };
    expect(profile.open.map((k) => k.tcpFlags)).toEqual([
      { set: ['fin'], clear: ['ack'] },
      undefined,
    ]);
    expect((await sesame('show', 'fin')).out).toContain('open TCP flags: hit 1 (7401) fin,!ack');
  });

  it.each([
    [['--tcp-flags', 'fin,nope', '--open', '1'], 'profile field tcpFlags: unknown TCP flag "nope"'],
  ])('refuses %j naming the field and writes nothing', async (args, message) => {
    const result = await sesame(
      'add',
      '--name',
      'x',
      '--host',
      '192.0.2.1',
      '--open',
      '7000',
      ...args,
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain(message);
    expect(stored()).toBeUndefined();
  });

  it('refuses flags on edit without a sequence to put them on', async () => {
    await sesame('add', '--name', 'x', '--host', '192.0.2.1', '--open', '7000');
    const before = stored();
    const result = await sesame('edit', 'x', '--tcp-flags', 'fin');
    expect(result.code).toBe(1);
    expect(result.err).toContain('profile field tcpFlags: give --tcp-flags with --open or --close');
    expect(stored()).toBe(before);
  });
});
