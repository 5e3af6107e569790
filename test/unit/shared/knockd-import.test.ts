import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { problemLine } from '../../../shared/field-problems';
import {
  doorNameStem,
  importKnockdConfig,
  type ImportedProfile,
  type KnockdImportOptions,
} from '../../../shared/knockd/import';
import { parseProfile } from '../../../shared/profile/profile';

const FIXTURES = fileURLToPath(new URL('../../fixtures/knockd/', import.meta.url));
const fixture = (name: string) => readFileSync(`${FIXTURES}${name}`, 'utf8');

/** Imports and checks that every profile passes the schema once the store gives it an id. */
function imported(
  text: string,
  options: Partial<KnockdImportOptions> = {},
): { profiles: ImportedProfile[]; notes: string[] } {
  const result = importKnockdConfig(text, { host: 'gate.example.org', ...options });
  if (!result.ok) throw new Error(result.error);
  for (const [i, profile] of result.profiles.entries()) {
    const parsed = parseProfile({ ...profile, id: `imported-${i}` });
    if (!parsed.ok) throw new Error(`profile ${i}: ${parsed.problems.map(problemLine).join('; ')}`);
  }
  return result;
}

function failure(text: string, options: Partial<KnockdImportOptions> = {}): string {
  const result = importKnockdConfig(text, { host: 'gate.example.org', ...options });
  if (result.ok) throw new Error('expected an error');
  return result.error;
}

const tcp = (port: number, flags?: { set: string[]; clear: string[] }) =>
  flags ? { port, protocol: 'tcp', tcpFlags: flags } : { port, protocol: 'tcp' };
const SYN = { set: ['syn'], clear: [] };

/** A door section; `command` and the rest are written as given. */
const door = (name: string, sequence: string, ...lines: string[]) =>
  `[${name}]\nsequence = ${sequence}\n${lines.map((l) => `${l}\n`).join('')}`;

describe('importKnockdConfig: the example configs', () => {
  it('pairs the iptables open/close doors into one profile', () => {
    const { profiles, notes } = imported(fixture('iptables-open-close.conf'));
    expect(profiles).toEqual([
      {
        name: 'SSH',
        host: 'gate.example.org',
        open: [tcp(7000, SYN), tcp(8000, SYN), tcp(9000, SYN)],
        close: [tcp(9000, SYN), tcp(8000, SYN), tcp(7000, SYN)],
        servicePort: 22,
        ssh: { port: 22 },
        notes:
          'Imported from knockd.conf: open with door "openSSH" (line 6); close with door "closeSSH" (line 12).',
      },
    ]);
    expect(notes).toEqual([]);
  });

  it("imports Debian's default: SSH paired, HTTPS (knock_add -d 443) alone", () => {
    const { profiles, notes } = imported(fixture('debian-default.conf'));
    expect(profiles.map((p) => [p.name, p.servicePort, p.close?.length])).toEqual([
      ['SSH', 22, 3],
      ['HTTPS', 443, undefined],
    ]);
    expect(profiles[1]?.open?.map((k) => k.port)).toEqual([12345, 54321, 24680, 13579]);
    expect(notes).toEqual([
      'door "openHTTPS" (line 16) has no matching close door: imported without a close sequence.',
    ]);
  });

  it('imports the auto-closing firewalld door as an open sequence with a note', () => {
    const { profiles, notes } = imported(fixture('firewalld-timed.conf'));
    expect(profiles).toHaveLength(1);
    const [profile] = profiles;
    expect(profile?.open).toEqual([tcp(32512, SYN), tcp(8425, SYN), tcp(27705, SYN)]);
    expect(profile?.close).toBeUndefined();
    expect(profile?.servicePort).toBe(22);
    expect(notes).toEqual([
      'door "openSSH" (line 5) closes the port itself 1800 s after opening (cmd_timeout).',
    ]);
    expect(profile?.notes).toContain('1800 s after opening');
  });

  it('keeps the long mixed TCP/UDP sequence, flags only on tcp hits', () => {
    const { profiles } = imported(fixture('firewalld-mixed-protocols.conf'));
    expect(profiles).toHaveLength(1);
    const open = profiles[0]?.open ?? [];
    expect(open).toHaveLength(12);
    expect(open.slice(0, 4)).toEqual([
      tcp(32512, SYN),
      { port: 8425, protocol: 'udp' },
      tcp(27705, SYN),
      tcp(26643, SYN),
    ]);
    expect(open.filter((k) => k.protocol === 'udp').map((k) => k.port)).toEqual([8425]);
    expect(profiles[0]?.close).toEqual([tcp(9136, SYN), tcp(17752, SYN), tcp(45700, SYN)]);
  });
});

