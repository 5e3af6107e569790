import { formatSpaAccess, type SpaRequest } from '../../../shared/spa/spa-request';

/** What the editor shows for a profile that opens with an SPA request (fwknop) instead of a
 * sequence: its settings, with the keys named but never shown. The request comes from an import. */
export function SpaOpenView({ spa }: { spa: SpaRequest }) {
  const rows: [string, string][] = [
    ['Opens', formatSpaAccess(spa.access)],
    ['fwknopd port', `${String(spa.port)}/udp`],
    ['Address let in', spa.allowIp ?? 'the address the packet comes from'],
    ['Key', spa.key.encoding === 'base64' ? 'base64 key (hidden)' : 'passphrase (hidden)'],
    ['HMAC', spa.hmacKey === undefined ? 'none' : `${spa.hmacDigest} (key hidden)`],
    ['Digest', spa.digest],
    ['Firewall timeout', spa.fwTimeout === undefined ? "fwknopd's" : `${String(spa.fwTimeout)} s`],
    ['User', spa.user ?? 'your login name'],
  ];
  return (
    <fieldset className="spa-open" aria-label="Open: SPA request">
      <legend>Open: SPA request (fwknop)</legend>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="hint">
        This profile opens with one Single Packet Authorization packet to fwknopd instead of a knock
        sequence. To change the request, import the .fwknoprc stanza again.
      </p>
    </fieldset>
  );
}
