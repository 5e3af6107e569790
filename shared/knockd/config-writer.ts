// Writes a KnockdConfig back as a knockd.conf that knockd (and parseKnockdConfig) read the same way.
import { formatSequence, type Knock } from '../sequence/sequence';
import { formatTcpFlags, TCP_FLAG_BITS, type TcpFlagTest } from '../sequence/tcp-flags';
import { KNOCKD_READ_BYTES, trimC, utf8Length } from './config-lines';
import {
  CANONICAL_DOOR_KEYS,
  DEFAULT_CMD_TIMEOUT,
  DEFAULT_SEQ_TIMEOUT,
  DOOR_KEYS,
  KNOCKD_MAX_NAME_BYTES,
  type DoorField,
  type KnockdConfig,
  type KnockdDoor,
  type KnockdOptions,
} from './config-types';
import { KNOCKD_MAX_PORTS, KNOCKD_MAX_SECONDS } from './config-values';
import { writeRotatingKeys } from './config-rotating';

const PROTOCOLS: readonly string[] = ['tcp', 'udp'];

const FIELD_ORDER: readonly DoorField[] = [
  'sequence',
  'oneTimeSequences',
  'seqTimeout',
  'tcpFlags',
  'startCommand',
  'startCommand6',
  'cmdTimeout',
  'stopCommand',
  'stopCommand6',
  'target',
];

/** The value a field is written with, or undefined when it has nothing to write. */
function render(door: KnockdDoor, field: DoorField): string | undefined {
  switch (field) {
    case 'sequence':
      return door.sequence.length > 0 ? formatSequence(door.sequence) : undefined;
    case 'seqTimeout':
    case 'cmdTimeout':
      return String(door[field]);
    case 'tcpFlags':
      return door.tcpFlags.set.length + door.tcpFlags.clear.length > 0
        ? formatTcpFlags(door.tcpFlags)
        : undefined;
    case 'oneTimeSequences':
    case 'startCommand':
    case 'startCommand6':
    case 'stopCommand':
    case 'stopCommand6':
    case 'target':
      return door[field];
  }
}

/** Whether a field not named in `keys` still has to be written (it differs from knockd's default). */
function differsFromDefault(door: KnockdDoor, field: DoorField): boolean {
  if (field === 'seqTimeout') return door.seqTimeout !== DEFAULT_SEQ_TIMEOUT;
  if (field === 'cmdTimeout') return door.cmdTimeout !== DEFAULT_CMD_TIMEOUT;
  return render(door, field) !== undefined;
}

/** `  key = value`, or `key=value` when only that fits in one knockd read of 4095 bytes. */
function directive(key: string, value: string): string {
  const pretty = `  ${key} = ${value}`;
  return utf8Length(pretty) <= KNOCKD_READ_BYTES ? pretty : `${key}=${value}`;
}

function writeDoor(door: KnockdDoor): string[] {
  const lines = [`[${door.name}]`];
  const written = new Set<DoorField>();
  const write = (key: string, field: DoorField): void => {
    written.add(field);
    const value = render(door, field);
    if (value !== undefined) lines.push(directive(key, value));
  };
  for (const key of door.keys) {
    const field = DOOR_KEYS.get(key);
    if (field !== undefined && !written.has(field)) write(key, field);
  }
  for (const field of FIELD_ORDER) {
    if (!written.has(field) && differsFromDefault(door, field))
      write(CANONICAL_DOOR_KEYS[field], field);
  }
  if (door.rotating) {
    for (const [key, value] of writeRotatingKeys(door.rotating)) lines.push(directive(key, value));
  }
  return lines;
}

function writeOptions(options: KnockdOptions): string[] {
  const lines: string[] = [];
  if (options.useSyslog) lines.push('  UseSyslog');
  if (options.logFile !== undefined) lines.push(directive('LogFile', options.logFile));
  if (options.pidFile !== undefined) lines.push(directive('PidFile', options.pidFile));
  if (options.interface !== undefined) lines.push(directive('Interface', options.interface));
  return lines.length > 0 ? ['[options]', ...lines] : [];
}

function valueProblem(what: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.includes('\n')) return `${what} contains a line break`;
  if (value.includes('\0')) return `${what} contains a NUL byte`;
  if (trimC(value) !== value) return `${what} starts or ends with whitespace (knockd trims it)`;
  return undefined;
}

function secondsProblem(what: string, seconds: number): string | undefined {
  if (Number.isInteger(seconds) && seconds >= 0 && seconds <= KNOCKD_MAX_SECONDS) return undefined;
  return `${what} ${seconds} is not a whole number of seconds from 0 to ${KNOCKD_MAX_SECONDS}`;
}

