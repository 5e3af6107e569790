import { fieldProblems, type FieldProblem } from '../../../shared/field-problems';
import { profileDraftSchema, type ProfileDraft } from '../../../shared/ipc/contract';
import type { Profile } from '../../../shared/profile/profile';
import type { Knock, Protocol } from '../../../shared/sequence/sequence';
import type { TcpFlagTest } from '../../../shared/sequence/tcp-flags';
import type { Parsed } from '../../../shared/basics';
import { isRotating } from '../../../shared/rotating/rotating-sequence';
import { emptySpaFields, spaFieldsFrom, spaFromFields, type SpaFields } from './spa-form';
import {
  emptyRotatingFields,
  rotatingFieldsFrom,
  rotatingFieldsFromUri,
  rotatingFromFields,
  type RotatingFields,
} from './rotating-form';
import { optionalWholeNumber, requiredWholeNumber } from './whole-number';

/** One hit of a sequence as the editor holds it: text fields as typed, a stable key for React. */
export interface HitRow {
  key: number;
  port: string;
  protocol: Protocol;
  /** Empty: the profile's default delay. */
  delay: string;
  /** Kept from an imported door (not editable here); dropped when the hit turns UDP. */
  tcpFlags: TcpFlagTest | undefined;
}

/** The two sequences a profile has. */
export type SequenceName = 'open' | 'close';

/** The editor's state: every field as the user typed it. */
export interface ProfileForm {
  name: string;
  host: string;
  family: 'auto' | 'ipv4' | 'ipv6';
  open: HitRow[];
  close: HitRow[];
  delay: string;
  servicePort: string;
  sshUser: string;
  sshPort: string;
  identityFile: string;
  notes: string;
  /** How the door opens: a fixed sequence, a rotating one, or one SPA packet to fwknopd. */
  openWith: 'sequence' | 'rotating' | 'spa';
  /** How it closes: a fixed sequence (none when it has no hits) or a rotating one. */
  closeWith: 'sequence' | 'rotating';
  /** The SPA request's fields (kept while another way is chosen, so switching back loses nothing). */
  spa: SpaFields;
  /** The rotating open and close sequences' fields (kept the same way). */
  openRotating: RotatingFields;
  closeRotating: RotatingFields;
}

let lastKey = 0;

/** A new editor row (a fresh key each time so React keeps inputs with their rows when reordering). */
export function newRow(knock?: Partial<Knock>): HitRow {
  lastKey += 1;
  return {
    key: lastKey,
    port: knock?.port === undefined ? '' : String(knock.port),
    protocol: knock?.protocol ?? 'tcp',
    delay: knock?.delayMs === undefined ? '' : String(knock.delayMs),
    tcpFlags: knock?.tcpFlags,
  };
}

/** Editor rows for a sequence. */
export function rowsFromKnocks(knocks: readonly Knock[] | undefined): HitRow[] {
  return (knocks ?? []).map((knock) => newRow(knock));
}

/** The form of a new profile: one empty hit to start from, and the schema's defaults. */
export function emptyForm(): ProfileForm {
  return {
    name: '',
    host: '',
    family: 'auto',
    open: [newRow()],
    close: [],
    delay: '0',
    servicePort: '22',
    sshUser: '',
    sshPort: '22',
    identityFile: '',
    notes: '',
    openWith: 'sequence',
    closeWith: 'sequence',
    spa: emptySpaFields(),
    openRotating: emptyRotatingFields('open'),
    closeRotating: emptyRotatingFields('close'),
  };
}

/**
 * The form of a new profile from a sesame://rotating link: its rotating sequence opens the door,
 * its host (if it names one) is the host; the rest is left to the user, who saves or not.
 */
export function formFromLink(uri: string): Parsed<ProfileForm> {
  const read = rotatingFieldsFromUri(uri);
  if (!read.ok) return read;
  return {
    ok: true,
    value: {
      ...emptyForm(),
      host: read.value.host ?? '',
      openWith: 'rotating',
      openRotating: read.value.fields,
    },
  };
}

/** The form showing a saved profile. */
export function formFromProfile(profile: Profile): ProfileForm {
  return {
    name: profile.name,
    host: profile.host,
    family: profile.family,
    open: isRotating(profile.open) ? [newRow()] : rowsFromKnocks(profile.open),
    close: isRotating(profile.close) ? [] : rowsFromKnocks(profile.close),
    delay: String(profile.delayMs),
    servicePort: String(profile.servicePort),
    sshUser: profile.ssh.user ?? '',
    sshPort: String(profile.ssh.port),
    identityFile: profile.ssh.identityFile ?? '',
    notes: profile.notes ?? '',
    openWith: profile.spa ? 'spa' : isRotating(profile.open) ? 'rotating' : 'sequence',
    closeWith: isRotating(profile.close) ? 'rotating' : 'sequence',
    spa: profile.spa ? spaFieldsFrom(profile.spa) : emptySpaFields(),
    openRotating: isRotating(profile.open)
      ? rotatingFieldsFrom(profile.open)
      : emptyRotatingFields('open'),
    closeRotating: isRotating(profile.close)
      ? rotatingFieldsFrom(profile.close)
      : emptyRotatingFields('close'),
  };
}

function knocksFromRows(rows: readonly HitRow[], name: SequenceName, problems: FieldProblem[]) {
  return rows.map((row, i): Knock => {
    const port = requiredWholeNumber(row.port, `${name}[${i}].port`, 'port', problems);
    const delayMs = optionalWholeNumber(row.delay, `${name}[${i}].delayMs`, 'delay', problems);
    return {
      port,
      protocol: row.protocol,
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(row.tcpFlags && row.protocol === 'tcp' ? { tcpFlags: row.tcpFlags } : {}),
    };
  });
}

