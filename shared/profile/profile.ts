import { z } from 'zod';
import { parsePort, parseSequence, type Knock } from '../sequence/sequence';
import {
  hasHiddenCharacters,
  hasHiddenCharactersInNotes,
  hiddenMessage,
  showHidden,
} from './visible-text';

/**
 * A host or user that is safe to hand to ssh and terminals as an argument: no leading `-` (it would
 * be read as an option, e.g. `-oProxyCommand=...`), no whitespace, no shell metacharacters.
 */
const SAFE_ARG = /^[A-Za-z0-9._:%+[\]-]+$/;

function safeArgument(what: string) {
  return z
    .string()
    .min(1, `${what} is empty`)
    .max(253, `${what} is longer than 253 characters`)
    .refine((v) => !v.startsWith('-'), `${what} must not start with "-"`)
    .refine((v) => SAFE_ARG.test(v), `${what} may hold only letters, digits and . _ : % + [ ] -`);
}

/** A host name or address to knock (validated so it can never become an ssh option). */
export const hostSchema = safeArgument('host');

/** An ssh login name (same rules as a host). */
export const sshUserSchema = safeArgument('ssh user');

/** A TCP/UDP port, 1..65535. */
export const portSchema = z
  .number()
  .int('port must be a whole number')
  .min(1, 'port must be 1-65535')
  .max(65535, 'port must be 1-65535');

/** Milliseconds to wait after a hit; a minute is far more than any knockd seq_timeout allows per hit. */
export const delaySchema = z
  .number()
  .int('delay must be whole milliseconds')
  .min(0, 'delay must not be negative')
  .max(60_000, 'delay must be at most 60000 ms');

const flagNameSchema = z.enum(['fin', 'syn', 'rst', 'psh', 'ack', 'urg'], {
  error: 'TCP flag must be one of fin, syn, rst, psh, ack, urg',
});

const tcpFlagsSchema = z
  .strictObject({ set: z.array(flagNameSchema), clear: z.array(flagNameSchema) })
  .refine(
    (f) => !f.set.some((name) => f.clear.includes(name)),
    'a TCP flag cannot be both set and clear',
  )
  .refine((f) => f.set.length > 0, 'TCP flags need at least one flag to set');

const knockSchema = z
  .strictObject({
    port: portSchema,
    protocol: z.enum(['tcp', 'udp'], { error: 'protocol must be tcp or udp' }),
    delayMs: delaySchema.optional(),
    tcpFlags: tcpFlagsSchema.optional(),
  })
  .refine((k) => k.protocol === 'tcp' || k.tcpFlags === undefined, {
    message: 'TCP flags apply only to tcp hits',
    path: ['tcpFlags'],
  });

/** A knock sequence as stored: 1 to 32 hits (knockd refuses longer sequences). */
export const sequenceSchema = z
  .array(knockSchema)
  .min(1, 'the sequence is empty')
  .max(32, 'knockd accepts at most 32 ports in a sequence');

/** Which address family the host is resolved to before knocking. */
export const familySchema = z.enum(['auto', 'ipv4', 'ipv6'], {
  error: 'family must be auto, ipv4 or ipv6',
});

/** A saved server: where to knock, the open/close sequences, and how to ssh in afterwards. */
export const profileSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id may hold only letters, digits, _ and -'),
  name: z
    .string()
    .trim()
    .min(1, 'name is empty')
    .max(64, 'name is longer than 64 characters')
    .refine((v) => !hasHiddenCharacters(v), hiddenMessage('name')),
  host: hostSchema,
  family: familySchema.default('auto'),
  open: sequenceSchema,
  close: sequenceSchema.optional(),
  delayMs: delaySchema.default(0),
  servicePort: portSchema.default(22),
  ssh: z
    .strictObject({
      user: sshUserSchema.optional(),
      port: portSchema.default(22),
      identityFile: z
        .string()
        .min(1, 'identity file is empty')
        .max(4096, 'identity file is longer than 4096 characters')
        .refine((v) => !v.startsWith('-'), 'identity file must not start with "-"')
        .refine((v) => !hasHiddenCharacters(v), hiddenMessage('identity file'))
        .optional(),
    })
    .default({ port: 22 }),
  notes: z
    .string()
    .max(10_000, 'notes are longer than 10000 characters')
    .refine(
      (v) => !hasHiddenCharactersInNotes(v),
      'notes must not contain control or format characters other than tabs and line breaks (such as U+202E, which reverses text)',
    )
    .optional(),
});

/** A validated profile. */
export type Profile = z.infer<typeof profileSchema>;

/** A profile as written by hand or by an older file: defaults not yet applied. */
export type ProfileInput = z.input<typeof profileSchema>;

/** Turns zod's issues into one line per problem, each naming its field (`open[2].port: ...`);
 * control and format characters of keys the data brought are shown escaped. */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => showHidden(describeIssue(issue, prefix)));
}

function describeIssue(issue: z.core.$ZodIssue, prefix: string): string {
  const path = issue.path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    prefix,
  );
  return path ? `${path}: ${issue.message}` : issue.message;
}

/** Validates unknown data as a profile; failures list every bad field. */
export function parseProfile(
  data: unknown,
): { ok: true; value: Profile } | { ok: false; errors: string[] } {
  const result = profileSchema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: describeIssues(result.error) };
}

/** Parses a sequence typed by a user (`7000,8000:udp`) for a profile field, naming the field. */
export function parseSequenceField(
  field: string,
  text: string,
): { ok: true; value: Knock[] } | { ok: false; error: string } {
  const parsed = parseSequence(text);
  return parsed.ok ? parsed : { ok: false, error: `${field}: ${parsed.error}` };
}

/** Parses a port typed by a user for a profile field, naming the field. */
export function parsePortField(
  field: string,
  text: string,
): { ok: true; value: number } | { ok: false; error: string } {
  const parsed = parsePort(text);
  return parsed.ok ? parsed : { ok: false, error: `${field}: ${parsed.error}` };
}
