import type { ParseArgsOptionsConfig } from 'node:util';
import { familySchema, parsePortField, parseSequenceField } from '../../shared/profile/profile';
import type { Parsed } from '../../shared/basics';
import type { Knock } from '../../shared/sequence/sequence';
import { parseTcpFlags } from '../../shared/sequence/tcp-flags';
import type { ProfileChanges } from '../node/profile-store';

/** The option values `parseArgs` gives a `sesame profiles` subcommand. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const string = { type: 'string' } as const;
const fieldOptions = ['name', 'host', 'open', 'close', 'family', 'delay', 'service-port'];

/** The profile field options shared by `add` and `edit` (`--name`, `--host`, `--open`, ...). */
export const profileFieldOptions: ParseArgsOptionsConfig = Object.fromEntries(
  [...fieldOptions, 'ssh-user', 'ssh-port', 'identity', 'notes', 'tcp-flags'].map((k) => [
    k,
    string,
  ]),
);

/** Field options to store changes: text becomes ports and sequences here, the store validates all. */
export function fieldChanges(v: Values): Parsed<ProfileChanges> {
  const get = (key: string) => (typeof v[key] === 'string' ? v[key] : undefined);
  const out: ProfileChanges = {};
  const ssh: NonNullable<ProfileChanges['ssh']> = {};
  const [name, host, open, close, family, delay] = fieldOptions.map(get);
  if (name !== undefined) out.name = name;
  if (host !== undefined) out.host = host;
  for (const [field, text] of [
    ['open', open],
    ['close', close || undefined],
  ] as const) {
    const sequence = text === undefined ? undefined : parseSequenceField(field, text);
    if (sequence && !sequence.ok) return sequence;
    if (sequence) out[field] = sequence.value;
  }
  // An open sequence replaces an SPA request: a profile opens one way.
  if (out.open) out.spa = undefined;
  const flagsText = get('tcp-flags');
  if (flagsText !== undefined) {
    const flags = parseTcpFlags(flagsText);
    if (!flags.ok) return { ok: false, error: `tcpFlags: ${flags.error}` };
    if (!out.open && !out.close)
      return {
        ok: false,
        error: 'tcpFlags: give --tcp-flags with --open or --close (it applies to their TCP hits)',
      };
    const withFlags = (s: Knock[]) =>
      s.map((k) => (k.protocol === 'tcp' ? { ...k, tcpFlags: flags.value } : k));
    if (out.open) out.open = withFlags(out.open);
    if (out.close) out.close = withFlags(out.close);
  }
  if (close === '' || v['no-close'] === true) out.close = undefined;
  if (family !== undefined) {
    const parsed = familySchema.safeParse(family);
    if (!parsed.success) return { ok: false, error: 'family: family must be auto, ipv4 or ipv6' };
    out.family = parsed.data;
  }
  if (delay !== undefined && !/^[0-9]+$/.test(delay))
    return { ok: false, error: `delayMs: "${delay}" is not a whole number of milliseconds` };
  if (delay !== undefined) out.delayMs = Number(delay);
  const ports = { servicePort: get('service-port'), 'ssh.port': get('ssh-port') };
  for (const [field, text] of Object.entries(ports)) {
    const port = text === undefined ? undefined : parsePortField(field, text);
    if (port && !port.ok) return port;
    if (port && field === 'servicePort') out.servicePort = port.value;
    else if (port) ssh.port = port.value;
  }
  // For these optional fields an empty value means "none".
  if (get('ssh-user') !== undefined) ssh.user = get('ssh-user') || undefined;
  if (get('identity') !== undefined) ssh.identityFile = get('identity') || undefined;
  if (get('notes') !== undefined) out.notes = get('notes') || undefined;
  if (Object.keys(ssh).length > 0) out.ssh = ssh;
  return { ok: true, value: out };
}