/** The draft to send to `profiles:save`, and the fields whose text is not even a number. */
export function draftFromForm(form: ProfileForm): {
  draft: ProfileDraft;
  problems: FieldProblem[];
} {
  const problems: FieldProblem[] = [];
  const spa = form.openWith === 'spa' ? spaFromFields(form.spa, problems) : undefined;
  const open =
    form.openWith === 'rotating'
      ? rotatingFromFields(form.openRotating, 'open', problems)
      : spa
        ? undefined
        : knocksFromRows(form.open, 'open', problems);
  const close =
    form.closeWith === 'rotating'
      ? rotatingFromFields(form.closeRotating, 'close', problems)
      : knocksFromRows(form.close, 'close', problems);
  const delayMs = optionalWholeNumber(form.delay, 'delayMs', 'delay', problems);
  const servicePort = optionalWholeNumber(form.servicePort, 'servicePort', 'port', problems);
  const sshPort = optionalWholeNumber(form.sshPort, 'ssh.port', 'port', problems);
  const user = form.sshUser.trim();
  const draft: ProfileDraft = {
    name: form.name,
    host: form.host.trim(),
    family: form.family,
    ...(spa ? { spa } : { open }),
    ...(isRotating(close) || close.length > 0 ? { close } : {}),
    ...(delayMs !== undefined ? { delayMs } : {}),
    ...(servicePort !== undefined ? { servicePort } : {}),
    ssh: {
      ...(user !== '' ? { user } : {}),
      ...(sshPort !== undefined ? { port: sshPort } : {}),
      ...(form.identityFile.trim() !== '' ? { identityFile: form.identityFile } : {}),
    },
    ...(form.notes.trim() !== '' ? { notes: form.notes } : {}),
  };
  return { draft, problems };
}

/**
 * Checks the form as `profiles:save` will: numbers first, then the shared draft schema, keeping the
 * first problem of each field. The draft is what to send once there is no problem.
 */
export function validateForm(form: ProfileForm): { draft: ProfileDraft; problems: FieldProblem[] } {
  const { draft, problems } = draftFromForm(form);
  const parsed = profileDraftSchema.safeParse(draft);
  if (parsed.success) return { draft, problems };
  // One message per field: the schema's later checks mostly restate the first (an empty host also
  // "may hold only letters...").
  const named = new Set(problems.map((p) => p.field));
  for (const problem of fieldProblems(parsed.error)) {
    if (named.has(problem.field)) continue;
    named.add(problem.field);
    problems.push(problem);
  }
  return { draft, problems };
}

/**
 * The server's problems for `profiles:save` name fields of its input (`profile.open[1].port`); the
 * form's fields are those of the profile (`open[1].port`, '' for the profile as a whole).
 */
export function fromServerProblems(problems: readonly FieldProblem[] | undefined): FieldProblem[] {
  return (problems ?? []).map((p) => ({
    field:
      p.field === 'profile'
        ? ''
        : p.field.startsWith('profile.')
          ? p.field.slice('profile.'.length)
          : p.field,
    message: p.message,
  }));
}

const TOP_LABELS: Readonly<Record<string, string>> = {
  name: 'Name',
  host: 'Host',
  family: 'Address family',
  open: 'Open sequence',
  close: 'Close sequence',
  delayMs: 'Delay between hits',
  servicePort: 'Service port',
  ssh: 'SSH',
  'ssh.user': 'SSH user',
  'ssh.port': 'SSH port',
  'ssh.identityFile': 'Identity file',
  notes: 'Notes',
  spa: 'SPA request',
  'open.secret': 'Open secret',
  'open.label': 'Open label',
  'open.stepSeconds': 'Open step',
  'open.length': 'Open knocks',
  'open.ports': 'Open ports',
  'open.protocols': 'Open protocols',
  'close.secret': 'Close secret',
  'close.label': 'Close label',
  'close.stepSeconds': 'Close step',
  'close.length': 'Close knocks',
  'close.ports': 'Close ports',
  'close.protocols': 'Close protocols',
  'spa.access': 'SPA access',
  'spa.port': 'fwknopd port',
  'spa.allowIp': 'Address to allow',
  'spa.key': 'SPA key',
  'spa.key.value': 'SPA key',
  'spa.hmacKey': 'HMAC key',
  'spa.hmacDigest': 'HMAC digest',
  'spa.digest': 'Digest',
  'spa.user': 'SPA user',
  'spa.fwTimeout': 'Firewall timeout',
};

const HIT_LABELS: Readonly<Record<string, string>> = {
  port: 'port',
  protocol: 'protocol',
  delayMs: 'delay',
  tcpFlags: 'TCP flags',
};

/** The field in the user's words: `open[1].port` is "Open sequence hit 2 port". */
export function fieldLabel(field: string): string {
  const hit = /^(open|close)\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (hit) {
    const [, sequence = '', index = '0', part] = hit;
    const base = `${TOP_LABELS[sequence] ?? sequence} hit ${Number(index) + 1}`;
    return part ? `${base} ${HIT_LABELS[part] ?? part}` : base;
  }
  return TOP_LABELS[field] ?? (field === '' ? 'Profile' : field);
}

/** The part of the form a field belongs to; editing it clears the server's problems there. */
export function fieldGroup(field: string): string {
  const sequence = /^(open|close)[[.]/.exec(field);
  return sequence?.[1] ?? field;
}
