import { fieldProblems } from '../../shared/field-problems';
import {
  parseSpaAccess,
  parseSpaDigest,
  SPA_DEFAULT_PORT,
  SPA_SCOPE,
  spaRequestSchema,
  type SpaRequest,
  type SpaRequestInput,
} from '../../shared/spa/spa-request';
import { parsePort } from '../../shared/sequence/sequence';
import { resolveHost } from '../node/resolve';
import { buildSpaPacket, describeSpaPacket, spaContext } from '../node/spa-packet';
import { loginName, sendSpa, type DatagramSend } from '../node/spa-sender';
import { parseCommandArgs } from './args';
import { UsageError, type CliIo } from './io';

/** The help text of `sesame spa`: fwknop's client options for the common case. */
export const spaUsage = `Usage: sesame spa -A PROTO/PORT[,...] (-a IP | -s) -D HOST KEYS [options]

Sends one Single Packet Authorization packet to fwknopd, as the fwknop client does (a drop-in
for its common options): Rijndael encryption with an HMAC, in libfko's format (protocol 3.0.0).
  -A, --access LIST            the ports to open, such as tcp/22 or tcp/22,udp/53
  -a, --allow-ip IP            the IPv4 address fwknopd should let in
  -s, --source-ip              let in the address the packet comes from (sends 0.0.0.0)
  -D, --destination HOST       the fwknopd server
  -p, --server-port PORT       fwknopd's UDP port (default ${SPA_DEFAULT_PORT})
  -P, --server-proto udp       how the packet travels: udp only
  --key-base64-rijndael KEY    the encryption key, base64 (fwknopd's KEY_BASE64)
  --key-rijndael PASSPHRASE    the encryption key as a passphrase (fwknopd's KEY)
  --key-base64-hmac KEY        the HMAC key, base64 (HMAC_KEY_BASE64); implies --use-hmac
  --key-hmac KEY               the HMAC key as text (HMAC_KEY); implies --use-hmac
  --use-hmac                   add an HMAC (needs one of the HMAC keys above)
  --hmac-digest-type TYPE      md5, sha1, sha256 (default), sha384, sha512, sha3_256, sha3_512
  -m, --digest-type TYPE       the digest inside the packet (default sha256)
  -f, --fw-timeout SECONDS     ask fwknopd to keep the rule this long
  -U, --spoof-user USER        the user name the packet carries (default: your login name)
  -v, --verbose                print the packet's fields, and where it went
  -T, --test                   build the packet and print it; send nothing
${SPA_SCOPE.replace(': ', ':\n')};
use the fwknop client for those.
Exit: 0 sent (fwknopd says nothing back: check the port, e.g. with sesame probe), 1 bad usage or error.
`;

