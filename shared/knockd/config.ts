// knockd.conf, read exactly as knockd 0.8 reads it (knockd-semantics.md section 1, checked against
// Debian's knockd 0.8-2). Any file knockd refuses gets knockd's own first error line, except for
// Sesame's own Rotating_* keys (config-rotating.ts), which knockd refuses as syntax errors. Deliberate
// differences, for files knockd takes but misreads (each has a test):
// - ports: `abc`, `0`, `-1`, an empty element and numbers that wrap (`4294967297` is port 1 to
//   knockd) are refused, as is `1:tcp:udp` (knockd ignores everything after the second colon);
// - `seq_timeout`/`cmd_timeout` must be whole seconds (knockd's atoi makes `5s` 5 and `abc` 0);
// - a line over 4095 bytes (knockd reads the rest as another line), a line holding a NUL byte (knockd
//   reads only the text before it; a NUL in a command would also stop /bin/sh from being started) and
//   a section name over 127 bytes (knockd cuts it) are refused.
import { asciiLower, cutUtf8, readConfigLines, trimC, utf8Length } from './config-lines';
import {
  DEFAULT_CMD_TIMEOUT,
  DEFAULT_SEQ_TIMEOUT,
  DOOR_KEYS,
  KNOCKD_MAX_NAME_BYTES,
  type ConfigResult,
  type DoorField,
  type KnockdDoor,
  type KnockdOptions,
} from './config-types';
import { addTcpFlags, checkSeconds, checkSequence } from './config-values';
import {
  applyRotatingKey,
  finishRotating,
  ROTATING_KEYS,
  type RotatingDraft,
} from './config-rotating';
import { DEFAULT_ROTATING_PARAMS } from '../rotating/params';

export type {
  ConfigResult,
  KnockdConfig,
  KnockdDoor,
  KnockdOptions,
  RotatingDoor,
} from './config-types';
export { rotatingLabelOf } from './config-rotating';
export { parseKnockdSequence } from './config-values';
export { checkKnockdConfigWritable, writeKnockdConfig } from './config-writer';
export type { OneTimeSequence } from './config-one-time';
export {
  findOneTimeLine,
  markOneTimeSequenceUsed,
  nextOneTimeSequence,
  oneTimeMarkOffset,
  parseOneTimeSequences,
  startsOnOneTimeSequence,
} from './config-one-time';

type Failure = { ok: false; error: string; line: number };

function fail(error: string, line: number): Failure {
  return { ok: false, error, line };
}

interface Draft {
  door: KnockdDoor;
  hasSequence: boolean;
  rotating?: RotatingDraft;
}

function newDoor(name: string, line: number): Draft {
  const door: KnockdDoor = {
    name,
    line,
    sequence: [],
    seqTimeout: DEFAULT_SEQ_TIMEOUT,
    cmdTimeout: DEFAULT_CMD_TIMEOUT,
    tcpFlags: { set: [], clear: [] },
    keys: [],
  };
  return { door, hasSequence: false };
}

/** Files a value's failure as knockd's error or as Sesame's complaint, at `line`. */
function complaint(
  failure: { error: string; knockd: boolean },
  line: number,
): { knockd?: Failure; strict?: Failure } {
  return failure.knockd
    ? { knockd: fail(failure.error, line) }
    : { strict: fail(failure.error, line) };
}

/** Records `key` as the last one written for its field (an alias replaces its synonym). */
function recordKey(door: KnockdDoor, key: string, field: DoorField): void {
  door.keys = door.keys.filter((known) => DOOR_KEYS.get(known) !== field);
  door.keys.push(key);
}

/**
 * Applies one door directive. Returns knockd's error (it stops there), or Sesame's complaint
 * (`strict`, reported only if knockd finds nothing), or nothing.
 */
function applyDoorKey(
  draft: Draft,
  key: string,
  value: string,
  line: number,
): { knockd?: Failure; strict?: Failure } {
  if (ROTATING_KEYS.has(key)) {
    const rotating = applyRotatingKey(draft.rotating, key, value, line);
    if (!rotating.ok) {
      draft.rotating ??= { params: { ...DEFAULT_ROTATING_PARAMS }, line };
      return { strict: fail(rotating.error, line) };
    }
    draft.rotating = rotating.value;
    return {};
  }
  const field = DOOR_KEYS.get(key);
  if (field === undefined) return { knockd: fail(`config: line ${line}: syntax error`, line) };
  const door = draft.door;
  recordKey(door, key, field);
  switch (field) {
    case 'sequence': {
      draft.hasSequence = true;
      const checked = checkSequence(value, door.name);
      if (!checked.ok) return complaint(checked, door.line);
      door.sequence = checked.value;
      return {};
    }
    case 'seqTimeout':
    case 'cmdTimeout': {
      const checked = checkSeconds(value, key, line);
      if (!checked.ok) return complaint(checked, line);
      door[field] = checked.value;
      return {};
    }
    case 'tcpFlags': {
      const flags = addTcpFlags(door.tcpFlags, value, line);
      if (!flags.ok) return { knockd: fail(flags.error, line) };
      door.tcpFlags = flags.value;
      return {};
    }
    case 'oneTimeSequences':
    case 'startCommand':
    case 'startCommand6':
    case 'stopCommand':
    case 'stopCommand6':
    case 'target':
      door[field] = value;
      return {};
  }
}

