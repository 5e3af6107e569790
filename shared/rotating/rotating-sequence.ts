// A profile's rotating sequence: the secret, label and parameters of docs/rotating-sequences.md, as
// a profile stores them in place of a fixed sequence (open or close). Sealed like the sequences.
import { z } from 'zod';
import { decodeBase32, encodeBase32 } from './base32';
import {
  checkLabel,
  checkSecret,
  DEFAULT_ROTATING_PARAMS,
  MAX_LENGTH,
  MAX_STEP_SECONDS,
  MIN_LENGTH,
  MIN_STEP_SECONDS,
  parsePortRange,
  type RotatingParams,
} from './params';
import { fitsInStep, knockDurationMs } from './timing';

const secretSchema = z.string({ error: 'secret is missing' }).superRefine((text, ctx) => {
  const decoded = decodeBase32(text);
  const checked = decoded.ok ? checkSecret(decoded.value) : decoded;
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: `secret: ${checked.error}` });
});

const labelSchema = z.string({ error: 'label is missing' }).superRefine((text, ctx) => {
  const checked = checkLabel(text);
  if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.error });
});

function wholeIn(what: string, low: number, high: number, unit: string) {
  return z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number of ${unit}`)
    .min(low, `${what} must be at least ${low} ${unit}`)
    .max(high, `${what} must be at most ${high} ${unit}`);
}

const portRangeSchema = z
  .strictObject({
    low: z.number({ error: 'ports.low must be a number' }).int('ports.low must be whole'),
    high: z.number({ error: 'ports.high must be a number' }).int('ports.high must be whole'),
  })
  .superRefine((range, ctx) => {
    const parsed = parsePortRange(`${range.low}-${range.high}`);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

/**
 * A rotating sequence as a profile stores it: the base32 secret (at least 160 bits), the label and
 * the parameters, with the spec's defaults. Its knocks are derived when the door is knocked.
 */
export const rotatingSequenceSchema = z.strictObject({
  secret: secretSchema,
  label: labelSchema,
  stepSeconds: wholeIn('step', MIN_STEP_SECONDS, MAX_STEP_SECONDS, 'seconds').default(
    DEFAULT_ROTATING_PARAMS.stepSeconds,
  ),
  length: wholeIn('length', MIN_LENGTH, MAX_LENGTH, 'knocks').default(
    DEFAULT_ROTATING_PARAMS.length,
  ),
  ports: portRangeSchema.default({ ...DEFAULT_ROTATING_PARAMS.ports }),
  protocols: z
    .enum(['tcp', 'udp', 'mixed'], { error: 'protocols must be tcp, udp or mixed' })
    .default(DEFAULT_ROTATING_PARAMS.protocols),
});

/** A validated rotating sequence (defaults applied). */
export type RotatingSequence = z.infer<typeof rotatingSequenceSchema>;

/** A rotating sequence as written by hand or sent by the editor: defaults not yet applied. */
export type RotatingSequenceInput = z.input<typeof rotatingSequenceSchema>;

/** Tells a rotating sequence (validated or input) from a fixed one (a list of knocks) or none. */
export function isRotating<T>(
  sequence: T,
): sequence is Exclude<T, readonly unknown[] | undefined | null> {
  return typeof sequence === 'object' && sequence !== null && !Array.isArray(sequence);
}

/** The parameters that, with the secret and label, decide the knocks. */
export function rotatingParamsOf(sequence: RotatingSequence): RotatingParams {
  const { stepSeconds, length, ports, protocols } = sequence;
  return { stepSeconds, length, ports, protocols };
}

/** The secret's bytes (validated by the schema, so decoding cannot fail here). */
export function rotatingSecretBytes(sequence: RotatingSequence): Uint8Array {
  const decoded = decodeBase32(sequence.secret);
  if (!decoded.ok) throw new Error(`rotating secret: ${decoded.error}`);
  return decoded.value;
}

/** The rotating sequence a provisioning URI describes, its secret in canonical base32. */
export function rotatingFromProvisioning(provisioning: {
  secret: Uint8Array;
  label: string;
  params: RotatingParams;
}): RotatingSequence {
  return {
    secret: encodeBase32(provisioning.secret),
    label: provisioning.label,
    ...provisioning.params,
    ports: { ...provisioning.params.ports },
  };
}

/**
 * Whether knocks with these parameters, with a delay of `delayMs` after each, fit in one step with
 * the boundary margins; the message when they do not, naming the delay and the step. One rule for
 * a profile's rotating sequence and for `sesame knock --secret-file`.
 */
export function rotatingFitProblem(
  params: Pick<RotatingParams, 'stepSeconds' | 'length'>,
  delayMs: number,
): string | undefined {
  const duration = knockDurationMs(params.length, delayMs);
  if (fitsInStep(params.stepSeconds, duration)) return undefined;
  return `${params.length} knocks with a delay of ${delayMs} ms take up to ${duration} ms, too long for a step of ${params.stepSeconds} s`;
}
