import type { FieldProblem } from '../../../shared/field-problems';
import {
  formatSpaAccess,
  parseSpaAccess,
  SPA_DEFAULT_PORT,
  type SpaDigest,
  type SpaRequestInput,
  type SpaRequest,
} from '../../../shared/spa/spa-request';
import { optionalWholeNumber } from './whole-number';

/** An SPA request as the editor holds it: every field as typed. */
export interface SpaFields {
  /** fwknop's access list, `tcp/22` or `tcp/22,udp/53`. */
  access: string;
  /** fwknopd's UDP port. */
  port: string;
  /** The address to let in; empty: the address the packet comes from (fwknop's -s). */
  allowIp: string;
  keyEncoding: 'base64' | 'passphrase';
  key: string;
  /** base64; empty: no HMAC. */
  hmacKey: string;
  hmacDigest: SpaDigest;
  digest: SpaDigest;
  /** Empty: the login name. */
  user: string;
  /** Seconds; empty: fwknopd's own. */
  fwTimeout: string;
}

/** The fields of a new request: fwknopd's port, tcp/22, SHA-256 both ways. */
export function emptySpaFields(): SpaFields {
  return {
    access: 'tcp/22',
    port: String(SPA_DEFAULT_PORT),
    allowIp: '',
    keyEncoding: 'base64',
    key: '',
    hmacKey: '',
    hmacDigest: 'sha256',
    digest: 'sha256',
    user: '',
    fwTimeout: '',
  };
}

/** The fields showing a saved request. */
export function spaFieldsFrom(spa: SpaRequest): SpaFields {
  return {
    access: formatSpaAccess(spa.access),
    port: String(spa.port),
    allowIp: spa.allowIp ?? '',
    keyEncoding: spa.key.encoding,
    key: spa.key.value,
    hmacKey: spa.hmacKey ?? '',
    hmacDigest: spa.hmacDigest,
    digest: spa.digest,
    user: spa.user ?? '',
    fwTimeout: spa.fwTimeout === undefined ? '' : String(spa.fwTimeout),
  };
}

/**
 * The request to save from the fields; what the text itself gets wrong (an access list, a number)
 * is a problem here, the rest is the profile schema's to say (keys, the address).
 */
export function spaFromFields(fields: SpaFields, problems: FieldProblem[]): SpaRequestInput {
  const access = parseSpaAccess(fields.access);
  if (!access.ok) problems.push({ field: 'spa.access', message: access.error });
  const port = optionalWholeNumber(fields.port, 'spa.port', 'fwknopd port', problems);
  const fwTimeout = optionalWholeNumber(
    fields.fwTimeout,
    'spa.fwTimeout',
    'firewall timeout',
    problems,
  );
  const allowIp = fields.allowIp.trim();
  const hmacKey = fields.hmacKey.trim();
  const user = fields.user.trim();
  return {
    access: access.ok ? access.value : [{ protocol: 'tcp', port: 22 }],
    ...(port === undefined ? {} : { port }),
    ...(allowIp === '' ? {} : { allowIp }),
    key: {
      encoding: fields.keyEncoding,
      value: fields.keyEncoding === 'base64' ? fields.key.trim() : fields.key,
    },
    ...(hmacKey === '' ? {} : { hmacKey }),
    hmacDigest: fields.hmacDigest,
    digest: fields.digest,
    ...(user === '' ? {} : { user }),
    ...(fwTimeout === undefined ? {} : { fwTimeout }),
  };
}
