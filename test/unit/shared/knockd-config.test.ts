import { describe, expect, it } from 'vitest';
import {
  parseKnockdConfig,
  type KnockdConfig,
  type KnockdDoor,
} from '../../../shared/knockd/config';

// Every expected error text here was checked against Debian's knockd 0.8-2 (`knockd -c FILE -D`).

function parsed(text: string): KnockdConfig {
  const result = parseKnockdConfig(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

function door(text: string, index = 0): KnockdDoor {
  const found = parsed(text).doors[index];
  if (!found) throw new Error(`no door ${index}`);
  return found;
}

function failure(text: string): { error: string; line: number } {
  const result = parseKnockdConfig(text);
  if (result.ok) throw new Error('expected an error');
  return { error: result.error, line: result.line };
}

describe('parseKnockdConfig: knockd errors (semantics section 1 and section 7 row 21)', () => {
  it('treats [Options] as a door, not as the global section', () => {
    const config = parsed('[Options]\nsequence = 1\n');
    expect(config.doors.map((d) => d.name)).toEqual(['Options']);
    expect(failure('[Options]\nUseSyslog\n')).toEqual({
      error: "error: section 'Options' has an empty knock sequence",
      line: 1,
    });
  });

  it('does not trim TCPFlags tokens: `syn, ack` fails on " ACK"', () => {
    expect(failure('[a]\nsequence = 1\ntcpflags = syn, ack\n')).toEqual({
      error: 'config: line 3: unrecognized flag " ACK"',
      line: 3,
    });
  });

  it('refuses ports above 65535 with the section (and its header line)', () => {
    expect(failure('# x\n[openSSH]\nsequence = 7000,65536\n')).toEqual({
      error: 'config: section openSSH: port 65536 is invalid',
      line: 2,
    });
    // knockd prints the port text as written, spaces included.
    expect(failure('[a]\nsequence = 1,  70000x :udp\n').error).toBe(
      'config: section a: port   70000x  is invalid',
    );
  });

  it('refuses unknown and empty protocols', () => {
    const unknown = { error: 'config: section a: unknown protocol in knock sequence', line: 1 };
    expect(failure('[a]\nsequence = 1:icmp\n')).toEqual(unknown);
    expect(failure('[a]\nsequence = 1:\n')).toEqual(unknown);
    expect(failure('[a]\nsequence = 1::udp\n')).toEqual(unknown);
    expect(failure('[a]\nsequence = 1:tcpx\n')).toEqual(unknown);
  });

  it('refuses more than 32 ports, counting empty elements as knockd does', () => {
    const ports = (n: number) => Array.from({ length: n }, (_, i) => 1000 + i).join(',');
    expect(door(`[a]\nsequence = ${ports(32)}\n`).sequence).toHaveLength(32);
    const tooMany = { error: 'config: section a: too many ports in knock sequence', line: 1 };
    expect(failure(`[a]\nsequence = ${ports(33)}\n`)).toEqual(tooMany);
    expect(failure(`[a]\nsequence = ${ports(32)},\n`)).toEqual(tooMany);
    // The count is checked before the 33rd element itself, after the 32 before it.
    expect(failure(`[a]\nsequence = ${ports(32)},1:icmp\n`)).toEqual(tooMany);
    expect(failure(`[a]\nsequence = 65536,${ports(40)}\n`).error).toContain('port 65536');
  });

  it('refuses a door without a sequence, after reading the whole file', () => {
    expect(failure('[a]\ncommand = x\n')).toEqual({
      error: "error: section 'a' has an empty knock sequence",
      line: 1,
    });
    expect(failure('[a]\n[options]\nUseSyslog\n[b]\nsequence = 1\n').error).toBe(
      "error: section 'a' has an empty knock sequence",
    );
    expect(failure('[a]\ncommand = x\n[b]\nbogus = 1\n').error).toBe(
      'config: line 4: syntax error',
    );
  });

  it('refuses [] as a bad section name', () => {
    expect(failure('[]\n')).toEqual({ error: 'config: line 1: bad section name', line: 1 });
  });

  it('refuses directives before any section', () => {
    const before = (line: number) => ({
      error: `config: line ${line}: all directives must belong to a section`,
      line,
    });
    expect(failure('sequence = 1\n[a]\nsequence = 1\n')).toEqual(before(1));
    expect(failure('# c\n\nUseSyslog\n')).toEqual(before(3));
    expect(failure('[a\nsequence = 1\n')).toEqual(before(1));
    expect(failure('[a]x\n')).toEqual(before(1));
    // A byte-order mark is not whitespace to knockd: the header is not a header.
    expect(failure('\uFEFF[a]\nsequence = 1\n')).toEqual(before(1));
  });

  it('refuses a line without `=` (except a bare UseSyslog) as a syntax error', () => {
    const syntax = (line: number) => ({ error: `config: line ${line}: syntax error`, line });
    expect(failure('[a]\nsequence 1\n')).toEqual(syntax(2));
    expect(failure('[options]\nUseSyslog yes\n')).toEqual(syntax(2));
    expect(failure('[options]\nusesyslog = yes\n')).toEqual(syntax(2));
    expect(failure('[a]\n; comment\nsequence = 1\n')).toEqual(syntax(2));
  });

  it('refuses unknown keys in doors and in [options]', () => {
    const syntax = (line: number) => ({ error: `config: line ${line}: syntax error`, line });
    expect(failure('[a]\nsequence = 1\nfoo = bar\n')).toEqual(syntax(3));
    expect(failure('[options]\nfoo = bar\n[a]\nsequence = 1\n')).toEqual(syntax(2));
    expect(failure('[options]\nsequence = 1\n')).toEqual(syntax(2));
    expect(failure('[a]\nsequence = 1\nlogfile = /tmp/x\n')).toEqual(syntax(3));
    expect(failure('[a]\nsequence = 1\nseq timeout = 5\n')).toEqual(syntax(3));
    expect(failure('[a]\nsequence = 1\nseq-timeout = 5\n')).toEqual(syntax(3));
    expect(failure('[a]\nsequence = 1\n= 5\n')).toEqual(syntax(3));
    expect(failure('[a]\nsequence = 1\nconstructor = 5\n')).toEqual(syntax(3));
    expect(failure('[options]\ntoString = 5\n')).toEqual(syntax(2));
    // A no-break space is not trimmed, so the key is not `sequence`.
    expect(failure('[a]\n\u00A0sequence = 1\n')).toEqual(syntax(2));
  });

  it("reports knockd's first error even when Sesame would complain earlier", () => {
    expect(failure('[a]\nsequence = 1\nseq_timeout = abc\nbogus\n').error).toBe(
      'config: line 4: syntax error',
    );
    expect(failure('[a]\nsequence = abc\n[b]\n').error).toBe(
      "error: section 'b' has an empty knock sequence",
    );
  });
});

describe('parseKnockdConfig: what knockd accepts', () => {
  it("fills knockd's defaults", () => {
    expect(parsed('[a]\nsequence = 7000\n')).toEqual({
      options: { useSyslog: false },
      doors: [
        {
          name: 'a',
          line: 1,
          sequence: [{ port: 7000, protocol: 'tcp' }],
          seqTimeout: 25,
          cmdTimeout: 10,
          tcpFlags: { set: [], clear: [] },
          keys: ['sequence'],
        },
      ],
    });
    expect(parsed('')).toEqual({ options: { useSyslog: false }, doors: [] });
    expect(parsed('[options]\n')).toEqual({ options: { useSyslog: false }, doors: [] });
  });

  it('reads every door key, case-insensitively, with the aliases', () => {
    const text = [
      '[a]',
      'SEQUENCE = 1,2:UDP',
      'Timeout = 7',
      'Cmd_TimeOut = 3',
      'COMMAND = start %IP%',
      'Command_6 = start6 %IP%',
      'stop_COMMAND = stop %IP%',
      'Stop_Command_6 = stop6 %IP%',
      'TARGET = 10.0.0.50',
      'One_Time_Sequences = /etc/knockd/a.seq',
      'TCPFLAGS = syn',
    ].join('\n');
    expect(door(text)).toEqual({
      name: 'a',
      line: 1,
      sequence: [
        { port: 1, protocol: 'tcp' },
        { port: 2, protocol: 'udp' },
      ],
      seqTimeout: 7,
      cmdTimeout: 3,
      startCommand: 'start %IP%',
      startCommand6: 'start6 %IP%',
      stopCommand: 'stop %IP%',
      stopCommand6: 'stop6 %IP%',
      target: '10.0.0.50',
      oneTimeSequences: '/etc/knockd/a.seq',
      tcpFlags: { set: ['syn'], clear: [] },
      keys: [
        'sequence',
        'timeout',
        'cmd_timeout',
        'command',
        'command_6',
        'stop_command',
        'stop_command_6',
        'target',
        'one_time_sequences',
        'tcpflags',
      ],
    });
  });

  it('lets the last occurrence win (an alias replaces its synonym) and keeps that order in keys', () => {
    const d = door(
      '[a]\nsequence = 1\ncommand = one\nseq_timeout = 5\nstart_command = two\nsequence = 2\ntimeout = 9\n',
    );
    expect(d.sequence).toEqual([{ port: 2, protocol: 'tcp' }]);
    expect(d.startCommand).toBe('two');
    expect(d.seqTimeout).toBe(9);
    expect(d.keys).toEqual(['start_command', 'sequence', 'timeout']);
  });

  it('adds TCPFlags lines up, with negation, in any case', () => {
    const d = door('[a]\nsequence = 1\ntcpflags = SYN\nTCPFlags = !ack,fin\n');
    expect(d.tcpFlags).toEqual({ set: ['fin', 'syn'], clear: ['ack'] });
    expect(d.keys).toEqual(['sequence', 'tcpflags']);
    expect(door('[a]\nsequence = 1\ntcpflags = fin,syn,rst,psh,ack,urg\n').tcpFlags.set).toEqual([
      'fin',
      'syn',
      'rst',
      'psh',
      'ack',
      'urg',
    ]);
    // knockd takes a test no TCP packet passes (the door still opens on UDP knocks).
    expect(door('[a]\nsequence = 1:udp\ntcpflags = syn,!syn\n').tcpFlags).toEqual({
      set: ['syn'],
      clear: ['syn'],
    });
  });

  it('refuses TCPFlags tokens knockd does not know, upper-cased as knockd prints them', () => {
    const flagError = (value: string) => failure(`[a]\nsequence = 1\ntcpflags = ${value}\n`).error;
    expect(flagError('')).toBe('config: line 3: unrecognized flag ""');
    expect(flagError('syn,')).toBe('config: line 3: unrecognized flag ""');
    expect(flagError('! syn')).toBe('config: line 3: unrecognized flag "! SYN"');
    expect(flagError('!!syn')).toBe('config: line 3: unrecognized flag "!!SYN"');
    expect(flagError('ece')).toBe('config: line 3: unrecognized flag "ECE"');
    expect(flagError('syn ,ack')).toBe('config: line 3: unrecognized flag "SYN "');
    expect(flagError('syn # comment')).toBe('config: line 3: unrecognized flag "SYN # COMMENT"');
  });

  it('reads CRLF files like LF files; a lone CR does not end a line', () => {
    const lf = '[options]\nUseSyslog\n\n[a]\nsequence = 1,2:udp\ncommand = foo\n';
    expect(parsed(lf.replaceAll('\n', '\r\n'))).toEqual(parsed(lf));
    expect(failure('[a]\rsequence = 1\r').error).toBe(
      'config: line 1: all directives must belong to a section',
    );
  });

  it('trims tabs and C whitespace around lines, keys and values', () => {
    const d = door('\t[a]\t\n\tsequence\t=\t7000,\t8000\t\n\v\fcommand\t=\tx y\t\n');
    expect(d.sequence.map((k) => k.port)).toEqual([7000, 8000]);
    expect(d.startCommand).toBe('x y');
  });

  it('has no inline comments: `#` after a value is part of it', () => {
    expect(door('[a]\nsequence = 1\ncommand = foo # bar\n').startCommand).toBe('foo # bar');
    expect(door('[a]\n   # indented comment\nsequence = 1\n').sequence).toHaveLength(1);
    expect(door('[#a]\nsequence = 1\n').name).toBe('#a');
  });

  it('splits at the first `=` and keeps empty values', () => {
    const d = door('[a]\nsequence = 1\ncommand = a=b = c\nstop_command =\n');
    expect(d.startCommand).toBe('a=b = c');
    expect(d.stopCommand).toBe('');
  });

  it('keeps two sections of one name as two doors, in file order', () => {
    const config = parsed('[a]\nsequence = 1\n\n[a]\nsequence = 2\n');
    expect(config.doors.map((d) => [d.name, d.line, d.sequence[0]?.port])).toEqual([
      ['a', 1, 1],
      ['a', 4, 2],
    ]);
  });

  it('takes section names as written between the brackets', () => {
    expect(
      parsed('[ a ]\nsequence = 1\n[a b]\nsequence = 1\n[[a]]\nsequence = 1\n').doors.map(
        (d) => d.name,
      ),
    ).toEqual([' a ', 'a b', '[a]']);
    expect(failure('[ options ]\nUseSyslog\n').error).toBe(
      "error: section ' options ' has an empty knock sequence",
    );
  });

  it('reads [options] (twice, too), with a bare UseSyslog allowed in any section', () => {
    const config = parsed(
      '[options]\nLOGFILE = /var/log/a\nPidFile = /run/k.pid\nINTERFACE = eth1\n[a]\nsequence = 1\nusesyslog\n[options]\nlogfile = /var/log/b\n',
    );
    expect(config.options).toEqual({
      useSyslog: true,
      logFile: '/var/log/b',
      pidFile: '/run/k.pid',
      interface: 'eth1',
    });
    expect(config.doors[0]?.keys).toEqual(['sequence']);
    expect(parsed('[options]\nlogfile =\n').options).toEqual({ useSyslog: false, logFile: '' });
  });
});
