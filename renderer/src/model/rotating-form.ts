import type { Parsed } from '../../../shared/basics';
import type { FieldProblem } from '../../../shared/field-problems';
import { decodeBase32, encodeBase32 } from '../../../shared/rotating/base32';
import {
  DEFAULT_ROTATING_PARAMS,
  parsePortRange,
  type RotatingProtocols,
} from '../../../shared/rotating/params';
import {
  rotatingFromProvisioning,
  type RotatingSequence,
  type RotatingSequenceInput,
} from '../../../shared/rotating/rotating-sequence';
import { parseProvisioningUri } from '../../../shared/rotating/uri';
import { requiredWholeNumber } from './whole-number';

/** A rotating sequence as the editor holds it: every field as typed. */
export interface RotatingFields {
  /** base32, as `sesame rotating new` wrote it (spaces and lower case are fine). */
  secret: string;
  label: string;
  /** Seconds per step. */
  step: string;
  /** Knocks per sequence. */
  length: string;
  /** `LOW-HIGH`. */
  ports: string;
  protocols: RotatingProtocols;
}

/** The fields of a new rotating sequence: the spec's defaults, labelled after the door. */
export function emptyRotatingFields(label: string): RotatingFields {
  const d = DEFAULT_ROTATING_PARAMS;
  return {
    secret: '',
    label,
    step: String(d.stepSeconds),
    length: String(d.length),
    ports: `${d.ports.low}-${d.ports.high}`,
    protocols: d.protocols,
  };
}

/** The fields showing a saved rotating sequence. */
export function rotatingFieldsFrom(sequence: RotatingSequence): RotatingFields {
  return {
    secret: sequence.secret,
    label: sequence.label,
    step: String(sequence.stepSeconds),
    length: String(sequence.length),
    ports: `${sequence.ports.low}-${sequence.ports.high}`,
    protocols: sequence.protocols,
  };
}

/** The fields a provisioning URI fills in, and the host it names (if any). */
export function rotatingFieldsFromUri(
  uri: string,
): Parsed<{ fields: RotatingFields; host: string | undefined }> {
  const parsed = parseProvisioningUri(uri);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    value: {
      fields: rotatingFieldsFrom(rotatingFromProvisioning(parsed.value)),
      host: parsed.value.host,
    },
  };
}

/**
 * The rotating sequence to save from the fields of door `name` (`open` or `close`); what the text
 * itself gets wrong (a number, the port range) is a problem here, the rest is the schema's to say.
 * A secret that decodes is saved in canonical base32 (upper case, no spaces or padding).
 */
export function rotatingFromFields(
  fields: RotatingFields,
  name: 'open' | 'close',
  problems: FieldProblem[],
): RotatingSequenceInput {
  const decoded = decodeBase32(fields.secret);
  const range = parsePortRange(fields.ports);
  if (!range.ok) problems.push({ field: `${name}.ports`, message: range.error });
  return {
    secret: decoded.ok && decoded.value.length > 0 ? encodeBase32(decoded.value) : fields.secret,
    label: fields.label,
    stepSeconds: requiredWholeNumber(fields.step, `${name}.stepSeconds`, 'step', problems),
    length: requiredWholeNumber(fields.length, `${name}.length`, 'length', problems),
    ports: range.ok ? range.value : { ...DEFAULT_ROTATING_PARAMS.ports },
    protocols: fields.protocols,
  };
}
