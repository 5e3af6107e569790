import { rotatingFitProblem } from '../../shared/rotating/rotating-sequence';
import { knockDurationMs, waitBeforeKnock } from '../../shared/rotating/timing';
import { rotatingKnocksAt } from '../node/door-knocks';
import { sendKnocks } from '../node/knock-sender';
import { resolveHost } from '../node/resolve';
import { milliseconds } from './args';
import { UsageError, type CliIo } from './io';
import { familyOf, hitLine, reportKnockError, withTcpFlags } from './knock-hits';
import {
  rotatingLabel,
  rotatingParamHelp,
  rotatingParamOptions,
  rotatingParams,
  rotatingSecret,
} from './rotating-options';

/** The wall clock a rotating knock reads its step from, and how it waits; tests pass fakes. */
export interface RotatingClock {
  /** Milliseconds since the unix epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The system clock. */
export const realRotatingClock: RotatingClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** `sesame knock`'s options for rotating doors. */
export const rotatingKnockOptions = {
  'secret-file': { type: 'string' },
  ...rotatingParamOptions,
} as const;

/** Their help lines. */
export const rotatingKnockHelp = `Rotating doors (docs/rotating-sequences.md): sesame knock --secret-file PATH --label NAME HOST
  --secret-file PATH   knock the current step's sequence derived from this secret; a knock that
                       would end within a second of the next step waits for that step
${rotatingParamHelp}`;

interface RotatingKnockValues {
  'secret-file'?: string | undefined;
  label?: string | undefined;
  step?: string | undefined;
  length?: string | undefined;
  ports?: string | undefined;
  protocols?: string | undefined;
  delay?: string | undefined;
  ipv4?: boolean | undefined;
  ipv6?: boolean | undefined;
  verbose?: boolean | undefined;
  udp?: boolean | undefined;
  profile?: string | undefined;
  close?: boolean | undefined;
  reknock?: boolean | undefined;
  'probe-timeout'?: string | undefined;
  'tcp-flags'?: string | undefined;
}

/** `sesame knock --secret-file PATH --label NAME HOST`: the current step's rotating sequence. */
export async function knockRotating(
  values: RotatingKnockValues,
  positionals: readonly string[],
  io: CliIo,
  clock: RotatingClock,
): Promise<number> {
  for (const flag of ['udp', 'profile', 'close', 'reknock', 'probe-timeout'] as const) {
    if (values[flag] !== undefined)
      throw new UsageError(`knock: --${flag} cannot be combined with --secret-file`);
  }
  const [host, ...extra] = positionals;
  if (!host || extra.length > 0)
    throw new UsageError('knock: --secret-file takes one HOST and no PORT (the secret gives them)');
  const label = rotatingLabel('knock', values.label);
  const params = rotatingParams('knock', values);
  const delay = milliseconds('knock', 'delay', values.delay, 0);
  const tooLong = rotatingFitProblem(params, delay);
  if (tooLong) throw new UsageError(`knock: ${tooLong}`);
  const family = familyOf(values);
  const secret = rotatingSecret('knock', values['secret-file']);
  if (!secret.ok) {
    io.err(`sesame: ${secret.error}\n`);
    return 1;
  }
  const resolved = await resolveHost(host, family);
  if (!resolved.ok) {
    io.err(`sesame: ${resolved.error}\n`);
    return 1;
  }
  const wait = waitBeforeKnock(
    clock.now(),
    params.stepSeconds,
    knockDurationMs(params.length, delay),
  );
  if (wait > 0) {
    if (values.verbose) io.out(`waiting ${wait} ms: the knock would cross a step boundary\n`);
    await clock.sleep(wait);
  }
  const sequence = rotatingKnocksAt(secret.value, label, params, delay, clock.now());
  const result = await sendKnocks({
    ...resolved.value,
    sequence: withTcpFlags(sequence, values['tcp-flags']),
    onProgress: hitLine(io, values.verbose ?? false),
  });
  return reportKnockError(result, io);
}
