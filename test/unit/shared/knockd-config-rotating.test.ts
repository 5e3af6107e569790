import { describe, expect, it } from 'vitest';
import { parseKnockdConfig, writeKnockdConfig } from '../../../shared/knockd/config';
import { importKnockdConfig } from '../../../shared/knockd/import';
import { DEFAULT_ROTATING_PARAMS } from '../../../shared/rotating/params';

const ROTATING = `[options]
  interface = eth0
[ssh-open]
  Rotating_Secret_File = /etc/sesame/ssh.secret
  Seq_Timeout = 10
  Command = /sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
[ssh-close]
  rotating_secret_file = /etc/sesame/ssh.secret
  ROTATING_STEP = 60
  Rotating_Length = 6
  Rotating_Ports = 40000-49999
  Rotating_Protocols = mixed
  Rotating_Label = close
  tcpflags = syn
  Command = /sbin/iptables -D INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
`;

function doors(text: string) {
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value.doors;
}

describe('knockd.conf rotating doors', () => {
  it('reads Rotating_Secret_File instead of Sequence, with the defaults filled in', () => {
    const [open, close] = doors(ROTATING);
    expect(open).toMatchObject({
      name: 'ssh-open',
      sequence: [],
      seqTimeout: 10,
      rotating: { secretFile: '/etc/sesame/ssh.secret', params: DEFAULT_ROTATING_PARAMS },
    });
    expect(open?.rotating?.label).toBeUndefined();
    expect(close?.rotating).toEqual({
      secretFile: '/etc/sesame/ssh.secret',
      label: 'close',
      params: {
        stepSeconds: 60,
        length: 6,
        ports: { low: 40000, high: 49999 },
        protocols: 'mixed',
      },
    });
    expect(close?.tcpFlags).toEqual({ set: ['syn'], clear: [] });
  });

  it('writes rotating doors back so that they read the same', () => {
    const config = parseKnockdConfig(ROTATING);
    if (!config.ok) throw new Error(config.error);
    const again = parseKnockdConfig(writeKnockdConfig(config.value));
    if (!again.ok) throw new Error(again.error);
    const strip = (d: { line: number }) => ({ ...d, line: 0 });
    expect(again.value.doors.map(strip)).toEqual(config.value.doors.map(strip));
  });

  it.each([
    [
      '[a]\nrotating_step = 5\nrotating_secret_file = /s\n',
      'config: line 2: Rotating_Step: step "5" is not a whole number of seconds from 10 to 86400',
    ],
    [
      '[a]\nrotating_ports = 80-1000\nrotating_secret_file = /s\n',
      'config: line 2: Rotating_Ports: port range "80-1000" must lie within 1024-65535 (ports below 1024 are well-known service ports)',
    ],
    [
      '[a]\nrotating_length = 40\nrotating_secret_file = /s\n',
      'config: line 2: Rotating_Length: length "40" is not a whole number of knocks from 2 to 32',
    ],
    [
      '[a]\nrotating_protocols = sctp\nrotating_secret_file = /s\n',
      'config: line 2: Rotating_Protocols: protocols "sctp" is not tcp, udp or mixed',
    ],
    ['[a]\nrotating_secret_file =\n', 'config: line 2: Rotating_Secret_File: the path is empty'],
    [
      '[a]\nrotating_step = 30\n',
      'config: section a: Rotating_* keys need Rotating_Secret_File (line 2)',
    ],
    [
      '[a]\nsequence = 1,2\nrotating_secret_file = /s\n',
      'config: section a: a door has either Sequence or Rotating_Secret_File, not both',
    ],
    [
      '[a]\none_time_sequences = /o\nrotating_secret_file = /s\n',
      'config: section a: a door has either One_Time_Sequences or Rotating_Secret_File, not both',
    ],
  ])('refuses %j', (text, error) => {
    expect(parseKnockdConfig(text)).toMatchObject({ ok: false, error });
  });

  it("still gives knockd's own errors first", () => {
    expect(parseKnockdConfig('[a]\nrotating_step = 5\nbogus = 1\n')).toMatchObject({
      ok: false,
      error: 'config: line 3: syntax error',
    });
  });

  it('is skipped by the profile import with a note', () => {
    const result = importKnockdConfig(ROTATING, { host: 'gate.example.org' });
    expect(JSON.stringify(result)).toMatch(/rotating door \(Rotating_Secret_File\)/);
  });
});
