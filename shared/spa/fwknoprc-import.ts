// ~/.fwknoprc -> Sesame profiles that open with SPA. The file is fwknop's: `[stanza]` lines start
// a stanza, each other line is `VARIABLE value` (fwknop(8), "FWKNOPRC FILE"); `[default]` holds
// values every other stanza starts from. Each named stanza becomes one profile; what Sesame does
// not do (GPG, NAT access, resolving the address over HTTP) skips the stanza with a note.
import { fieldProblems } from '../field-problems';
import { hostSchema, type ProfileInput } from '../profile/profile';
import { showHidden } from '../profile/visible-text';
import {
  parseSpaAccess,
  parseSpaDigest,
  SPA_SCOPE,
  spaRequestSchema,
  type SpaRequestInput,
} from './spa-request';

/** The largest .fwknoprc imported, in characters: real ones are a few KB. */
export const MAX_FWKNOPRC_CHARS = 64 * 1024;

/** A profile as the importer proposes it; the store gives it an id when it is saved. */
export type ImportedSpaProfile = Omit<ProfileInput, 'id'>;

/** The proposed profiles in file order and one note per decision the user should check, or why
 * nothing could be imported. */
export type FwknoprcImportResult =
  { ok: true; profiles: ImportedSpaProfile[]; notes: string[] } | { ok: false; error: string };

/** Directives that set what Sesame sends. */
const USED = new Set([
  'SPA_SERVER',
  'ACCESS',
  'ALLOW_IP',
  'SPA_SERVER_PORT',
  'SPA_SERVER_PROTO',
  'KEY',
  'KEY_BASE64',
  'USE_HMAC',
  'HMAC_KEY',
  'HMAC_KEY_BASE64',
  'HMAC_DIGEST_TYPE',
  'DIGEST_TYPE',
  'FW_TIMEOUT',
  'SPOOF_USER',
  'ENCRYPTION_MODE',
  'USE_GPG',
  'RESOLVE_IP_HTTPS',
]);

/** Directives of fwknop's that change nothing Sesame sends (or that only matter with GPG or NAT,
 * which the stanza's own USE_GPG / NAT_ACCESS decide): noted and left out. */
const IGNORED = new Set([
  'SPA_SOURCE_PORT',
  'TIME_OFFSET',
  'RAND_PORT',
  'SPOOF_SOURCE_IP',
  'NO_SAVE_ARGS',
  'VERBOSE',
  'RESOLVE_URL',
  'RESOLVE_HTTP_ONLY',
  'WGET_CMD',
  'HTTP_USER_AGENT',
  'USE_WGET_USER_AGENT',
  'USE_GPG_AGENT',
  'GPG_SIGNING_PW',
  'GPG_SIGNING_PW_BASE64',
  'GPG_SIGNER',
  'GPG_RECIPIENT',
  'GPG_HOMEDIR',
  'GPG_EXE',
]);

/** Directives for what Sesame does not do: a stanza that sets them is skipped. */
const UNSUPPORTED: Record<string, string> = {
  NAT_ACCESS: 'NAT access',
  NAT_LOCAL: 'NAT access',
  NAT_PORT: 'NAT access',
  NAT_RAND_PORT: 'NAT access',
  KEY_FILE: 'a key read from a file (put KEY or KEY_BASE64 in the stanza)',
};

/** Those of UNSUPPORTED that are Y/N switches: only Y is refused. */
const SWITCHES = new Set(['NAT_LOCAL', 'NAT_RAND_PORT']);

/** One `VARIABLE value` line, with its line number for messages. */
interface Setting {
  value: string;
  line: number;
}

interface Stanza {
  name: string;
  line: number;
  settings: Map<string, Setting>;
}

/** True for text that reads as a .fwknoprc: a stanza line and a directive fwknop knows. */
export function looksLikeFwknoprc(text: string): boolean {
  const head = text.slice(0, MAX_FWKNOPRC_CHARS);
  return (
    /^\s*\[[^\]\n]+\]\s*$/m.test(head) &&
    /^\s*(SPA_SERVER|ACCESS|KEY_BASE64|HMAC_KEY_BASE64)\s/m.test(head)
  );
}

const isYes = (value: string | undefined) => value !== undefined && /^y/i.test(value.trim());

