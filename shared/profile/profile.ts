import { z } from 'zod';
import { fieldProblems, type FieldProblem } from '../field-problems';
import { parsePort, parseSequence, type Knock } from '../sequence/sequence';
import { portSchema } from '../sequence/port-schema';
import { spaRequestSchema } from '../spa/spa-request';
import {
  isRotating,
  rotatingFitProblem,
  rotatingSequenceSchema,
  type RotatingSequence,
  type RotatingSequenceInput,
} from '../rotating/rotating-sequence';
import { hasHiddenCharacters, hasHiddenCharactersInNotes, hiddenMessage } from './visible-text';

/**
 * Profile values that reach a terminal (host, ssh user, identity file; the port is a number) may
 * hold only characters that survive every way a terminal re-reads its command: lxterminal (and a
 * custom `-e` terminal) may join the words after `-e` and split them again with g_shell_parse_argv
 * or `sh -c`, and macOS Terminal and iTerm run AppleScript's `quoted form of` through the login
 * shell, where fish reads `\'` inside single quotes as a quote. A word of letters, digits and
 * `. _ - / @ : + , = %`, with `~` only as its first character (expanded as ssh itself would), not
 * starting with `=` (zsh expands `=cmd`), comes out of all of them unchanged. The fields below
 * allow subsets of this; the terminal builders check every ssh argument against it again.
 */
const TERMINAL_SAFE = /^~?[A-Za-z0-9._\-/@:+,=%]*$/;

/** True for a word no terminal re-splits or expands (see TERMINAL_SAFE); its only check. */
export function isTerminalSafeWord(word: string): boolean {
  return word !== '' && TERMINAL_SAFE.test(word) && !word.startsWith('=');
}

/** The first character of `value` outside `allowed` (a one-character regex), for messages. */
function firstOutside(value: string, allowed: RegExp, leadingTilde = false): string {
  const start = leadingTilde && value.startsWith('~') ? 1 : 0;
  return Array.from(value.slice(start)).find((ch) => !allowed.test(ch)) ?? '';
}

/** Refines a string to the characters `allowed`, naming the field and the first other character. */
function onlyCharacters(
  schema: z.ZodString,
  what: string,
  allowed: RegExp,
  listed: string,
  hint: (found: string) => string = () => '',
  leadingTilde = false,
) {
  const whole = new RegExp(`^${leadingTilde ? '~?' : ''}${allowed.source}*$`); // empty: min(1)
  return schema.refine((v) => whole.test(v), {
    error: (issue) => {
      const found = firstOutside(String(issue.input), allowed, leadingTilde);
      return `${what} may hold only ${listed} (found ${JSON.stringify(found)})${hint(found)}`;
    },
  });
}

/** Host and user: the argument never becomes an option (no leading `-`) and is terminal-safe. */
function safeArgument(what: string, hint?: (found: string) => string) {
  const base = z
    .string()
    .min(1, `${what} is empty`)
    .max(253, `${what} is longer than 253 characters`)
    .refine((v) => !v.startsWith('-'), `${what} must not start with "-"`);
  return onlyCharacters(base, what, /[A-Za-z0-9._:%+-]/, 'letters, digits and . _ : % + -', hint);
}

/** A host name or address to knock (validated so it can never become an ssh option). */
export const hostSchema = safeArgument('host', (found) =>
  found === '[' || found === ']' ? '; write an IPv6 address without [ ]' : '',
);

/** An ssh login name (same rules as a host). */
export const sshUserSchema = safeArgument('ssh user');

/**
 * The private key file for `ssh -i`: a terminal-safe path (no spaces, quotes or backslashes; `/`
 * works on Windows too, and `~/` is the home folder). No `%` either: ssh expands `%d`, `%u`... in it.
 */
export const identityFileSchema = onlyCharacters(
  z
    .string()
    .min(1, 'identity file is empty')
    .max(4096, 'identity file is longer than 4096 characters')
    .refine((v) => !v.startsWith('-'), 'identity file must not start with "-"')
    .refine((v) => !v.startsWith('='), 'identity file must not start with "="'),
  'identity file',
  /[A-Za-z0-9._\-/@:+,=]/,
  'letters, digits, . _ - / @ : + , = and a leading ~',
  () => '; give the key a path without it, or set IdentityFile for this host in ~/.ssh/config',
  true,
);

export { portSchema };

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

/**
 * An open or close sequence: fixed (a list of knocks) or rotating (derived from a secret and the
 * time, docs/rotating-sequences.md).
 */
export const doorSequenceSchema = z.unknown().transform((value, ctx) => {
  // Not a z.union: a union reports "Invalid input" for a bad hit (such as an unknown TCP flag)
  // instead of naming it; the value's shape picks the one schema that applies.
  if (!Array.isArray(value) && (typeof value !== 'object' || value === null)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'a sequence is a list of knocks ([{"port":7000,"protocol":"tcp"}, ...]) or a rotating sequence ({"secret":..., "label":...})',
      input: value,
    });
    return z.NEVER;
  }
  const parsed = (Array.isArray(value) ? sequenceSchema : rotatingSequenceSchema).safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues)
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input: value });
  return z.NEVER;
}) as unknown as z.ZodType<
  z.output<typeof sequenceSchema> | RotatingSequence,
  z.input<typeof sequenceSchema> | RotatingSequenceInput