function applyOption(options: KnockdOptions, key: string, value: string): boolean {
  if (key === 'logfile') options.logFile = value;
  else if (key === 'pidfile') options.pidFile = value;
  else if (key === 'interface') options.interface = value;
  else return false;
  return true;
}

/** Reads a `[name]` header: `options` (lower case only) is global, anything else is a door. */
function readSection(
  name: string,
  line: number,
): { knockd: Failure } | { section: 'options' | Draft; strict?: Failure } {
  if (name === '') return { knockd: fail(`config: line ${line}: bad section name`, line) };
  if (name === 'options') return { section: 'options' };
  if (utf8Length(name) <= KNOCKD_MAX_NAME_BYTES) return { section: newDoor(name, line) };
  const cut = cutUtf8(name, KNOCKD_MAX_NAME_BYTES);
  const strict = fail(
    `config: line ${line}: section name "${name}" is longer than ${KNOCKD_MAX_NAME_BYTES} bytes (knockd would cut it to "${cut}")`,
    line,
  );
  return { section: newDoor(cut, line), strict };
}

/**
 * A parse error as the CLI prints it: knockd's own line, then where: ` (in FILE)` when knockd's text
 * names the line already (`config: line 3: syntax error`), else ` (in FILE, line N)` (knockd's
 * `config: section D: ...` names only the door). Without a file: ` (line N)` or nothing.
 */
export function describeConfigError(
  failure: { error: string; line: number },
  file?: string,
): string {
  const named = new RegExp(`\\bline ${failure.line}\\b`).test(failure.error);
  const where = [
    ...(file === undefined ? [] : [`in ${file}`]),
    ...(named ? [] : [`line ${failure.line}`]),
  ];
  return where.length === 0 ? failure.error : `${failure.error} (${where.join(', ')})`;
}

/**
 * Parses a knockd.conf. A config knockd refuses gets knockd's own first error line (`config: line 3:
 * syntax error`, `config: section D: port P is invalid`, `error: section 'D' has an empty knock
 * sequence`); one that knockd would misread (port `abc`, `seq_timeout = 5s`) gets Sesame's error.
 */
export function parseKnockdConfig(text: string): ConfigResult {
  const { lines, cutLine, nulLine } = readConfigLines(text);
  const options: KnockdOptions = { useSyslog: false };
  const drafts: Draft[] = [];
  let section: 'options' | Draft | undefined;
  let strict: Failure | undefined;
  for (const { number, text: line } of lines) {
    if (number === cutLine) {
      strict ??= fail(
        `config: line ${number}: line is longer than 4095 bytes (knockd would cut it)`,
        number,
      );
    }
    if (number === nulLine) {
      strict ??= fail(
        `config: line ${number}: line holds a NUL byte (knockd would read only the text before it)`,
        number,
      );
    }
    if (line === '' || line.startsWith('#')) continue;
    if (line.length >= 2 && line.startsWith('[') && line.endsWith(']')) {
      const read = readSection(line.slice(1, -1), number);
      if ('knockd' in read) return read.knockd;
      section = read.section;
      if (section !== 'options') drafts.push(section);
      strict ??= read.strict;
      continue;
    }
    if (section === undefined) {
      return fail(`config: line ${number}: all directives must belong to a section`, number);
    }
    const equals = line.indexOf('=');
    if (equals === -1) {
      if (asciiLower(line) !== 'usesyslog')
        return fail(`config: line ${number}: syntax error`, number);
      options.useSyslog = true;
      continue;
    }
    const key = asciiLower(trimC(line.slice(0, equals)));
    const value = trimC(line.slice(equals + 1));
    if (section === 'options') {
      if (!applyOption(options, key, value)) {
        return fail(`config: line ${number}: syntax error`, number);
      }
      continue;
    }
    const applied = applyDoorKey(section, key, value, number);
    if (applied.knockd) return applied.knockd;
    strict ??= applied.strict;
  }
  for (const { door, hasSequence, rotating } of drafts) {
    if (rotating) {
      const finished = finishRotating(door, rotating, hasSequence);
      if (!finished.ok) strict ??= fail(finished.error, door.line);
      else door.rotating = finished.value;
    } else if (!hasSequence && door.oneTimeSequences === undefined) {
      return fail(`error: section '${door.name}' has an empty knock sequence`, door.line);
    }
  }
  if (strict) return strict;
  return { ok: true, value: { options, doors: drafts.map((draft) => draft.door) } };
}
