import type { Parsed } from '../../shared/basics';
import {
  checkLabel,
  DEFAULT_ROTATING_PARAMS,
  parseLength,
  parsePortRange,
  parseProtocols,
  parseStep,
  type RotatingParams,
} from '../../shared/rotating/params';
import { readSecretFile } from '../node/rotating-secret';
import { UsageError } from './io';

/** The options that choose a rotating door's parameters, shared by knock, rotating show and new. */
export const rotatingParamOptions = {
  label: { type: 'string' },
  step: { type: 'string' },
  length: { type: 'string' },
  ports: { type: 'string' },
  protocols: { type: 'string' },
} as const;

/** The help lines of those options. */
export const rotatingParamHelp = `  --label NAME         the door's label (Rotating_Label; knockd-rotate and the server default to
                       the door's section name)
  --step S             seconds per step (default ${DEFAULT_ROTATING_PARAMS.stepSeconds})
  --length N           knocks per sequence (default ${DEFAULT_ROTATING_PARAMS.length})
  --ports LOW-HIGH     port range (default ${DEFAULT_ROTATING_PARAMS.ports.low}-${DEFAULT_ROTATING_PARAMS.ports.high})
  --protocols P        tcp, udp or mixed (default ${DEFAULT_ROTATING_PARAMS.protocols})
`;

interface ParamValues {
  step?: string | undefined;
  length?: string | undefined;
  ports?: string | undefined;
  protocols?: string | undefined;
}

function option<T>(
  command: string,
  name: string,
  text: string | undefined,
  parse: (t: string) => Parsed<T>,
  fallback: T,
): T {
  if (text === undefined) return fallback;
  const parsed = parse(text);
  if (!parsed.ok) throw new UsageError(`${command}: --${name}: ${parsed.error}`);
  return parsed.value;
}

/** Reads --step, --length, --ports and --protocols; a bad value is a usage error naming the option. */
export function rotatingParams(command: string, values: ParamValues): RotatingParams {
  const d = DEFAULT_ROTATING_PARAMS;
  return {
    stepSeconds: option(command, 'step', values.step, parseStep, d.stepSeconds),
    length: option(command, 'length', values.length, parseLength, d.length),
    ports: option(command, 'ports', values.ports, parsePortRange, d.ports),
    protocols: option(command, 'protocols', values.protocols, parseProtocols, d.protocols),
  };
}

/** Reads --label (required unless a fallback is given). */
export function rotatingLabel(
  command: string,
  label: string | undefined,
  fallback?: string,
): string {
  const text = label ?? fallback;
  if (text === undefined) throw new UsageError(`${command}: --label NAME is required`);
  const checked = checkLabel(text);
  if (!checked.ok) throw new UsageError(`${command}: --label: ${checked.error}`);
  return checked.value;
}

/** Reads --secret-file: the checked secret, or the file's problem as a message (exit 1). */
export function rotatingSecret(command: string, path: string | undefined): Parsed<Uint8Array> {
  if (path === undefined) throw new UsageError(`${command}: --secret-file PATH is required`);
  return readSecretFile(path);
}
