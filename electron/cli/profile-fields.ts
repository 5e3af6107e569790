import type { ParseArgsOptionsConfig } from 'node:util';
import { familySchema, parsePortField, parseSequenceField } from '../../shared/profile/profile';
import type { Parsed } from '../../shared/basics';
import { isRotating, rotatingFromProvisioning } from '../../shared/rotating/rotating-sequence';
import { parseProvisioningUri } from '../../shared/rotating/uri';
import type { Knock } from '../../shared/sequence/sequence';
import { parseTcpFlags } from '../../shared/sequence/tcp-flags';
import type { ProfileChanges } from '../node/profile-store';

/** The option values `parseArgs` gives a `sesame profiles` subcommand. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

const string = { type: 'string' } as const;
const fieldOptions = ['name', 'host', 'open', 'close', 'family', 'delay', 'service-port'];

/** The profile field options shared by `add` and `edit` (`--name`, `--host`, `--open`, ...). */
export const profileFieldOptions: ParseArgsOptionsConfig = Object.fromEntries(
  [
    ...fieldOptions,
    'uri',
    'close-uri',
    'ssh-user',
    'ssh-port',
    'identity',
    'notes',
    'tcp-flags',
  ].map((k) => [k, string]),
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
  for (const [field, option] of [
    ['open', 'uri'],
    ['close', 'close-uri'],
  ] as const) {
    const text = get(option);
    if (text === undefined) continue;
    if (out[field] !== undefined)
      return { ok: false, error: `${field}: give --${field} or --${option}, not both` };
    const provisioning = parseProvisioningUri(text);
    if (!provisioning.ok)
      return { ok: false, error: `${field}: --${option}: ${provisioning.error}` };
    out[field] = rotatingFromProvisioning(provisioning.value);
    // The URI's host fills in a host not given (the server it was made for).
    if (out.host === undefined && provisioning.value.host !== undefined)
      out.host = provisioning.value.host;
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
    if (isRotating(out.open) || isRotating(out.close))
      return {
        ok: false,
        error: 'tcpFlags: --tcp-flags applies to fixed sequences, not to a rotating one (--uri)',
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