/** Reads the file into stanzas; lines outside any stanza and unknown directives become notes. */
function readStanzas(text: string, notes: string[]): Stanza[] {
  const stanzas: Stanza[] = [];
  let current: Stanza | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    const at = index + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[') && line.endsWith(']')) {
      current = { name: line.slice(1, -1).trim(), line: at, settings: new Map() };
      stanzas.push(current);
      continue;
    }
    const gap = line.search(/\s/);
    const variable = (gap === -1 ? line : line.slice(0, gap)).toUpperCase();
    const value = gap === -1 ? '' : line.slice(gap).trim();
    if (!current) {
      notes.push(`line ${String(at)}: ${showHidden(variable)} is outside any [stanza]: ignored`);
      continue;
    }
    if (!USED.has(variable) && !IGNORED.has(variable) && !(variable in UNSUPPORTED)) {
      notes.push(
        `line ${String(at)}: ${showHidden(variable)} is not a .fwknoprc directive Sesame knows: ignored`,
      );
      continue;
    }
    current.settings.set(variable, { value, line: at });
  }
  return stanzas;
}

/** A stanza as one profile, or why it cannot be one; `notes` gets what the user should check. */
function profileOf(
  stanza: Stanza,
  defaults: Map<string, Setting>,
  notes: string[],
): ImportedSpaProfile | string {
  const all = new Map([...defaults, ...stanza.settings]);
  const get = (name: string) => all.get(name)?.value;
  const where = (name: string) => `line ${String(all.get(name)?.line ?? stanza.line)}: ${name}`;
  for (const [name, what] of Object.entries(UNSUPPORTED)) {
    const value = get(name);
    if (value === undefined || (SWITCHES.has(name) && !isYes(value))) continue;
    return `${where(name)}: ${what} is not supported. ${SPA_SCOPE}`;
  }
  if (isYes(get('USE_GPG'))) return `${where('USE_GPG')}: GPG is not supported. ${SPA_SCOPE}`;
  for (const name of stanza.settings.keys())
    if (IGNORED.has(name))
      notes.push(`[${stanza.name}] ${where(name)} is left out (Sesame does not use it)`);
  const host = get('SPA_SERVER');
  if (host === undefined) return 'no SPA_SERVER (the fwknopd host)';
  const checkedHost = hostSchema.safeParse(host);
  if (!checkedHost.success)
    return `${where('SPA_SERVER')}: ${checkedHost.error.issues[0]?.message ?? ''}`;
  const accessText = get('ACCESS');
  if (accessText === undefined) return 'no ACCESS (the ports to open, such as tcp/22)';
  const access = parseSpaAccess(accessText);
  if (!access.ok) return `${where('ACCESS')}: ${access.error}`;
  const proto = get('SPA_SERVER_PROTO');
  if (proto !== undefined && proto.toLowerCase() !== 'udp')
    return `${where('SPA_SERVER_PROTO')}: only udp is supported (found ${showHidden(proto)})`;
  const mode = get('ENCRYPTION_MODE');
  if (mode !== undefined && mode.toLowerCase() !== 'cbc')
    return `${where('ENCRYPTION_MODE')}: only CBC is supported (found ${showHidden(mode)})`;
  const request: SpaRequestInput = {
    access: access.value,
    key: { encoding: 'passphrase', value: '' },
  };
  const allow = get('ALLOW_IP');
  if (isYes(get('RESOLVE_IP_HTTPS')) || allow?.toLowerCase() === 'resolve')
    return `${where(allow?.toLowerCase() === 'resolve' ? 'ALLOW_IP' : 'RESOLVE_IP_HTTPS')}: asking a web service for the address (fwknop -R) is not supported; give the address or "source"`;
  if (allow === undefined)
    notes.push(
      `[${stanza.name}] has no ALLOW_IP: fwknopd lets in the address the packet comes from (fwknop -s)`,
    );
  else if (allow.toLowerCase() !== 'source') request.allowIp = allow;
  const keyBase64 = get('KEY_BASE64');
  const key = get('KEY');
  if (keyBase64 !== undefined) request.key = { encoding: 'base64', value: keyBase64 };
  else if (key !== undefined) request.key = { encoding: 'passphrase', value: key };
  else return 'no KEY or KEY_BASE64 (fwknop would ask for it; Sesame needs it in the file)';
  const hmacBase64 = get('HMAC_KEY_BASE64');
  const hmacRaw = get('HMAC_KEY');
  const useHmac = get('USE_HMAC');
  if (useHmac !== undefined && !isYes(useHmac) && (hmacBase64 ?? hmacRaw) !== undefined)
    notes.push(`[${stanza.name}] ${where('USE_HMAC')} is N: its HMAC key is not used`);
  else if (hmacBase64 !== undefined) request.hmacKey = hmacBase64;
  else if (hmacRaw !== undefined) request.hmacKey = base64OfText(hmacRaw);
  else if (isYes(useHmac))
    return `${where('USE_HMAC')}: no HMAC_KEY or HMAC_KEY_BASE64 (fwknop would ask for it; Sesame needs it in the file)`;
  for (const [name, field] of [
    ['HMAC_DIGEST_TYPE', 'hmacDigest'],
    ['DIGEST_TYPE', 'digest'],
  ] as const) {
    const text = get(name);
    if (text === undefined) continue;
    const digest = parseSpaDigest(text);
    if (!digest.ok) return `${where(name)}: ${digest.error}`;
    request[field] = digest.value;
  }
  const port = get('SPA_SERVER_PORT');
  if (port !== undefined) {
    if (!/^[0-9]+$/.test(port))
      return `${where('SPA_SERVER_PORT')}: "${showHidden(port)}" is not a port number`;
    request.port = Number(port);
  }
  const timeout = get('FW_TIMEOUT');
  if (timeout !== undefined) {
    if (!/^[0-9]+$/.test(timeout))
      return `${where('FW_TIMEOUT')}: "${showHidden(timeout)}" is not a whole number of seconds`;
    request.fwTimeout = Number(timeout);
  }
  const user = get('SPOOF_USER');
  if (user !== undefined) request.user = user;
  const checked = spaRequestSchema.safeParse(request);
  if (!checked.success) {
    const problem = fieldProblems(checked.error)[0];
    const field = problem?.field.split(/[.[]/)[0] ?? '';
    const variable = DIRECTIVE_OF[field]?.(request) ?? field;
    return `${where(variable)}: ${problem?.message ?? 'invalid'}`;
  }
  const servicePort = access.value.find((a) => a.protocol === 'tcp')?.port ?? 22;
  return {
    name: stanza.name,
    host,
    spa: checked.data,
    servicePort,
    ssh: { port: servicePort },
  };
}

/** The directive a request field comes from, for messages. */
const DIRECTIVE_OF: Record<string, (r: SpaRequestInput) => string> = {
  port: () => 'SPA_SERVER_PORT',
  allowIp: () => 'ALLOW_IP',
  key: (r) => (r.key.encoding === 'base64' ? 'KEY_BASE64' : 'KEY'),
  hmacKey: () => 'HMAC_KEY_BASE64',
  fwTimeout: () => 'FW_TIMEOUT',
  user: () => 'SPOOF_USER',
};

/** Base64 of a text's UTF-8 bytes (HMAC_KEY is the key's bytes as text), without Node or DOM. */
function base64OfText(text: string): string {
  const bytes: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) bytes.push(cp);
    else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else
      bytes.push(
        0xf0 | (cp >> 18),
        0x80 | ((cp >> 12) & 63),
        0x80 | ((cp >> 6) & 63),
        0x80 | (cp & 63),
      );
  }
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    const n = (a << 16) | (b << 8) | c;
    out += alphabet.charAt(n >> 18) + alphabet.charAt((n >> 12) & 63);
    out += i + 1 < bytes.length ? alphabet.charAt((n >> 6) & 63) : '=';
    out += i + 2 < bytes.length ? alphabet.charAt(n & 63) : '=';
  }
  return out;
}

