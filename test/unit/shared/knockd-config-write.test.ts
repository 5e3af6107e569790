import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkKnockdConfigWritable,
  parseKnockdConfig,
  writeKnockdConfig,
  type KnockdConfig,
  type KnockdDoor,
} from '../../../shared/knockd/config';
import type { Knock } from '../../../shared/sequence/sequence';
import type { TcpFlagTest } from '../../../shared/sequence/tcp-flags';

// Real-world knockd.conf files (Debian's default, iptables and firewalld setups), kept as fixtures.
const EXAMPLES = fileURLToPath(new URL('../../fixtures/knockd/', import.meta.url));

function parsed(text: string): KnockdConfig {
  const result = parseKnockdConfig(text);
  if (!result.ok) throw new Error(`${result.error} (line ${String(result.line)})`);
  return result.value;
}

function example(name: string): KnockdConfig {
  return parsed(readFileSync(join(EXAMPLES, name), 'utf8'));
}

/** Everything but the header line numbers, which a rewrite may move. */
function withoutLines(config: KnockdConfig): unknown {
  return { ...config, doors: config.doors.map(({ line: _line, ...rest }) => rest) };
}

function expectRoundTrip(config: KnockdConfig): void {
  expect(withoutLines(parsed(writeKnockdConfig(config)))).toEqual(withoutLines(config));
}

const syn: TcpFlagTest = { set: ['syn'], clear: [] };
const tcp = (...ports: number[]): Knock[] => ports.map((port) => ({ port, protocol: 'tcp' }));
const iptables = (flag: string) =>
  `/sbin/iptables ${flag} INPUT -s %IP% -p tcp --dport 22 -j ACCEPT`;

function simpleDoor(name: string, line: number, ports: number[], command: string): KnockdDoor {
  return {
    name,
    line,
    sequence: tcp(...ports),
    seqTimeout: 5,
    cmdTimeout: 10,
    startCommand: command,
    tcpFlags: { set: ['syn'], clear: [] },
    keys: ['sequence', 'seq_timeout', 'command', 'tcpflags'],
  };
}

const EXAMPLE_FILES = [
  'debian-default.conf',
  'firewalld-mixed-protocols.conf',
  'firewalld-timed.conf',
  'iptables-open-close.conf',
];

describe('the shared example configs', () => {
  it('debian-default.conf: three doors, syslog', () => {
    expect(example('debian-default.conf')).toEqual({
      options: { useSyslog: true },
      doors: [
        simpleDoor('openSSH', 4, [7000, 8000, 9000], iptables('-A')),
        simpleDoor('closeSSH', 10, [9000, 8000, 7000], iptables('-D')),
        simpleDoor(
          'openHTTPS',
          16,
          [12345, 54321, 24680, 13579],
          '/usr/local/sbin/knock_add -i -c INPUT -p tcp -d 443 -f %IP%',
        ),
      ],
    });
  });

  it('iptables-open-close.conf: an open/close pair and a log file', () => {
    expect(example('iptables-open-close.conf')).toEqual({
      options: { useSyslog: false, logFile: '/var/log/knockd.log' },
      doors: [
        simpleDoor('openSSH', 6, [7000, 8000, 9000], iptables('-I')),
        simpleDoor('closeSSH', 12, [9000, 8000, 7000], iptables('-D')),
      ],
    });
  });

  it('firewalld-mixed-protocols.conf: a 12-port sequence with :tcp/:udp suffixes', () => {
    const config = example('firewalld-mixed-protocols.conf');
    expect(config.options).toEqual({ useSyslog: false, logFile: '/var/log/port_knocking.log' });
    const ports = [
      32512, 8425, 27705, 26643, 31689, 17272, 39972, 21762, 17213, 9136, 17752, 45700,
    ];
    expect(config.doors).toEqual([
      {
        ...simpleDoor('openSSH', 5, ports, 'firewall-cmd --add-port=22/tcp'),
        sequence: ports.map((port) => ({ port, protocol: port === 8425 ? 'udp' : 'tcp' })),
      },
      simpleDoor('closeSSH', 11, [9136, 17752, 45700], 'firewall-cmd --remove-port=22/tcp'),
    ]);
  });

  it('firewalld-timed.conf: start, cmd_timeout and stop', () => {
    expect(example('firewalld-timed.conf')).toEqual({
      options: { useSyslog: true },
      doors: [
        {
          name: 'openSSH',
          line: 5,
          sequence: tcp(32512, 8425, 27705),
          seqTimeout: 5,
          tcpFlags: syn,
          startCommand: 'firewall-cmd --add-port=22/tcp',
          cmdTimeout: 1800,
          stopCommand: 'firewall-cmd --remove-port=22/tcp',
          keys: [
            'sequence',
            'seq_timeout',
            'tcpflags',
            'start_command',
            'cmd_timeout',
            'stop_command',
          ],
        },
      ],
    });
  });

  it.each(EXAMPLE_FILES)('%s round-trips through the writer', (name) => {
    expectRoundTrip(example(name));
  });
});

const EVERY_KEY = `# every key knockd knows, aliases too
[options]
  UseSyslog
  LogFile = /var/log/knockd.log
  PidFile = /run/knockd.pid
  Interface = eth0

[full]
  one_time_sequences = /etc/knockd/full.seq
  Sequence = 7000, 8000:udp ,9000:TCP
  Timeout = 7
  TCPFlags = syn
  Command = /bin/open %IP% # not a comment
  command_6 = /bin/open6 %IP%
  cmd_timeout = 0
  stop_command = /bin/close %IP%
  Stop_Command_6 = /bin/close6 %IP%
  target = 10.0.0.50
  tcpflags = !ack,fin

[Options]
  seq_timeout = 25
  start_command_6 =
  sequence = 1:udp
  tcpflags = syn,!syn

[full]
  one_time_sequences = /etc/knockd/only.seq
`;

