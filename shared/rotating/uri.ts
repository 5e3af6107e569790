// The provisioning URI: one line that carries a rotating door's secret and parameters to a client
// (`sesame://rotating?v=1&secret=...&label=...`), as otpauth:// carries a TOTP key.
import type { Parsed } from '../basics';
import { hostSchema } from '../profile/profile';
import { decodeBase32, encodeBase32 } from './base32';
import {
  checkLabel,
  checkSecret,
  DEFAULT_ROTATING_PARAMS,
  parseLength,
  parsePortRange,
  parseProtocols,
  parseStep,
  type RotatingParams,
} from './params';

/** The URI's scheme and authority; `sesame://app/` is the app's own page protocol, not this. */
export const PROVISIONING_PREFIX = 'sesame://rotating?';
/** The format version this code writes and reads. */
export const PROVISIONING_VERSION = '1';

/** What a provisioning URI carries. */
export interface Provisioning {
  secret: Uint8Array;
  label: string;
  params: RotatingParams;
  host?: string | undefined;
}

/** Writes the URI: every parameter explicit, values percent-encoded, the secret in base32. */
export function formatProvisioningUri(provisioning: Provisioning): string {
  const { secret, label, params, host } = provisioning;
  const fields: [string, string][] = [
    ['v', PROVISIONING_VERSION],
    ['secret', encodeBase32(secret)],
    ['label', label],
    ['step', String(params.stepSeconds)],
    ['length', String(params.length)],
    ['ports', `${params.ports.low}-${params.ports.high}`],
    ['protocols', params.protocols],
    ...(host === undefined ? [] : [['host', host] as [string, string]]),
  ];
  return `${PROVISIONING_PREFIX}${fields.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

const KNOWN = new Set(['v', 'secret', 'label', 'step', 'length', 'ports', 'protocols', 'host']);

function readFields(query: string): Parsed<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    if (!KNOWN.has(key)) return { ok: false, error: `unknown field "${key}"` };
    if (fields.has(key)) return { ok: false, error: `field "${key}" is given twice` };
    let value: string;
    try {
      value = decodeURIComponent(equals === -1 ? '' : pair.slice(equals + 1));
    } catch {
      return { ok: false, error: `field "${key}" is not valid percent-encoding` };
    }
    fields.set(key, value);
  }
  return { ok: true, value: fields };
}

function field<T>(
  fields: Map<string, string>,
  key: string,
  parse: (text: string) => Parsed<T>,
  fallback: T,
): Parsed<T> {
  const text = fields.get(key);
  if (text === undefined) return { ok: true, value: fallback };
  const parsed = parse(text);
  return parsed.ok ? parsed : { ok: false, error: `${key}: ${parsed.error}` };
}

/**
 * Reads a provisioning URI. `v`, `secret` and `label` are required; parameters left out take the
 * spec's defaults. A newer version, an unknown field or a bad value is refused, naming the field.
 */
export function parseProvisioningUri(uri: string): Parsed<Provisioning> {
  const text = uri.trim();
  if (!text.startsWith(PROVISIONING_PREFIX)) {
    return { ok: false, error: `a provisioning URI starts with ${PROVISIONING_PREFIX}` };
  }
  const read = readFields(text.slice(PROVISIONING_PREFIX.length));
  if (!read.ok) return read;
  const fields = read.value;
  const version = fields.get('v');
  if (version !== PROVISIONING_VERSION) {
    return {
      ok: false,
      error:
        version === undefined
          ? 'v: the version is missing'
          : `v: version "${version}" is not ${PROVISIONING_VERSION} (made by a newer Sesame?)`,
    };
  }
  const secretText = fields.get('secret');
  if (secretText === undefined) return { ok: false, error: 'secret: missing' };
  const decoded = decodeBase32(secretText);
  const secret = decoded.ok ? checkSecret(decoded.value) : decoded;
  if (!secret.ok) return { ok: false, error: `secret: ${secret.error}` };
  const labelText = fields.get('label');
  if (labelText === undefined) return { ok: false, error: 'label: missing' };
  const label = checkLabel(labelText);
  if (!label.ok) return { ok: false, error: `label: ${label.error}` };
  const defaults = DEFAULT_ROTATING_PARAMS;
  const step = field(fields, 'step', parseStep, defaults.stepSeconds);
  if (!step.ok) return step;
  const length = field(fields, 'length', parseLength, defaults.length);
  if (!length.ok) return length;
  const ports = field(fields, 'ports', parsePortRange, defaults.ports);
  if (!ports.ok) return ports;
  const protocols = field(fields, 'protocols', parseProtocols, defaults.protocols);
  if (!protocols.ok) return protocols;
  const hostText = fields.get('host');
  if (hostText !== undefined) {
    const host = hostSchema.safeParse(hostText);
    if (!host.success) {
      return { ok: false, error: `host: ${host.error.issues[0]?.message ?? 'not a host'}` };
    }
  }
  return {
    ok: true,
    value: {
      secret: secret.value,
      label: label.value,
      params: {
        stepSeconds: step.value,
        length: length.value,
        ports: ports.value,
        protocols: protocols.value,
      },
      host: hostText,
    },
  };
}