/**
 * Turns a .fwknoprc into profiles: one per named stanza (and `[default]` when it names a server
 * and is the only stanza), each starting from `[default]`'s values. A stanza Sesame cannot send
 * is skipped with a note naming its line; nothing importable is a failure listing why.
 */
export function importFwknoprc(text: string): FwknoprcImportResult {
  if (text.length > MAX_FWKNOPRC_CHARS)
    return {
      ok: false,
      error: `the .fwknoprc is larger than ${String(MAX_FWKNOPRC_CHARS / 1024)} KB`,
    };
  const notes: string[] = [];
  const stanzas = readStanzas(text.replaceAll('\r', ''), notes);
  const defaults = stanzas.filter((s) => s.name.toLowerCase() === 'default');
  const named = stanzas.filter((s) => s.name.toLowerCase() !== 'default');
  const base = new Map(defaults.flatMap((s) => [...s.settings]));
  const candidates =
    named.length > 0 ? named : defaults.filter((s) => s.settings.has('SPA_SERVER'));
  const profiles: ImportedSpaProfile[] = [];
  const skipped: string[] = [];
  for (const stanza of candidates) {
    // A skipped stanza's notes would only distract: the one line saying why is enough.
    const stanzaNotes: string[] = [];
    const from = named.length > 0 ? base : new Map<string, Setting>();
    const profile = profileOf(stanza, from, stanzaNotes);
    const label = `[${showHidden(stanza.name)}] (line ${String(stanza.line)})`;
    if (typeof profile === 'string') skipped.push(`${label} skipped: ${profile}`);
    else {
      profiles.push(profile);
      notes.push(...stanzaNotes);
    }
  }
  if (profiles.length === 0)
    return {
      ok: false,
      error:
        candidates.length === 0
          ? 'no stanza to import (a [name] stanza with SPA_SERVER and ACCESS)'
          : `no stanza could be imported:\n${skipped.join('\n')}`,
    };
  return { ok: true, profiles, notes: [...skipped, ...notes] };
}