>;

/** An open or close sequence as validated: fixed knocks or a rotating sequence. */
export type DoorSequence = z.infer<typeof doorSequenceSchema>;

/** Which address family the host is resolved to before knocking. */
export const familySchema = z.enum(['auto', 'ipv4', 'ipv6'], {
  error: 'family must be auto, ipv4 or ipv6',
});

/** The rules for the values that reach a terminal: today's, or those of earlier versions. */
interface TerminalValueRules {
  host: z.ZodType<string, string>;
  user: z.ZodType<string, string>;
  identityFile: z.ZodType<string, string>;
}

function profileObject(rules: TerminalValueRules) {
  return z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'id may hold only letters, digits, _ and -'),
    name: z
      .string()
      .trim()
      .min(1, 'name is empty')
      .max(64, 'name is longer than 64 characters')
      .refine((v) => !hasHiddenCharacters(v), hiddenMessage('name')),
    host: rules.host,
    family: familySchema.default('auto'),
    open: doorSequenceSchema.optional(),
    close: doorSequenceSchema.optional(),
    spa: spaRequestSchema.optional(),
    delayMs: delaySchema.default(0),
    servicePort: portSchema.default(22),
    ssh: z
      .strictObject({
        user: rules.user.optional(),
        port: portSchema.default(22),
        identityFile: rules.identityFile.optional(),
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
}

/**
 * A profile opens its door one way: a knock sequence (`open`) or an SPA request to fwknopd (`spa`).
 * Checked on the whole object, so the schemas below are refined; the `...Fields` objects without
 * the check are there for `.omit()` (zod refuses it on a refined object), and are re-checked with
 * this rule where they are used.
 */
export function checkOpenWay(
  profile: { open?: unknown; close?: unknown; spa?: unknown; delayMs?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  for (const name of ['open', 'close'] as const) {
    const sequence = profile[name];
    if (!isRotating(sequence)) continue;
    const problem = rotatingFitProblem(sequence as RotatingSequence, profile.delayMs ?? 0);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
  if (profile.open === undefined && profile.spa === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['open'],
      message: 'the profile needs an open sequence or an SPA request',
    });
  if (profile.open !== undefined && profile.spa !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['spa'],
      message: 'a profile opens with a knock sequence or an SPA request, not both',
    });
}

/** The fields of a profile, without the check that it opens one way (see checkOpenWay). */
export const profileFields = profileObject({
  host: hostSchema,
  user: sshUserSchema,
  identityFile: identityFileSchema,
});

/** A saved server: where to knock, the open (a sequence or an SPA request) and close, and how to ssh in afterwards. */
export const profileSchema = profileFields.superRefine(checkOpenWay);

/**
 * An identity file as versions before the terminal-safe rules accepted it (a space, a quote): still
 * fine where no terminal re-reads it, such as an IdentityFile line of ssh_config, quoted.
 */
export function storedIdentityFileSchema() {
  return z
    .string()
    .min(1, 'identity file is empty')
    .max(4096, 'identity file is longer than 4096 characters')
    .refine((v) => !v.startsWith('-'), 'identity file must not start with "-"')
    .refine((v) => !hasHiddenCharacters(v), hiddenMessage('identity file'));
}

/** Host and user as versions before the terminal-safe rules accepted them (`[ ]` too). */
function earlierArgument(what: string) {
  return z
    .string()
    .min(1, `${what} is empty`)
    .max(253, `${what} is longer than 253 characters`)
    .refine((v) => !v.startsWith('-'), `${what} must not start with "-"`)
    .refine(
      (v) => /^[A-Za-z0-9._:%+[\]-]+$/.test(v),
      `${what} may hold only letters, digits and . _ : % + [ ] -`,
    );
}

/**
 * A profile as read from the profile file: host, ssh user and identity file under the rules of
 * earlier versions, which allowed a space in the identity file's path or an IPv6 host in `[ ]`.
 * Such a profile still loads (none is lost, and knocking needs none of these); ssh-argv.ts refuses
 * to start ssh for it, naming the field, and saving it again asks for a terminal-safe value.
 */
export const storedProfileFields = profileObject({
  host: earlierArgument('host'),
  user: earlierArgument('ssh user'),
  identityFile: storedIdentityFileSchema(),
});

/** storedProfileFields with the check that the profile opens one way. */
export const storedProfileSchema = storedProfileFields.superRefine(checkOpenWay);

/** A validated profile. */
export type Profile = z.infer<typeof profileSchema>;

/** A profile as written by hand or by an older file: defaults not yet applied. */
export type ProfileInput = z.input<typeof profileSchema>;

/** Validates unknown data as a profile; failures list every bad field (under `prefix`, if given). */
export function parseProfile(
  data: unknown,
  prefix = '',
): { ok: true; value: Profile } | { ok: false; problems: FieldProblem[] } {
  const result = profileSchema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: fieldProblems(result.error, prefix) };
}

/** Validates a record read from the profile file (earlier versions' rules for terminal values). */
export function parseStoredProfile(
  data: unknown,
): { ok: true; value: Profile } | { ok: false; problems: FieldProblem[] } {
  const result = storedProfileSchema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: fieldProblems(result.error) };
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
