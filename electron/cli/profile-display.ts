import type { Profile } from '../../shared/profile/profile';
import { formatSequence as seq } from '../../shared/sequence/sequence';
import { formatTcpFlags } from '../../shared/sequence/tcp-flags';
import { showHidden } from '../../shared/profile/visible-text';
import { openSummary, sequenceSummary } from '../../shared/profile/open-summary';
import { isRotating } from '../../shared/rotating/rotating-sequence';
import type { Knock } from '../../shared/sequence/sequence';
import type { SpaRequest } from '../../shared/spa/spa-request';

/** The SPA request's settings, keys named but never shown. */
function spaRows(spa: SpaRequest): string[][] {
  return [
    ['spa allow', spa.allowIp ?? 'the address the packet comes from (fwknop -s)'],
    ['spa key', spa.key.encoding === 'base64' ? 'base64 key (hidden)' : 'passphrase (hidden)'],
    ['spa hmac', spa.hmacKey === undefined ? 'none' : `${spa.hmacDigest} (key hidden)`],
    ['spa digest', spa.digest],
    ['spa timeout', spa.fwTimeout === undefined ? "fwknopd's" : `${String(spa.fwTimeout)} s`],
    ['spa user', spa.user ?? 'your login name'],
  ];
}

/** `sesame profiles show`: every field of one profile, one `label: value` line each. */
export function describeProfile(p: Profile): string {
  const fixed = (sequence: Profile['open']): Knock[] =>
    sequence === undefined || isRotating(sequence) ? [] : sequence;
  const delays = (label: string, sequence: Profile['open']): string[][] => {
    const knocks = fixed(sequence);
    const timed = knocks.flatMap((k, i) =>
      k.delayMs === undefined ? [] : [`hit ${String(i + 1)} (${seq([k])}) ${String(k.delayMs)} ms`],
    );
    return timed.length > 0 ? [[`${label} delays`, timed.join(', ')]] : [];
  };
  const flags = (label: string, sequence: Profile['open']): string[][] => {
    const knocks = fixed(sequence);
    const crafted = knocks.flatMap((k, i) =>
      k.tcpFlags === undefined
        ? []
        : [`hit ${String(i + 1)} (${seq([k])}) ${formatTcpFlags(k.tcpFlags)}`],
    );
    return crafted.length > 0 ? [[`${label} TCP flags`, crafted.join(', ')]] : [];
  };
  const rows = [
    ['name', p.name],
    ['id', p.id],
    ['host', p.host],
    ['family', p.family],
    ['open', openSummary(p)],
    ...(p.spa ? spaRows(p.spa) : []),
    ...delays('open', p.open),
    ...flags('open', p.open),
    ['close', sequenceSummary(p.close)],
    ...delays('close', p.close),
    ...flags('close', p.close),
    ['delay', `${String(p.delayMs)} ms after each hit without its own delay`],
    ['service port', String(p.servicePort)],
    ['ssh user', p.ssh.user ?? '-'],
    ['ssh port', String(p.ssh.port)],
    ['identity file', p.ssh.identityFile ?? '-'],
    ['notes', p.notes ?? '-'],
  ];
  const indented = (v: string) => printable(v).replaceAll('\n', `\n${' '.repeat(16)}`);
  return rows.map(([k = '', v = '']) => `${`${k}:`.padEnd(16)}${indented(v)}\n`).join('');
}

/** `sesame profiles list`: rows as left-aligned columns two spaces apart. */
export function formatTable(rows: string[][]): string {
  const cells = rows.map((r) => r.map(printable));
  const width = (i: number) => Math.max(...cells.map((r) => r[i]?.length ?? 0));
  const line = (r: string[]) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(width(i)) : c));
  return cells.map((r) => `${line(r).join('  ')}\n`).join('');
}

/** Control and format characters (bidi overrides, zero-width ones) are shown escaped, never
 * obeyed; line breaks and tabs stay. */
function printable(value: string): string {
  return value.replace(/[^\n\t]+/g, showHidden);
}
