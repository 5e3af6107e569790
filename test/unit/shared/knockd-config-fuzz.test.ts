import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkKnockdConfigWritable,
  describeConfigError,
  markOneTimeSequenceUsed,
  nextOneTimeSequence,
  parseKnockdConfig,
  writeKnockdConfig,
  type KnockdConfig,
} from '../../../shared/knockd/config';
import { readConfigLines } from '../../../shared/knockd/config-lines';

// Fuzzing the knockd.conf parser: random configs built from knockd's grammar and mutations of real
// ones (test/fixtures/knockd, the same files as the project's shared examples) never make it throw,
// every error names the file and a line of the file, and every config it accepts writes back the
// same. Seeded, so a failure is reproducible: SESAME_FUZZ_SEED=<seed> reruns a run, and each failure
// names its seed and case. Fixed case counts keep the time bounded (about a second).

const SEED = Number(process.env.SESAME_FUZZ_SEED ?? '20261202');
const RANDOM_CASES = 1500;
const MUTATED_CASES = 1500;

const FIXTURES = fileURLToPath(new URL('../../fixtures/knockd/', import.meta.url));
const CORPUS = [
  ...readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.conf'))
    .map((name) => readFileSync(`${FIXTURES}${name}`, 'utf8')),
  `[options]\n  UseSyslog\n  LogFile = /var/log/knockd.log\n  PidFile = /run/knockd.pid\n  Interface = eth0\n`,
  `[full]\n  one_time_sequences = /etc/knockd/full.seq\n  sequence = 7000,8000:udp,9000\n  timeout = 7\n  command = /bin/open %IP% # x\n  command_6 = /bin/open6 %IP%\n  cmd_timeout = 0\n  stop_command = /bin/close %IP%\n  Stop_Command_6 = /bin/close6 %IP%\n  target = 10.0.0.50\n  tcpflags = !ack,fin\n  TCPFlags = syn\n`,
  `[Options]\r\n  seq_timeout = 25\r\n  start_command_6 =\r\n  sequence = 1:udp\r\n  tcpflags = syn,!syn\r\n`,
];

/** mulberry32: small, seedable, good enough to pick fuzz inputs. */
function prng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n;
  };
}

type Random = (n: number) => number;
const int = (r: Random, n: number) => Math.floor(r(n));
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, items.length)] as T;

const KEYS = [
  'sequence',
  'one_time_sequences',
  'seq_timeout',
  'timeout',
  'start_command',
  'command',
  'start_command_6',
  'command_6',
  'cmd_timeout',
  'stop_command',
  'stop_command_6',
  'target',
  'tcpflags',
  'logfile',
  'pidfile',
  'interface',
  'usesyslog',
  'bogus',
  '',
];
const ODD = [
  '\0',
  '\r',
  '\t',
  '\v',
  '\f',
  ' ',
  '\u00a0',
  '\ufeff',
  'é',
  '😀',
  '[',
  ']',
  '=',
  ',',
  ':',
  '#',
  '!',
  '%IP%',
  '-',
  '+',
];

function caseOf(r: Random, word: string): string {
  return word.replace(/[a-z]/g, (c) => (int(r, 2) ? c.toUpperCase() : c));
}

function randomPort(r: Random): string {
  const port = pick(r, [
    String(1 + int(r, 65535)),
    '0',
    '65536',
    '-1',
    'abc',
    '',
    '4294967297',
    ` ${1 + int(r, 9999)} `,
    '007',
    '+5',
  ]);
  const protocol = pick(r, ['', '', ':tcp', ':udp', ':UDP', ':icmp', ':', ':tcp:udp', ': udp ']);
  return port + protocol;
}

function randomValue(r: Random, key: string): string {
  switch (key) {
    case 'sequence':
      return Array.from({ length: int(r, 36) }, () => randomPort(r)).join(',');
    case 'tcpflags':
      return Array.from({ length: 1 + int(r, 4) }, () =>
        pick(r, ['syn', '!ack', 'fin', 'RST', 'psh', 'urg', ' ack', 'bogus', '', '!']),
      ).join(',');
    case 'seq_timeout':
    case 'timeout':
    case 'cmd_timeout':
      return pick(r, ['5', '0', '5s', 'abc', '-1', '2147483648', '2.5', '', ' 30 ']);
    default:
      return pick(r, ['/bin/echo %IP%', '', '/etc/knockd/once.seq', 'eth0', '10.0.0.1']);
  }
}

function noise(r: Random): string {
  return Array.from({ length: 1 + int(r, 6) }, () => pick(r, ODD)).join('');
}

function randomLine(r: Random): string {
  switch (int(r, 10)) {
    case 0:
      return pick(r, ['', '   ', '# comment', '#', '\t# x = y']);
    case 1:
      return `[${pick(r, ['options', 'Options', 'door', '', 'a b', ' x ', 'n'.repeat(int(r, 200)), noise(r)])}]`;
    case 2:
      return pick(r, ['UseSyslog', 'usesyslog', 'UseSyslog = 1', noise(r)]);
    case 3:
      return `${noise(r)}${randomLine(r)}${noise(r)}`;
    case 4:
      return `command = ${'x'.repeat(4080 + int(r, 20))}${pick(r, ['', ' ', '# rest', 'é'])}`;
    default: {
      const key = pick(r, KEYS);
      return `${pick(r, ['', '  ', '\t'])}${caseOf(r, key)}${pick(r, [' = ', '=', ' =', ''])}${randomValue(r, key)}`;
    }
  }
}