function sequenceProblem(
  what: string,
  sequence: readonly Knock[],
  oneTime: boolean,
): string | undefined {
  if (sequence.length === 0 && !oneTime) return `${what} has an empty knock sequence`;
  if (sequence.length > KNOCKD_MAX_PORTS) return `${what} has more than ${KNOCKD_MAX_PORTS} knocks`;
  const bad = sequence.find(
    (k) =>
      !Number.isInteger(k.port) || k.port < 1 || k.port > 65535 || !PROTOCOLS.includes(k.protocol),
  );
  return bad ? `${what} has an invalid knock ${JSON.stringify(bad)}` : undefined;
}

function flagsProblem(what: string, test: TcpFlagTest): string | undefined {
  const bad = [...test.set, ...test.clear].find((flag) => !Object.hasOwn(TCP_FLAG_BITS, flag));
  return bad === undefined ? undefined : `${what} has an unknown TCP flag "${bad}"`;
}

function doorProblem(door: KnockdDoor): string | undefined {
  const what = `door "${door.name}"`;
  if (door.name === '' || door.name === 'options')
    return `${what} cannot be written as a door name`;
  if (door.name.includes('\n')) return `${what} contains a line break`;
  if (door.name.includes('\0')) return `${what} contains a NUL byte`;
  if (utf8Length(door.name) > KNOCKD_MAX_NAME_BYTES)
    return `${what} is longer than ${KNOCKD_MAX_NAME_BYTES} bytes`;
  const strings = [
    'oneTimeSequences',
    'startCommand',
    'startCommand6',
    'stopCommand',
    'stopCommand6',
    'target',
  ] as const;
  for (const field of strings) {
    const problem = valueProblem(`${what}: ${field}`, door[field]);
    if (problem) return problem;
  }
  const rotating = door.rotating;
  const rotatingProblem =
    rotating &&
    (valueProblem(`${what}: rotating secret file`, rotating.secretFile) ??
      valueProblem(`${what}: rotating label`, rotating.label) ??
      (rotating.secretFile === '' ? `${what}: the rotating secret file is empty` : undefined) ??
      (door.sequence.length > 0 || door.oneTimeSequences !== undefined
        ? `${what} has a rotating secret file and a sequence`
        : undefined));
  if (rotatingProblem) return rotatingProblem;
  return (
    sequenceProblem(
      what,
      door.sequence,
      door.oneTimeSequences !== undefined || rotating !== undefined,
    ) ??
    secondsProblem(`${what}: seqTimeout`, door.seqTimeout) ??
    secondsProblem(`${what}: cmdTimeout`, door.cmdTimeout) ??
    flagsProblem(what, door.tcpFlags)
  );
}

function structureProblem(config: KnockdConfig): string | undefined {
  const { logFile, pidFile, interface: iface } = config.options;
  const optionProblem =
    valueProblem('LogFile', logFile) ??
    valueProblem('PidFile', pidFile) ??
    valueProblem('Interface', iface);
  if (optionProblem) return optionProblem;
  for (const door of config.doors) {
    const problem = doorProblem(door);
    if (problem) return problem;
  }
  return undefined;
}

function sections(config: KnockdConfig): string[][] {
  return [writeOptions(config.options), ...config.doors.map(writeDoor)].filter(
    (lines) => lines.length > 0,
  );
}

/**
 * Why a config cannot be written so that it reads back the same (a value with a line break, a NUL
 * byte or edge whitespace, a door named `options`, a port out of range, a line over 4095 bytes), or
 * undefined when it can. Every config that parseKnockdConfig returns can be written.
 */
export function checkKnockdConfigWritable(config: KnockdConfig): string | undefined {
  const problem = structureProblem(config);
  if (problem !== undefined) return problem;
  const long = sections(config)
    .flat()
    .find((line) => utf8Length(line) > KNOCKD_READ_BYTES);
  return long === undefined
    ? undefined
    : `the line "${long.slice(0, 40)}..." is longer than ${KNOCKD_READ_BYTES} bytes`;
}

/**
 * Writes a knockd.conf that parses back to an equal config (all but `line`): keys in `keys` are
 * written as spelled and in that order, then any other field that differs from knockd's default.
 * Throws a RangeError for a config that checkKnockdConfigWritable refuses (a programming error:
 * validate edited values first).
 */
export function writeKnockdConfig(config: KnockdConfig): string {
  const problem = checkKnockdConfigWritable(config);
  if (problem !== undefined) throw new RangeError(`cannot write knockd.conf: ${problem}`);
  return sections(config)
    .map((lines) => `${lines.join('\n')}\n`)
    .join('\n');
}