const options = {
  access: { type: 'string', short: 'A' },
  'allow-ip': { type: 'string', short: 'a' },
  'source-ip': { type: 'boolean', short: 's' },
  destination: { type: 'string', short: 'D' },
  'server-port': { type: 'string', short: 'p' },
  'key-base64-rijndael': { type: 'string' },
  'key-rijndael': { type: 'string' },
  'key-base64-hmac': { type: 'string' },
  'key-hmac': { type: 'string' },
  'server-proto': { type: 'string', short: 'P' },
  'use-hmac': { type: 'boolean' },
  'hmac-digest-type': { type: 'string' },
  'digest-type': { type: 'string', short: 'm' },
  'fw-timeout': { type: 'string', short: 'f' },
  'spoof-user': { type: 'string', short: 'U' },
  verbose: { type: 'boolean', short: 'v' },
  test: { type: 'boolean', short: 'T' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** fwknop options for what Sesame does not do: refused with the scope, not as unknown options. */
const OUT_OF_SCOPE = new Map<string, string>([
  ['--gpg-recipient-key', 'GPG'],
  ['--gpg-signer-key', 'GPG'],
  ['--gpg-home-dir', 'GPG'],
  ['--gpg-agent', 'GPG'],
  ['--gpg-signer-pw', 'GPG'],
  ['-N', 'NAT access'],
  ['--nat-access', 'NAT access'],
  ['--nat-local', 'NAT access'],
  ['--nat-port', 'NAT access'],
  ['--nat-rand-port', 'NAT access'],
  ['-C', 'server commands'],
  ['--server-cmd', 'server commands'],
  ['-R', 'resolving the address over HTTP'],
  ['--resolve-ip-http', 'resolving the address over HTTP'],
  ['--resolve-ip-https', 'resolving the address over HTTP'],
  ['-n', 'named .fwknoprc stanzas (import them: sesame profiles import ~/.fwknoprc)'],
  ['--named-config', 'named .fwknoprc stanzas (import them: sesame profiles import ~/.fwknoprc)'],
  ['-M', 'encryption modes other than CBC'],
  ['--encryption-mode', 'encryption modes other than CBC'],
]);

function refuseOutOfScope(args: readonly string[]): void {
  for (const arg of args) {
    const name = arg.split('=')[0] ?? arg;
    const what = OUT_OF_SCOPE.get(name);
    if (what !== undefined)
      throw new UsageError(`spa: ${name} (${what}) is not supported. ${SPA_SCOPE}.`);
  }
}

/** The option each request field comes from, so a problem names what the user typed. */
const OPTION_OF: Record<string, string> = {
  port: '--server-port',
  access: '--access',
  allowIp: '--allow-ip',
  hmacKey: '--key-base64-hmac',
  hmacDigest: '--hmac-digest-type',
  digest: '--digest-type',
  fwTimeout: '--fw-timeout',
  user: '--spoof-user',
};

/** What `sesame spa` was asked: the request, the server, and test or verbose. */
export interface SpaCommand {
  request: SpaRequest;
  host: string;
  test: boolean;
  verbose: boolean;
}

function digestOption(name: string, text: string | undefined) {
  if (text === undefined) return undefined;
  const parsed = parseSpaDigest(text);
  if (!parsed.ok) throw new UsageError(`spa: --${name}: ${parsed.error}`);
  return parsed.value;
}

/** Reads `sesame spa`'s arguments into a validated request; a bad one is a usage error naming it. */
export function parseSpaArgs(args: readonly string[]): SpaCommand | 'help' {
  refuseOutOfScope(args);
  const { values, positionals } = parseCommandArgs('spa', args, options);
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw new UsageError(
      `spa: unexpected argument "${positionals[0] ?? ''}" (the server is -D HOST)`,
    );
  const host = values.destination;
  if (host === undefined) throw new UsageError('spa: -D HOST is required (the fwknopd server)');
  if (values.access === undefined)
    throw new UsageError('spa: -A is required (the ports to open, such as tcp/22)');
  const access = parseSpaAccess(values.access);
  if (!access.ok) throw new UsageError(`spa: -A: ${access.error}`);
  if (values['allow-ip'] !== undefined && values['source-ip'])
    throw new UsageError('spa: -a and -s cannot be used together');
  if (values['allow-ip'] === undefined && !values['source-ip'])
    throw new UsageError("spa: give -a IP (the address to let in) or -s (the packet's source)");
  const base64 = values['key-base64-rijndael'];
  const passphrase = values['key-rijndael'];
  if (base64 !== undefined && passphrase !== undefined)
    throw new UsageError('spa: --key-base64-rijndael and --key-rijndael cannot be used together');
  if (base64 === undefined && passphrase === undefined)
    throw new UsageError(
      'spa: a key is required: --key-base64-rijndael KEY or --key-rijndael PASSPHRASE',
    );
  if (values['key-base64-hmac'] !== undefined && values['key-hmac'] !== undefined)
    throw new UsageError('spa: --key-base64-hmac and --key-hmac cannot be used together');
  // A text HMAC key is its UTF-8 bytes: the same key as their base64.
  const hmacKey =
    values['key-hmac'] === undefined
      ? values['key-base64-hmac']
      : Buffer.from(values['key-hmac'], 'utf8').toString('base64');
  if (values['use-hmac'] && hmacKey === undefined)
    throw new UsageError(
      'spa: --use-hmac needs the HMAC key: --key-base64-hmac KEY or --key-hmac KEY',
    );
  const proto = values['server-proto'];
  if (proto !== undefined && proto.toLowerCase() !== 'udp')
    throw new UsageError(
      `spa: --server-proto ${proto}: only udp is supported (fwknop's tcp, http and icmp are not)`,
    );
  let port = SPA_DEFAULT_PORT;
  if (values['server-port'] !== undefined) {
    const parsed = parsePort(values['server-port']);
    if (!parsed.ok) throw new UsageError(`spa: --server-port: ${parsed.error}`);
    port = parsed.value;
  }
  let fwTimeout: number | undefined;
  if (values['fw-timeout'] !== undefined) {
    if (!/^[0-9]+$/.test(values['fw-timeout']))
      throw new UsageError(
        `spa: --fw-timeout "${values['fw-timeout']}" is not a whole number of seconds`,
      );
    fwTimeout = Number(values['fw-timeout']);
  }
  const user = values['spoof-user'];
  const input: SpaRequestInput = {
    port,
    access: access.value,
    key:
      base64 !== undefined
        ? { encoding: 'base64', value: base64 }
        : { encoding: 'passphrase', value: passphrase ?? '' },
    ...(values['allow-ip'] === undefined ? {} : { allowIp: values['allow-ip'] }),
    ...(hmacKey === undefined ? {} : { hmacKey }),
    ...(fwTimeout === undefined ? {} : { fwTimeout }),
    ...(user === undefined ? {} : { user }),
  };
  const hmacDigest = digestOption('hmac-digest-type', values['hmac-digest-type']);
  const digest = digestOption('digest-type', values['digest-type']);
  if (hmacDigest) input.hmacDigest = hmacDigest;
  if (digest) input.digest = digest;
  const parsed = spaRequestSchema.safeParse(input);
  if (!parsed.success) {
    const problem = fieldProblems(parsed.error)[0];
    const field = problem?.field.split(/[.[]/)[0] ?? '';
    const option =
      field === 'key'
        ? base64 !== undefined
          ? '--key-base64-rijndael'
          : '--key-rijndael'
        : field === 'hmacKey' && values['key-hmac'] !== undefined
          ? '--key-hmac'
          : (OPTION_OF[field] ?? field);
    throw new UsageError(`spa: ${option}: ${problem ? problem.message : 'invalid'}`);
  }
  return {
    request: parsed.data,
    host,
    test: values.test ?? false,
    verbose: values.verbose ?? false,
  };
}

/** `sesame spa`: fwknop's client for the common case (Rijndael + HMAC access requests). */
export function spaCommand(send?: DatagramSend) {
  return async (args: readonly string[], io: CliIo): Promise<number> => {
    const command = parseSpaArgs(args);
    if (command === 'help') {
      io.out(spaUsage);
      return 0;
    }
    const { request, host, verbose } = command;
    const user = request.user ?? loginName();
    if (command.test) {
      const packet = buildSpaPacket(request, spaContext(user));
      io.out(`${describeSpaPacket(packet, request).join('\n')}\n`);
      io.out(
        `test mode: the SPA packet for ${host} port ${String(request.port)}/udp was not sent\n`,
      );
      return 0;
    }
    const resolved = await resolveHost(host, 'ipv4');
    if (!resolved.ok) {
      io.err(`sesame: ${resolved.error}\n`);
      return 1;
    }
    const { address, family } = resolved.value;
    const result = await sendSpa({
      address,
      family,
      request,
      context: spaContext(user),
      ...(send ? { send } : {}),
    });
    if (verbose) io.out(`${describeSpaPacket(result.packet, request).join('\n')}\n`);
    const error = result.hits[0]?.error;
    if (error !== undefined) {
      io.err(
        `sesame: the SPA packet to ${address} port ${String(request.port)}/udp was not sent: ${error}\n`,
      );
      return 1;
    }
    if (verbose) io.out(`sent the SPA packet to ${address} port ${String(request.port)}/udp\n`);
    return 0;
  };
}
