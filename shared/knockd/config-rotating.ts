// Sesame's rotating doors in a knockd.conf: `Rotating_Secret_File` instead of `Sequence`, and the
// parameters of docs/rotating-sequences.md. knockd itself refuses these keys (a syntax error):
// `sesame server` reads them, and `sesame knockd-rotate` renders them into plain doors for knockd.
import type { Parsed } from '../basics';
import {
  checkLabel,
  DEFAULT_ROTATING_PARAMS,
  parseLength,
  parsePortRange,
  parseProtocols,
  parseStep,
  type RotatingParams,
} from '../rotating/params';
import type { KnockdDoor, RotatingDoor } from './config-types';

/** The rotating keys (lower case) and how each is written back. */
export const ROTATING_KEYS: ReadonlyMap<string, string> = new Map([
  ['rotating_secret_file', 'Rotating_Secret_File'],
  ['rotating_step', 'Rotating_Step'],
  ['rotating_length', 'Rotating_Length'],
  ['rotating_ports', 'Rotating_Ports'],
  ['rotating_protocols', 'Rotating_Protocols'],
  ['rotating_label', 'Rotating_Label'],
]);

/** A rotating door's keys as read so far (a section may give them in any order). */
export interface RotatingDraft {
  secretFile?: string;
  label?: string;
  params: RotatingParams;
  /** Line of the first rotating key, for the error when the secret file is missing. */
  line: number;
}

function value<T>(parsed: Parsed<T>, key: string, line: number): Parsed<T> {
  return parsed.ok
    ? parsed
    : {
        ok: false,
        error: `config: line ${line}: ${ROTATING_KEYS.get(key) ?? key}: ${parsed.error}`,
      };
}

/** Applies one rotating key to the draft; a bad value is Sesame's error with its line. */
export function applyRotatingKey(
  draft: RotatingDraft | undefined,
  key: string,
  text: string,
  line: number,
): Parsed<RotatingDraft> {
  const next: RotatingDraft = draft ?? { params: { ...DEFAULT_ROTATING_PARAMS }, line };
  const params = next.params;
  switch (key) {
    case 'rotating_secret_file':
      if (text === '') return value({ ok: false, error: 'the path is empty' }, key, line);
      next.secretFile = text;
      return { ok: true, value: next };
    case 'rotating_label': {
      const label = value(checkLabel(text), key, line);
      if (!label.ok) return label;
      next.label = label.value;
      return { ok: true, value: next };
    }
    case 'rotating_step': {
      const step = value(parseStep(text), key, line);
      if (!step.ok) return step;
      params.stepSeconds = step.value;
      return { ok: true, value: next };
    }
    case 'rotating_length': {
      const length = value(parseLength(text), key, line);
      if (!length.ok) return length;
      params.length = length.value;
      return { ok: true, value: next };
    }
    case 'rotating_ports': {
      const ports = value(parsePortRange(text), key, line);
      if (!ports.ok) return ports;
      params.ports = ports.value;
      return { ok: true, value: next };
    }
    case 'rotating_protocols': {
      const protocols = value(parseProtocols(text), key, line);
      if (!protocols.ok) return protocols;
      params.protocols = protocols.value;
      return { ok: true, value: next };
    }
    default:
      return { ok: false, error: `config: line ${line}: syntax error` };
  }
}

/**
 * Checks a finished section's rotating keys against its other keys: a secret file is required,
 * and excludes `Sequence` and `One_Time_Sequences`; the label (default: the section name) must be
 * a valid label.
 */
export function finishRotating(
  door: KnockdDoor,
  draft: RotatingDraft,
  hasSequence: boolean,
): Parsed<RotatingDoor> {
  const where = `config: section ${door.name}`;
  if (draft.secretFile === undefined) {
    return {
      ok: false,
      error: `${where}: Rotating_* keys need Rotating_Secret_File (line ${draft.line})`,
    };
  }
  if (hasSequence) {
    return {
      ok: false,
      error: `${where}: a door has either Sequence or Rotating_Secret_File, not both`,
    };
  }
  if (door.oneTimeSequences !== undefined) {
    return {
      ok: false,
      error: `${where}: a door has either One_Time_Sequences or Rotating_Secret_File, not both`,
    };
  }
  if (draft.label === undefined) {
    const name = checkLabel(door.name);
    if (!name.ok) {
      return {
        ok: false,
        error: `${where}: the section name cannot be the label (${name.error}): set Rotating_Label`,
      };
    }
  }
  return {
    ok: true,
    value: {
      secretFile: draft.secretFile,
      ...(draft.label === undefined ? {} : { label: draft.label }),
      params: draft.params,
    },
  };
}

/** The label a rotating door derives with: Rotating_Label, else the section name. */
export function rotatingLabelOf(door: KnockdDoor & { rotating: RotatingDoor }): string {
  return door.rotating.label ?? door.name;
}

/** The lines that write a rotating door back, every parameter explicit. */
export function writeRotatingKeys(rotating: RotatingDoor): [string, string][] {
  const { params } = rotating;
  return [
    ['Rotating_Secret_File', rotating.secretFile],
    ...(rotating.label === undefined
      ? []
      : [['Rotating_Label', rotating.label] as [string, string]]),
    ['Rotating_Step', String(params.stepSeconds)],
    ['Rotating_Length', String(params.length)],
    ['Rotating_Ports', `${params.ports.low}-${params.ports.high}`],
    ['Rotating_Protocols', params.protocols],
  ];
}
