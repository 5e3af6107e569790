// The typed form of a knockd.conf, shared by the parser, the writer and the server.
import type { Knock } from '../sequence/sequence';
import type { TcpFlagTest } from '../sequence/tcp-flags';
import type { RotatingParams } from '../rotating/params';

/**
 * knockd's `[options]`. Undefined = not set in the file: the server applies knockd's defaults and
 * command-line precedence (the file's LogFile/PidFile win over -g/-p, -i wins over Interface).
 */
export interface KnockdOptions {
  useSyslog: boolean;
  logFile?: string;
  pidFile?: string;
  interface?: string;
}

/** One door (a section other than `[options]`), with knockd's defaults filled in. */
export interface KnockdDoor {
  name: string;
  /** Line of the `[section]` header, 1-based, as knockd counts lines. */
  line: number;
  /** May be empty only when `oneTimeSequences` or `rotating` is set (the server reads the file). */
  sequence: Knock[];
  /** Sesame's rotating door (`Rotating_Secret_File` and its parameters); knockd refuses these keys. */
  rotating?: RotatingDoor;
  /** Path as written. */
  oneTimeSequences?: string;
  /** Seconds from the first knock to the last; default 25. */
  seqTimeout: number;
  startCommand?: string;
  startCommand6?: string;
  /** Seconds between the start command's end and the stop command; default 10. */
  cmdTimeout: number;
  stopCommand?: string;
  stopCommand6?: string;
  target?: string;
  /** `{ set: [], clear: [] }` = no test. */
  tcpFlags: TcpFlagTest;
  /**
   * The keys the section set, lower case as spelled (`command` stays `command`, not
   * `start_command`), once each, in the order of their last occurrence, so the writer reproduces
   * what was written: whether `seq_timeout` was explicit, and whether a `sequence` line came after
   * `one_time_sequences` (knockd then starts with that sequence, not the file's).
   */
  keys: string[];
}

/** A rotating door's keys (docs/rotating-sequences.md), defaults filled in. */
export interface RotatingDoor {
  /** Path as written: the base32 secret, owned by the server's user, mode 0600 or stricter. */
  secretFile: string;
  /** `Rotating_Label` as written; undefined: the section name is the label. */
  label?: string;
  params: RotatingParams;
}

/** A whole knockd.conf: global options and the doors in file order (duplicate names allowed). */
export interface KnockdConfig {
  options: KnockdOptions;
  doors: KnockdDoor[];
}

/** Parse result; `error` is knockd's first error line, `line` the line it names (or the section's). */
export type ConfigResult =
  { ok: true; value: KnockdConfig } | { ok: false; error: string; line: number };

/** A door field that a key sets, so aliases and the writer share one table. */
export type DoorField =
  | 'sequence'
  | 'oneTimeSequences'
  | 'seqTimeout'
  | 'startCommand'
  | 'startCommand6'
  | 'cmdTimeout'
  | 'stopCommand'
  | 'stopCommand6'
  | 'target'
  | 'tcpFlags';

/** Every door key knockd knows (lower case) and the field it sets; aliases share a field. */
export const DOOR_KEYS: ReadonlyMap<string, DoorField> = new Map<string, DoorField>([
  ['sequence', 'sequence'],
  ['one_time_sequences', 'oneTimeSequences'],
  ['seq_timeout', 'seqTimeout'],
  ['timeout', 'seqTimeout'],
  ['start_command', 'startCommand'],
  ['command', 'startCommand'],
  ['start_command_6', 'startCommand6'],
  ['command_6', 'startCommand6'],
  ['cmd_timeout', 'cmdTimeout'],
  ['stop_command', 'stopCommand'],
  ['stop_command_6', 'stopCommand6'],
  ['target', 'target'],
  ['tcpflags', 'tcpFlags'],
]);

/** The spelling the writer uses for a field no key in `keys` names (knockd's documented names). */
export const CANONICAL_DOOR_KEYS: Readonly<Record<DoorField, string>> = {
  sequence: 'sequence',
  oneTimeSequences: 'one_time_sequences',
  seqTimeout: 'seq_timeout',
  startCommand: 'start_command',
  startCommand6: 'start_command_6',
  cmdTimeout: 'cmd_timeout',
  stopCommand: 'stop_command',
  stopCommand6: 'stop_command_6',
  target: 'target',
  tcpFlags: 'tcpflags',
};

/** knockd's default `Seq_Timeout`, in seconds. */
export const DEFAULT_SEQ_TIMEOUT = 25;
/** knockd's default `Cmd_Timeout`, in seconds. */
export const DEFAULT_CMD_TIMEOUT = 10;

/** knockd keeps at most 127 bytes of a section name. */
export const KNOCKD_MAX_NAME_BYTES = 127;