/** A line knockd takes, mostly: a door header, or a door key with a value that is usually good. */
function plausibleLine(r: Random): string {
  if (int(r, 8) === 0) {
    const name = pick(r, ['door', 'openSSH', 'closeSSH', 'x y', 'Options']);
    return `[${name}]\n  sequence = ${1 + int(r, 65535)}`;
  }
  const key = pick(r, KEYS.slice(0, 13));
  const good = int(r, 5) !== 0;
  let value = randomValue(r, key);
  if (good && key === 'sequence') {
    value = Array.from({ length: 1 + int(r, 5) }, () => String(1 + int(r, 65535))).join(',');
  } else if (good && key.includes('timeout')) {
    value = String(int(r, 100));
  } else if (good && key === 'tcpflags') {
    value = pick(r, ['syn', 'syn,!ack', 'fin,!ack', 'ack']);
  }
  return `  ${caseOf(r, key)} = ${value}`;
}

function randomConfig(r: Random): string {
  // Half are plausible (a door and its keys, with at most one odd line), so the parser gets deep
  // into the file; half are anything.
  if (int(r, 2) === 0) {
    const lines = ['[door]', '  sequence = 7000,8000,9000'];
    for (let i = int(r, 20); i > 0; i -= 1) lines.push(plausibleLine(r));
    if (int(r, 2)) lines.splice(int(r, lines.length + 1), 0, randomLine(r));
    return lines.join(pick(r, ['\n', '\n', '\r\n'])) + pick(r, ['\n', '']);
  }
  const lines = Array.from({ length: int(r, 30) }, () => randomLine(r));
  if (int(r, 2)) lines.unshift('[door]');
  return lines.join(pick(r, ['\n', '\n', '\r\n'])) + pick(r, ['\n', '']);
}

function mutate(r: Random, text: string): string {
  let out = text;
  for (let step = 0, steps = 1 + int(r, 8); step < steps; step += 1) {
    const at = int(r, out.length + 1);
    const lines = out.split('\n');
    switch (int(r, 8)) {
      case 0:
        out = out.slice(0, at) + pick(r, ODD) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + int(r, 5));
        break;
      case 2:
        out = out.slice(0, at) + randomLine(r) + '\n' + out.slice(at);
        break;
      case 3: {
        const i = int(r, lines.length);
        lines.splice(i, 0, lines[i] ?? '');
        out = lines.join('\n');
        break;
      }
      case 4:
        lines.splice(int(r, lines.length), 1);
        out = lines.join('\n');
        break;
      case 5:
        out = out.slice(0, at);
        break;
      case 6: {
        const other = pick(r, CORPUS).split('\n');
        const from = int(r, other.length);
        lines.splice(int(r, lines.length), 0, ...other.slice(from, from + 1 + int(r, 4)));
        out = lines.join('\n');
        break;
      }
      default:
        out = out.slice(0, at) + String.fromCharCode(int(r, 0x80)) + out.slice(at + 1);
    }
  }
  return out;
}

/** Drops what the writer does not keep (the line of each door), to compare a round trip. */
function withoutLines(config: KnockdConfig) {
  return { ...config, doors: config.doors.map(({ line: _line, ...door }) => door) };
}

/** The properties every input must have; returns a description of the first one broken. */
function check(text: string): string | undefined {
  let result;
  try {
    result = parseKnockdConfig(text);
  } catch (error) {
    return `parseKnockdConfig threw ${String(error)}`;
  }
  if (!result.ok) {
    const lineCount = readConfigLines(text).lines.length;
    if (!Number.isInteger(result.line) || result.line < 1 || result.line > lineCount) {
      return `error "${result.error}" names line ${result.line} of ${lineCount}`;
    }
    const shown = describeConfigError(result, '/etc/knockd.conf');
    if (!shown.includes('/etc/knockd.conf') || !new RegExp(`\\bline ${result.line}\\b`).test(shown))
      return `error "${shown}" does not name the file and line ${result.line}`;
    return undefined;
  }
  const problem = checkKnockdConfigWritable(result.value);
  if (problem !== undefined) return `accepted, but cannot be written: ${problem}`;
  const again = parseKnockdConfig(writeKnockdConfig(result.value));
  if (!again.ok) return `written config does not parse: ${again.error}`;
  try {
    expect(withoutLines(again.value)).toEqual(withoutLines(result.value));
  } catch {
    return 'written config reads back different';
  }
  return undefined;
}

function run(kind: string, cases: number, make: (r: Random) => string): void {
  const failures: string[] = [];
  for (let i = 0; i < cases && failures.length < 5; i += 1) {
    const r = prng(SEED ^ Math.imul(i + 1, 0x9e3779b1) ^ (kind === 'random' ? 0 : 0x5bd1e995));
    const text = make(r);
    const broken = check(text);
    if (broken) {
      failures.push(
        `seed ${SEED}, ${kind} case ${i}: ${broken}\n  input: ${JSON.stringify(text).slice(0, 400)}`,
      );
    }
  }
  expect(failures).toEqual([]);
}

describe('knockd.conf parser under fuzzing', () => {
  it('takes random configs from knockd grammar without throwing; errors name file and line', () => {
    run('random', RANDOM_CASES, randomConfig);
  });

  it('takes mutations of real configs without throwing; errors name file and line', () => {
    run('mutated', MUTATED_CASES, (r) => mutate(r, pick(r, CORPUS)));
  });

  it('reads and marks mutated one-time sequence files without throwing', () => {
    const r = prng(SEED);
    const base = '# used\n#001,3002\n3001,3002:udp\r\n\nabc\n4001\n';
    for (let i = 0; i < 500; i += 1) {
      const text = mutate(r, base);
      let next = nextOneTimeSequence(text, 'd', -1);
      for (let rounds = 0; next && rounds < 50; rounds += 1) {
        const marked = markOneTimeSequenceUsed(text, next.index);
        expect(marked.length).toBe(text.length);
        next = nextOneTimeSequence(text, 'd', next.index);
      }
    }
  });
});