describe('importKnockdConfig: pairing', () => {
  it('pairs by port, not by file order or name', () => {
    const text = [
      door('alpha', '1,2', 'command = iptables -I INPUT -s %IP% -p tcp --dport 2222 -j ACCEPT'),
      door('beta', '3,4', 'command = ufw allow from %IP% to any port 8080'),
      door('gamma', '5,6', 'command = ufw delete allow from %IP% to any port 8080'),
      door('delta', '7,8', 'command = iptables -D INPUT -s %IP% -p tcp --dport 2222 -j ACCEPT'),
    ].join('');
    const { profiles, notes } = imported(text);
    expect(
      profiles.map((p) => [
        p.name,
        p.servicePort,
        p.ssh?.port,
        p.open?.[0]?.port,
        p.close?.[0]?.port,
      ]),
    ).toEqual([
      ['alpha', 2222, 2222, 1, 7],
      ['beta', 8080, 8080, 3, 5],
    ]);
    expect(notes).toEqual([]);
  });

  it('prefers the opener with the same name stem when several open the port', () => {
    const text = [
      door('openWork', '1', 'command = firewall-cmd --add-port=22/tcp'),
      door('openHome', '2', 'command = firewall-cmd --add-port=22/tcp'),
      door('closeHome', '3', 'command = firewall-cmd --remove-port=22/tcp'),
    ].join('');
    const { profiles } = imported(text);
    expect(profiles.map((p) => [p.name, p.close?.[0]?.port])).toEqual([
      ['Work', undefined],
      ['Home', 3],
    ]);
  });

  it('pairs doors whose commands name no port by their name stem, with a port-22 note', () => {
    const text = [
      door('open-vpn', '1', 'command = ipset add knocked %IP%'),
      door('vpn-close', '2', 'command = ipset del knocked %IP%'),
    ].join('');
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => [p.name, p.servicePort, p.close?.[0]?.port])).toEqual([
      ['vpn', 22, 2],
    ]);
    expect(notes).toEqual([
      'door "open-vpn" (line 1): no port found in its command; service port set to 22.',
    ]);
  });

  it('imports an unpaired closer as its own profile, with a note', () => {
    const text = door(
      'closeSSH',
      '9000,8000',
      'command = iptables -D INPUT -p tcp --dport 22 -j ACCEPT',
    );
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => [p.name, p.open?.length, p.close])).toEqual([
      ['closeSSH', 2, undefined],
    ]);
    expect(notes).toEqual([
      'door "closeSSH" (line 1) closes port 22 but no door opens it: imported as its own profile, whose open sequence closes the port.',
    ]);
  });

  it('lets an auto-closing door pair with a close door for closing early', () => {
    const text = [
      door(
        'openSSH',
        '1,2',
        'start_command = nft add rule inet filter input ip saddr %IP% tcp dport 22 accept',
        'cmd_timeout = 60',
        'stop_command = nft delete rule inet filter input handle 7',
      ),
      door('closeSSH', '3', 'command = nft delete rule inet filter input tcp dport 22 accept'),
    ].join('');
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => [p.name, p.open?.length, p.close?.length])).toEqual([['SSH', 2, 1]]);
    expect(notes).toEqual([
      'door "openSSH" (line 1) closes the port itself 60 s after opening (cmd_timeout).',
    ]);
  });

  it('notes a door whose direction cannot be told, and one naming several ports', () => {
    const text = [
      door('mystery', '1', 'command = /usr/local/bin/do-something %IP%'),
      door('web', '2', 'command = iptables -A INPUT -p tcp -m multiport --dports 80,443 -j ACCEPT'),
    ].join('');
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => [p.name, p.servicePort])).toEqual([
      ['mystery', 22],
      ['web', 80],
    ]);
    expect(notes).toContain('door "web" (line 4) names ports 80, 443; using 80.');
    expect(notes).toContain(
      'door "mystery" (line 1): could not tell from its command whether it opens or closes a port; imported as its own profile.',
    );
  });

  it('notes a target address other than the host', () => {
    const text = door('openSSH', '1', 'target = 10.0.0.50', 'command = ufw allow 22/tcp');
    expect(imported(text).notes).toContain(
      'door "openSSH" (line 1) only counts knocks sent to 10.0.0.50 (target).',
    );
    expect(imported(text, { host: '10.0.0.50' }).notes.join(' ')).not.toContain('target');
  });
});

