// What a Single Packet Authorization asks fwknopd for, and the keys that protect it: fwknop's client
// options as one validated value, shared by `sesame spa`, profiles and the .fwknoprc import. The
// packet itself is built in electron/node/spa-packet.ts (see docs/spa.md for the format).
import { z } from 'zod';
import type { Parsed } from '../basics';
import { portSchema } from '../sequence/port-schema';
import { parsePort, parseProtocol } from '../sequence/sequence';

/** fwknopd's default UDP port. */
export const SPA_DEFAULT_PORT = 62201;

/** The digests fwknop 2.6.10 knows, by its own names (`--digest-type`, `--hmac-digest-type`). */
export const SPA_DIGESTS = [
  'md5',
  'sha1',
  'sha256',
  'sha384',
  'sha512',
  'sha3_256',
  'sha3_512',
] as const;

/** One of SPA_DIGESTS. */
export type SpaDigest = (typeof SPA_DIGESTS)[number];

/** A Rijndael key is at most 32 bytes (fwknop refuses more: "Invalid key length"). */
export const SPA_KEY_MAX_BYTES = 32;

/** An HMAC key is at most 128 bytes (fwknop: "must be in [0,128]"). */
export const SPA_HMAC_KEY_MAX_BYTES = 128;

/** The most ports one request may ask for: fwknop's message is at most 256 characters. */
export const SPA_MAX_ACCESS = 16;

/** Parses a digest name as fwknop writes it, in any case (`SHA256`, `sha3_256`). */
export function parseSpaDigest(text: string): Parsed<SpaDigest> {
  const lower = text.trim().toLowerCase();
  const found = SPA_DIGESTS.find((d) => d === lower);
  return found
    ? { ok: true, value: found }
    : { ok: false, error: `unknown digest "${text}" (use ${SPA_DIGESTS.join(', ')})` };
}

const digestSchema = z.enum(SPA_DIGESTS, {
  error: `digest must be one of ${SPA_DIGESTS.join(', ')}`,
});

/** The bytes a base64 text decodes to, or undefined when it is not base64 (padding optional). */
export function base64Length(text: string): number | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const body = text.replace(/=+$/, '');
  if (body.length % 4 === 1) return undefined;
  if (text.length !== body.length && text.length % 4 !== 0) return undefined;
  return Math.floor((body.length * 3) / 4);
}

/** The UTF-8 length of a text (a passphrase's limit is in bytes). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

function base64Key(what: string, max: number) {
  return z.string().refine(
    (v) => {
      const n = base64Length(v);
      return n !== undefined && n >= 1 && n <= max;
    },
    { error: `${what} must be base64 of 1 to ${String(max)} bytes` },
  );
}

/** A passphrase holds no control characters (it is typed, and .fwknoprc holds it on one line). */
const CONTROL = /[\u0000-\u001f\u007f]/; // eslint-disable-line no-control-regex

/** The Rijndael key: base64 (`--key-base64-rijndael`, KEY_BASE64) or a passphrase (`--key-rijndael`, KEY). */
export const spaKeySchema = z.discriminatedUnion('encoding', [
  z.strictObject({
    encoding: z.literal('base64'),
    value: base64Key('the key', SPA_KEY_MAX_BYTES),
  }),
  z.strictObject({
    encoding: z.literal('passphrase'),
    value: z
      .string()
      .min(1, 'the passphrase is empty')
      .refine((v) => utf8Length(v) <= SPA_KEY_MAX_BYTES, {
        error: `the passphrase is longer than ${String(SPA_KEY_MAX_BYTES)} bytes`,
      })
      .refine((v) => !CONTROL.test(v), 'the passphrase must not hold control characters'),
  }),
]);

/** One port the request opens (`tcp/22`). */
export const spaAccessSchema = z.strictObject({
  protocol: z.enum(['tcp', 'udp'], { error: 'protocol must be tcp or udp' }),
  port: portSchema,
});

/** A port the request opens. */
export type SpaAccess = z.infer<typeof spaAccessSchema>;

