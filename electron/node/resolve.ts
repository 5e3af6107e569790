import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Which address family to resolve a host to (the profile's `family`, or knock's -4/-6). */
export type Family = 'auto' | 'ipv4' | 'ipv6';

/** One resolved address; every hit of a knock and the later ssh session go to this one address. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** A host lookup, injectable so tests need no DNS. */
export type Lookup = (
  host: string,
  family: 0 | 4 | 6,
) => Promise<{ address: string; family: number }>;

const systemLookup: Lookup = (host, family) => lookup(host, { family, order: 'verbatim' });

/**
 * Resolves a host once (knock resolves it for every port; Sesame does not, so a name with both A
 * and AAAA records never mixes families within a sequence). Failures are values naming the host.
 */
export async function resolveHost(
  host: string,
  family: Family,
  dnsLookup: Lookup = systemLookup,
): Promise<{ ok: true; value: ResolvedAddress } | { ok: false; error: string }> {
  const literal = isIP(host.replace(/^\[(.*)\]$/, '$1'));
  const wanted = family === 'ipv4' ? 4 : family === 'ipv6' ? 6 : 0;
  if (literal !== 0) {
    const address = host.replace(/^\[(.*)\]$/, '$1');
    if (wanted !== 0 && wanted !== literal) {
      return {
        ok: false,
        error: `${host} is an IPv${literal} address, but IPv${wanted} was asked for`,
      };
    }
    return { ok: true, value: { address, family: literal === 6 ? 6 : 4 } };
  }
  try {
    const found = await dnsLookup(host, wanted);
    return { ok: true, value: { address: found.address, family: found.family === 6 ? 6 : 4 } };
  } catch (error) {
    const code =
      (error as { code?: string }).code ?? (error instanceof Error ? error.message : 'failed');
    const what = wanted === 0 ? '' : ` (IPv${wanted})`;
    return { ok: false, error: `cannot resolve host ${host}${what}: ${code}` };
  }
}
