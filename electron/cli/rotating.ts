import path from 'node:path';
import { formatSequence } from '../../shared/sequence/sequence';
import { deriveSequence, stepAt } from '../../shared/rotating/derive';
import type { RotatingParams } from '../../shared/rotating/params';
import { formatProvisioningUri } from '../../shared/rotating/uri';
import { hostSchema } from '../../shared/profile/profile';
import { hmacSha256 } from '../node/hmac';
import { newSecret, writeSecretFile } from '../node/rotating-secret';
import { parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';
import {
  rotatingLabel,
  rotatingParamHelp,
  rotatingParamOptions,
  rotatingParams,
  rotatingSecret,
} from './rotating-options';

/** The help text of `sesame rotating`. */
export const rotatingUsage = `Usage: sesame rotating show --secret-file PATH --label NAME [--at UNIX_TIME] [parameters]
       sesame rotating new [--label NAME] [--out PATH] [--host HOST] [parameters]

Rotating knock sequences (docs/rotating-sequences.md): derived from a shared secret and the time.
  show   print the sequence of a step in knockd's syntax (7000,8000:udp,9000), for scripts and tests
  new    write a new secret file (mode 0600), print the server's door and a sesame:// URI for clients
  --secret-file PATH   the base32 secret (owned by you, no access for group or others)
  --at UNIX_TIME       with show: the time whose step to show (default now)
  --out PATH           with new: where to write the secret (default ./LABEL.secret; never replaced)
  --host HOST          with new: the server's host, put in the URI
${rotatingParamHelp}`;

const options = {
  'secret-file': { type: 'string' },
  at: { type: 'string' },
  out: { type: 'string' },
  host: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  ...rotatingParamOptions,
} as const;

/** `sesame rotating show|new`. */
export function rotatingCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs('rotating', args, options);
  if (values.help) {
    io.out(rotatingUsage);
    return Promise.resolve(0);
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`rotating: unexpected argument "${extra[0]}"`);
  const only = (allowed: readonly string[]) => {
    for (const name of ['secret-file', 'at', 'out', 'host'] as const) {
      if (values[name] !== undefined && !allowed.includes(name))
        throw new UsageError(`rotating ${action}: --${name} does not apply`);
    }
  };
  const params = rotatingParams(`rotating ${action}`, values);
  if (action === 'show') {
    only(['secret-file', 'at']);
    return Promise.resolve(show(values, params, io));
  }
  if (action === 'new') {
    only(['out', 'host']);
    return Promise.resolve(create(values, params, io));
  }
  throw new UsageError(
    action === undefined
      ? 'rotating: expected show or new'
      : `rotating: unknown action "${action}" (use show or new)`,
  );
}

function unixTime(text: string | undefined): number {
  if (text === undefined) return Date.now() / 1000;
  if (!/^-?[0-9]{1,15}(\.[0-9]+)?$/.test(text))
    throw new UsageError(`rotating show: --at "${text}" is not a unix time in seconds`);
  return Number(text);
}

function show(
  values: {
    'secret-file'?: string | undefined;
    label?: string | undefined;
    at?: string | undefined;
  },
  params: RotatingParams,
  io: CliIo,
): number {
  const label = rotatingLabel('rotating show', values.label);
  const time = unixTime(values.at);
  const secret = rotatingSecret('rotating show', values['secret-file']);
  if (!secret.ok) {
    io.err(`sesame: ${secret.error}\n`);
    return 1;
  }
  const step = stepAt(time, params.stepSeconds);
  io.out(`${formatSequence(deriveSequence(hmacSha256, secret.value, label, step, params))}\n`);
  return 0;
}

/** The `[door]` a server needs for this secret, with a start command to edit. */
export function doorSnippet(label: string, secretPath: string, params: RotatingParams): string {
  return `[${label}]
    Rotating_Secret_File = ${secretPath}
    Rotating_Label       = ${label}
    Rotating_Step        = ${params.stepSeconds}
    Rotating_Length      = ${params.length}
    Rotating_Ports       = ${params.ports.low}-${params.ports.high}
    Rotating_Protocols   = ${params.protocols}
    Seq_Timeout          = 10
    Start_Command        = /usr/sbin/iptables -I INPUT -s %IP% -p tcp --dport 22 -j ACCEPT
`;
}

function create(
  values: { label?: string | undefined; out?: string | undefined; host?: string | undefined },
  params: RotatingParams,
  io: CliIo,
): number {
  const label = rotatingLabel('rotating new', values.label, 'open');
  if (values.host !== undefined) {
    const host = hostSchema.safeParse(values.host);
    if (!host.success)
      throw new UsageError(
        `rotating new: --host: ${host.error.issues[0]?.message ?? 'not a host'}`,
      );
  }
  const out = path.resolve(values.out ?? `${label.replace(/[^A-Za-z0-9._-]/g, '_')}.secret`);
  const secret = newSecret();
  const written = writeSecretFile(out, secret);
  if (!written.ok) {
    io.err(`sesame: ${written.error}\n`);
    return 1;
  }
  io.err(`wrote the secret to ${out} (mode 0600)\n`);
  io.out(
    `# The server's door (knockd.conf for sesame server, or a template for sesame knockd-rotate);\n# edit the commands:\n${doorSnippet(label, out, params)}\n# For clients (it holds the secret: hand it over privately):\n${formatProvisioningUri({ secret, label, params, host: values.host })}\n`,
  );
  return 0;
}