const IPV4 =
  /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

/** True for a dotted-quad IPv4 address: the only kind fwknop's access message carries. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** A user name as fwknop puts it in the packet (`-U`): it is shown in fwknopd's log. */
export const spaUserSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'user may hold only 1 to 64 letters, digits and . _ @ -');

/**
 * An SPA request: where fwknopd listens (UDP `port`), what to open (`access`), for which address
 * (`allowIp`; absent: the packet's source, fwknop's `-s`), and the keys. `fwTimeout` asks for a
 * firewall timeout in seconds (fwknop's `-f`). GPG, NAT access and server commands are not offered.
 */
export const spaRequestSchema = z.strictObject({
  port: portSchema.default(SPA_DEFAULT_PORT),
  access: z
    .array(spaAccessSchema)
    .min(1, 'access is empty (give at least one port, such as tcp/22)')
    .max(SPA_MAX_ACCESS, `access may list at most ${String(SPA_MAX_ACCESS)} ports`),
  allowIp: z
    .string()
    .refine(isIpv4, 'allow address must be an IPv4 address (fwknop 2.6 carries IPv4 only)')
    .optional(),
  key: spaKeySchema,
  hmacKey: base64Key('the HMAC key', SPA_HMAC_KEY_MAX_BYTES).optional(),
  hmacDigest: digestSchema.default('sha256'),
  digest: digestSchema.default('sha256'),
  /** The user name the packet carries (fwknop's -U, SPOOF_USER); absent: the login name. */
  user: spaUserSchema.optional(),
  fwTimeout: z
    .number()
    .int('firewall timeout must be whole seconds')
    .min(1, 'firewall timeout must be at least 1 second')
    .max(65535, 'firewall timeout must be at most 65535 seconds')
    .optional(),
});

/** A validated SPA request. */
export type SpaRequest = z.infer<typeof spaRequestSchema>;

/** An SPA request as written by hand or read from a file: defaults not yet applied. */
export type SpaRequestInput = z.input<typeof spaRequestSchema>;

/** Parses fwknop's access list (`tcp/22`, `tcp/22,udp/53`), naming the element that is wrong. */
export function parseSpaAccess(text: string): Parsed<SpaAccess[]> {
  const elements = text.split(',').map((e) => e.trim());
  if (elements.every((e) => e === ''))
    return { ok: false, error: 'access is empty (use PROTO/PORT, such as tcp/22)' };
  const access: SpaAccess[] = [];
  for (const element of elements) {
    const slash = element.indexOf('/');
    if (slash === -1)
      return { ok: false, error: `access "${element}" is not PROTO/PORT (such as tcp/22)` };
    const protocol = parseProtocol(element.slice(0, slash));
    if (!protocol.ok) return { ok: false, error: `access "${element}": ${protocol.error}` };
    const port = parsePort(element.slice(slash + 1));
    if (!port.ok) return { ok: false, error: `access "${element}": ${port.error}` };
    access.push({ protocol: protocol.value, port: port.value });
  }
  if (access.length > SPA_MAX_ACCESS)
    return { ok: false, error: `access may list at most ${String(SPA_MAX_ACCESS)} ports` };
  return { ok: true, value: access };
}

/** An access list as fwknop writes it: `tcp/22,udp/53`. */
export function formatSpaAccess(access: readonly SpaAccess[]): string {
  return access.map((a) => `${a.protocol}/${String(a.port)}`).join(',');
}

/** The access message fwknopd reads: the address to allow (0.0.0.0: the source), then the ports. */
export function spaAccessMessage(request: Pick<SpaRequest, 'allowIp' | 'access'>): string {
  return `${request.allowIp ?? '0.0.0.0'},${formatSpaAccess(request.access)}`;
}

/** What Sesame's SPA does not do, said the same way by the CLI, the import and the docs. */
export const SPA_SCOPE =
  'Sesame sends Rijndael+HMAC access requests only: GPG, NAT access and server commands are not supported';
