import type { FieldProblem } from '../../../shared/field-problems';
import { SPA_DIGESTS, type SpaDigest } from '../../../shared/spa/spa-request';
import { FieldMessages } from '../components/FieldMessages';
import { TextField } from '../components/TextField';
import type { SpaFields } from '../model/spa-form';

/** The fields of the request the editor places; the others go to the list at the top. */
export const SPA_FIELDS = [
  'spa.access',
  'spa.port',
  'spa.allowIp',
  'spa.key',
  'spa.key.value',
  'spa.hmacKey',
  'spa.hmacDigest',
  'spa.digest',
  'spa.user',
  'spa.fwTimeout',
];

/**
 * The SPA request a profile opens with instead of a knock sequence: what fwknopd should open, for
 * which address, and the keys (shown as dots), as fwknop's client options and .fwknoprc name them.
 */
export function SpaRequestEditor({
  fields,
  scope,
  problemsOf,
  onChange,
}: {
  fields: SpaFields;
  scope: string;
  problemsOf: (field: string) => FieldProblem[];
  onChange: <K extends keyof SpaFields>(key: K, field: string, value: SpaFields[K]) => void;
}) {
  const field = (name: string) => ({ scope, field: name, problems: problemsOf(name) });
  const digest = (key: 'digest' | 'hmacDigest', label: string, name: string) => (
    <div className="field">
      <label htmlFor={`${scope}-${name}`}>{label}</label>
      <select
        id={`${scope}-${name}`}
        value={fields[key]}
        onChange={(e) => onChange(key, name, e.target.value as SpaDigest)}
      >
        {SPA_DIGESTS.map((d) => (
          <option key={d} value={d}>
            {d.toUpperCase().replace('_', '-')}
          </option>
        ))}
      </select>
    </div>
  );
  const keyProblems = [...problemsOf('spa.key'), ...problemsOf('spa.key.value')];
  return (
    <fieldset className="editor-grid spa-open" aria-label="Open: SPA request">
      <legend>Open: SPA request (fwknop)</legend>
      <TextField
        label="Access"
        value={fields.access}
        placeholder="tcp/22"
        hint="What fwknopd opens: tcp/22, or a list such as tcp/22,udp/53."
        onChange={(v) => onChange('access', 'spa.access', v)}
        {...field('spa.access')}
      />
      <TextField
        label="fwknopd port"
        value={fields.port}
        numeric
        hint="UDP; fwknopd listens on 62201 unless set otherwise."
        onChange={(v) => onChange('port', 'spa.port', v)}
        {...field('spa.port')}
      />
      <TextField
        label="Address to allow"
        value={fields.allowIp}
        placeholder="the address the packet comes from"
        hint="IPv4 (fwknop's -a); empty: the source address (-s), right behind NAT too."
        onChange={(v) => onChange('allowIp', 'spa.allowIp', v)}
        {...field('spa.allowIp')}
      />
      <div className="field">
        <label htmlFor={`${scope}-spa-key-encoding`}>Key is</label>
        <select
          id={`${scope}-spa-key-encoding`}
          value={fields.keyEncoding}
          onChange={(e) =>
            onChange('keyEncoding', 'spa.key', e.target.value as SpaFields['keyEncoding'])
          }
        >
          <option value="base64">base64 (KEY_BASE64)</option>
          <option value="passphrase">a passphrase (KEY)</option>
        </select>
      </div>
      <TextField
        className="wide"
        label="Key"
        value={fields.key}
        secret
        onChange={(v) => onChange('key', 'spa.key.value', v)}
        scope={scope}
        field="spa.key.value"
        problems={keyProblems}
      />
      <TextField
        className="wide"
        label="HMAC key"
        value={fields.hmacKey}
        secret
        hint="base64 (HMAC_KEY_BASE64); empty: no HMAC (fwknopd must not ask for one)."
        onChange={(v) => onChange('hmacKey', 'spa.hmacKey', v)}
        {...field('spa.hmacKey')}
      />
      {digest('hmacDigest', 'HMAC digest', 'spa.hmacDigest')}
      {digest('digest', 'Digest', 'spa.digest')}
      <TextField
        label="User"
        value={fields.user}
        placeholder="your login name"
        onChange={(v) => onChange('user', 'spa.user', v)}
        {...field('spa.user')}
      />
      <TextField
        label="Firewall timeout (s)"
        value={fields.fwTimeout}
        numeric
        placeholder="fwknopd's"
        onChange={(v) => onChange('fwTimeout', 'spa.fwTimeout', v)}
        {...field('spa.fwTimeout')}
      />
      <FieldMessages scope={scope} field="spa" problems={problemsOf('spa')} />
      <p className="hint wide">
        One Single Packet Authorization packet to fwknopd opens the door instead of a knock
        sequence: encrypted with the key, signed with the HMAC key, refused if replayed.
      </p>
    </fieldset>
  );
}