describe('importKnockdConfig: knocks', () => {
  it('keeps udp hits and puts tcpflags on tcp hits only', () => {
    const text = door(
      'o',
      '1000,2000:udp,3000:TCP',
      'tcpflags = syn,!ack',
      'command = ufw allow 22',
    );
    expect(imported(text).profiles[0]?.open).toEqual([
      tcp(1000, { set: ['syn'], clear: ['ack'] }),
      { port: 2000, protocol: 'udp' },
      tcp(3000, { set: ['syn'], clear: ['ack'] }),
    ]);
  });

  it('sends SYN for a test that only forbids flags, and the first allowed flag without syn', () => {
    const onlyClear = door('a', '1', 'tcpflags = !ack,!rst', 'command = ufw allow 22');
    expect(imported(onlyClear).profiles[0]?.open).toEqual([
      tcp(1, { set: ['syn'], clear: ['rst', 'ack'] }),
    ]);
    const noSyn = imported(door('b', '1', 'tcpflags = !syn', 'command = ufw allow 22'));
    expect(noSyn.profiles[0]?.open).toEqual([tcp(1, { set: ['fin'], clear: ['syn'] })]);
    expect(noSyn.notes).toContain(
      'door "b" (line 1): tcpflags "!syn" sets no flag; its tcp knocks send fin.',
    );
  });

  it('skips a door no TCP packet can open, but not a udp-only door with the same flags', () => {
    const text = [
      door('a', '1', 'tcpflags = syn,!syn', 'command = ufw allow 22'),
      door('b', '2:udp', 'tcpflags = syn,!syn', 'command = ufw allow 23'),
    ].join('');
    const { profiles, notes } = imported(text);
    expect(profiles.map((p) => [p.name, p.open])).toEqual([['b', [{ port: 2, protocol: 'udp' }]]]);
    expect(notes).toContain(
      'door "a" (line 1) was skipped: no TCP packet can pass its tcpflags "syn,!syn".',
    );
  });

  it('skips one-time-sequence doors with a note naming the door', () => {
    const ots = door(
      'openOTS',
      '1',
      'one_time_sequences = /etc/knockd/ots',
      'command = ufw allow 22',
    );
    const { profiles, notes } = imported(ots + door('openSSH', '2', 'command = ufw allow 22'));
    expect(profiles.map((p) => p.name)).toEqual(['SSH']);
    expect(notes[0]).toContain('door "openOTS" (line 1) was skipped: it uses one_time_sequences');
    expect(failure(ots)).toMatch(/^no door could be imported: door "openOTS".*one_time_sequences/);
  });
});

describe('importKnockdConfig: names', () => {
  it('makes names unique ignoring case, also against taken names', () => {
    const text = [
      door('openSSH', '1', 'command = ufw allow 22'),
      door('ssh', '2', 'command = ufw allow 2222'),
      door('SSH (2)', '3', 'command = ufw allow 2223'),
    ].join('');
    expect(imported(text).profiles.map((p) => p.name)).toEqual(['SSH', 'ssh (2)', 'SSH (2) (2)']);
    const taken = imported(text, { takenNames: [' sSh '] }).profiles.map((p) => p.name);
    expect(taken).toEqual(['SSH (2)', 'ssh (3)', 'SSH (2) (2)']);
  });

  it('adds the prefix and keeps names within 64 characters', () => {
    const long = 'x'.repeat(100);
    const text =
      door(`open_${long}`, '1', 'command = ufw allow 22') +
      door(long, '2', 'command = ufw allow 23');
    const names = imported(text, { namePrefix: ' office ' }).profiles.map((p) => p.name);
    expect(names).toEqual([`office ${'x'.repeat(57)}`, `office ${'x'.repeat(53)} (2)`]);
    expect(names.every((n) => n.length <= 64)).toBe(true);
    expect(failure(text, { namePrefix: 'p'.repeat(33) })).toBe(
      'namePrefix: longer than 32 characters',
    );
  });
});

describe('importKnockdConfig: errors', () => {
  it("keeps the parser's message and its line number", () => {
    expect(failure('[a]\nsequence = 1\nbogus line\n')).toBe('config: line 3: syntax error');
    expect(failure('# c\n[a]\nsequence = 70000\n')).toBe(
      'config: section a: port 70000 is invalid (line 2)',
    );
  });

  it('rejects a bad host, naming the field `host`', () => {
    expect(failure(door('a', '1'), { host: '-oProxyCommand=x' })).toMatch(
      /^host: host must not start with "-"/,
    );
    expect(failure(door('a', '1'), { host: '' })).toMatch(/^host: host is empty/);
  });

  it('says there are no doors when the config has only options', () => {
    expect(failure('[options]\n  UseSyslog\n')).toBe(
      'the knockd.conf has no doors (only [options]): nothing to import',
    );
    expect(failure('')).toContain('no doors');
  });
});

describe('doorNameStem', () => {
  it.each([
    ['openSSH', 'SSH'],
    ['closeSSH', 'SSH'],
    ['OPENSSH', 'SSH'],
    ['ssh-open', 'ssh'],
    ['sshClose', 'ssh'],
    ['start_web', 'web'],
    ['opener', 'opener'],
    ['disclose', 'disclose'],
    ['open', ''],
  ])('%s -> %s', (name, stem) => {
    expect(doorNameStem(name)).toBe(stem);
  });
});