describe('writeKnockdConfig', () => {
  it('round-trips a config that uses every key, alias and odd value', () => {
    const config = parsed(EVERY_KEY);
    expect(config.doors.map((d) => d.keys)).toEqual([
      [
        'one_time_sequences',
        'sequence',
        'timeout',
        'command',
        'command_6',
        'cmd_timeout',
        'stop_command',
        'stop_command_6',
        'target',
        'tcpflags',
      ],
      ['seq_timeout', 'start_command_6', 'sequence', 'tcpflags'],
      ['one_time_sequences'],
    ]);
    expectRoundTrip(config);
  });

  it('writes keys as spelled, in their order, and explicit defaults only when they were written', () => {
    expect(writeKnockdConfig(parsed(EVERY_KEY))).toBe(`[options]
  UseSyslog
  LogFile = /var/log/knockd.log
  PidFile = /run/knockd.pid
  Interface = eth0

[full]
  one_time_sequences = /etc/knockd/full.seq
  sequence = 7000,8000:udp,9000
  timeout = 7
  command = /bin/open %IP% # not a comment
  command_6 = /bin/open6 %IP%
  cmd_timeout = 0
  stop_command = /bin/close %IP%
  stop_command_6 = /bin/close6 %IP%
  target = 10.0.0.50
  tcpflags = fin,syn,!ack

[Options]
  seq_timeout = 25
  start_command_6 = 
  sequence = 1:udp
  tcpflags = syn,!syn

[full]
  one_time_sequences = /etc/knockd/only.seq
`);
    expect(writeKnockdConfig(parsed('[a]\nsequence = 1\n'))).toBe('[a]\n  sequence = 1\n');
    expect(writeKnockdConfig(parsed(''))).toBe('');
  });

  it('writes a hand-built door: fields that differ from the defaults, in knockd spelling', () => {
    const door: KnockdDoor = {
      name: 'web',
      line: 0,
      sequence: tcp(1000, 2000),
      seqTimeout: 25,
      cmdTimeout: 30,
      stopCommand: 'close',
      tcpFlags: syn,
      keys: [],
    };
    const text = writeKnockdConfig({ options: { useSyslog: false }, doors: [door] });
    expect(text).toBe(
      '[web]\n  sequence = 1000,2000\n  tcpflags = syn\n  cmd_timeout = 30\n  stop_command = close\n',
    );
    // It reads back the same, now with the keys that were written.
    expect(parsed(text).doors[0]).toEqual({
      ...door,
      line: 1,
      keys: ['sequence', 'tcpflags', 'cmd_timeout', 'stop_command'],
    });
  });

  it('keeps a value that only fits on a knockd line without the spaces around `=`', () => {
    const config = parsed(`[a]\nsequence=1\ncommand=${'x'.repeat(4087)}\n`);
    expect(writeKnockdConfig(config)).toContain(`\ncommand=${'x'.repeat(4087)}\n`);
    expectRoundTrip(config);
  });

  it('refuses, as a value, configs that cannot read back the same; write throws for them', () => {
    const base = parsed('[a]\nsequence = 1\n');
    const door = base.doors[0] as KnockdDoor;
    const withDoor = (changes: Partial<KnockdDoor>): KnockdConfig => ({
      ...base,
      doors: [{ ...door, ...changes }],
    });
    expect(checkKnockdConfigWritable(base)).toBeUndefined();
    const refused: [Partial<KnockdDoor>, string][] = [
      [{ name: 'options' }, 'cannot be written as a door name'],
      [{ name: '' }, 'cannot be written as a door name'],
      [{ name: 'n'.repeat(128) }, 'longer than 127 bytes'],
      [{ startCommand: 'a\nb' }, 'startCommand contains a line break'],
      [{ stopCommand: 'close\0; reboot' }, 'stopCommand contains a NUL byte'],
      [{ name: 'a\0b' }, 'contains a NUL byte'],
      [{ target: ' 10.0.0.1' }, 'target starts or ends with whitespace'],
      [{ sequence: [] }, 'has an empty knock sequence'],
      [{ sequence: tcp(0) }, 'has an invalid knock'],
      [{ sequence: tcp(...Array.from({ length: 33 }, (_, i) => i + 1)) }, 'more than 32 knocks'],
      [{ seqTimeout: 2.5 }, 'seqTimeout 2.5 is not a whole number of seconds'],
      [{ cmdTimeout: -1 }, 'cmdTimeout -1 is not a whole number of seconds'],
      [{ startCommand: 'x'.repeat(5000) }, 'longer than 4095 bytes'],
    ];
    for (const [changes, problem] of refused) {
      expect(checkKnockdConfigWritable(withDoor(changes))).toContain(problem);
      expect(() => writeKnockdConfig(withDoor(changes))).toThrow(RangeError);
    }
    expect(
      checkKnockdConfigWritable({ ...base, options: { useSyslog: false, logFile: 'a\n' } }),
    ).toBe('LogFile contains a line break');
    // A door on a one-time sequences file may have no sequence of its own.
    expect(
      checkKnockdConfigWritable(withDoor({ sequence: [], oneTimeSequences: '/x' })),
    ).toBeUndefined();
  });
});
