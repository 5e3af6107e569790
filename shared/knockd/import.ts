// knockd.conf -> Sesame profiles. The config is read with the existing parser; each door's command
// says which port it opens or closes, and doors for one port pair into a profile's open and close.
import { describeConfigError, parseKnockdConfig, type KnockdDoor } from './config';
import { describeIssues, hostSchema, type ProfileInput } from '../profile/profile';
import type { Knock } from '../sequence/sequence';
import { formatTcpFlags, type TcpFlagName, type TcpFlagTest } from '../sequence/tcp-flags';

/** A profile as the importer proposes it; the store gives it an id when it is saved. */
export type ImportedProfile = Omit<ProfileInput, 'id'>;

/**
 * What to import for: `host` is the server the config lives on (the file never names it);
 * `namePrefix` (at most 32 characters) goes before every name with a space; `takenNames` are names
 * already in use (the store's profiles), avoided like the result's own, ignoring case.
 */
export interface KnockdImportOptions {
  host: string;
  namePrefix?: string;
  takenNames?: readonly string[];
}

/** The proposed profiles in file order, and one note per decision the user should check. */
export type KnockdImportResult =
  { ok: true; profiles: ImportedProfile[]; notes: string[] } | { ok: false; error: string };

/** What a door's command does to the firewall, as far as its text tells. */
export type DoorDirection = 'open' | 'close' | 'unknown';

/** A door command read for the importer: its direction and the ports it names, in order. */
export interface DoorCommandReading {
  direction: DoorDirection;
  ports: number[];
}

const MAX_NAME = 64;
const MAX_PREFIX = 32;
const DEFAULT_PORT = 22;
const FLAG_ORDER: readonly TcpFlagName[] = ['syn', 'fin', 'rst', 'psh', 'ack', 'urg'];
const SERVICES: ReadonlyMap<string, number> = new Map([
  ['ssh', 22],
  ['http', 80],
  ['https', 443],
]);
// Words followed by a port: iptables, nft, firewall-cmd (space form), ufw `to any port 22`.
const PORT_KEYS = new Set(
  'dport --dport dports --dports --destination-port port --add-port --remove-port'.split(' '),
);
const PORT_KEYS_EQ = /^(?:--dports?|--destination-port|--(?:add|remove)-port|port)=(.*)$/;

/** Ports in `22`, `22,80`, `{22,`, `22/tcp`; ranges (`1000:2000`, `22-25`) name no single port. */
function portsIn(text: string): number[] {
  return text
    .split(',')
    .map((piece) => piece.replace(/[{}]/g, '').replace(/\/(?:tcp|udp)$/i, ''))
    .filter((piece) => /^[0-9]{1,5}$/.test(piece))
    .map(Number)
    .filter((port) => port >= 1 && port <= 65535);
}

/** Splits one shell statement into words, dropping quotes (rich rules are quoted). */
function words(statement: string): string[] {
  return statement
    .replace(/["']/g, '')
    .split(/\s+/)
    .filter((word) => word !== '');
}

/** Ports one statement names: iptables/nft `dport`, firewalld, ufw, Debian's `knock_add -d`. */
function statementPorts(all: readonly string[]): number[] {
  const ports: number[] = [];
  const knockAdd = all.some((w) => /(?:^|\/)knock_add$/.test(w));
  for (const [i, word] of all.entries()) {
    const next = all[i + 1] ?? '';
    const prev = (all[i - 1] ?? '').toLowerCase();
    const lower = word.toLowerCase();
    const eq = PORT_KEYS_EQ.exec(lower);
    if (eq) ports.push(...portsIn(eq[1] ?? ''));
    else if (PORT_KEYS.has(lower)) {
      // nft sets: `dport { 22, 80 }`
      const end = all.indexOf('}', i + 2);
      const values = next === '{' ? all.slice(i + 2, end === -1 ? undefined : end) : [next];
      for (const value of values) ports.push(...portsIn(value));
    } else if (knockAdd && word === '-d') ports.push(...portsIn(next));
    else if (
      /^--(?:add|remove)-service=/.test(lower) ||
      /^service name=/.test(`${prev} ${lower}`)
    ) {
      const service = SERVICES.get(lower.slice(lower.indexOf('=') + 1));
      if (service !== undefined) ports.push(service);
    } else if (/^(?:allow|deny|reject|limit)$/.test(lower)) ports.push(...portsIn(next));
  }
  return ports;
}

/** One statement's direction: the action (insert/delete) applied to the verdict (accept/drop). */
function statementDirection(all: readonly string[]): DoorDirection {
  const lower = all.map((w) => w.toLowerCase());
  const adds = all.some(
    (w, i) =>
      w === '-I' ||
      w === '-A' ||
      /^(?:add|insert|--insert|--append)$/.test(lower[i] ?? '') ||
      /^--add-/.test(lower[i] ?? '') ||
      /(?:^|\/)knock_add$/.test(w),
  );
  const removes = all.some(
    (w, i) => w === '-D' || /^(?:delete|--delete|del|remove)$|^--remove-/.test(lower[i] ?? ''),
  );
  const accepts = lower.some((w) => w === 'accept' || w === 'allow');
  const drops = lower.some((w) => w === 'drop' || w === 'deny' || w === 'reject');
  const verdict = accepts === drops ? undefined : accepts ? 'accept' : 'drop';
  if (adds && removes) return 'unknown';
  if (adds) return verdict === 'drop' ? 'close' : 'open';
  if (removes) return verdict === 'drop' ? 'open' : 'close';
  return verdict === undefined ? 'unknown' : verdict === 'accept' ? 'open' : 'close';
}

/**
 * Reads a door command so doors can be paired. Statements split at `;`, `&&`, `||`, `|` and new
 * lines; the last one with a direction decides (`iptables -D ...; iptables -I ...` opens). Adding an
 * ACCEPT rule opens, deleting it closes; adding a DROP/REJECT closes, deleting it opens.
 */
export function readDoorCommand(command: string | undefined): DoorCommandReading {
  let direction: DoorDirection = 'unknown';
  const ports: number[] = [];
  for (const statement of (command ?? '').split(/;|&&|\|\||\||\n/)) {
    const all = words(statement);
    const found = statementDirection(all);
    if (found !== 'unknown') direction = found;
    for (const port of statementPorts(all)) if (!ports.includes(port)) ports.push(port);
  }
  return { direction, ports };
}

const ACTION_WORDS = ['open', 'close', 'start', 'stop', 'enable', 'disable', 'unlock', 'lock'];
const SEPARATOR = /^[\s_.:-]+|[\s_.:-]+$/g;

/**
 * The part of a door name that names the service: `openSSH`, `SSH_close`, `sshOpen` -> `SSH`/`ssh`.
 * An action word is dropped only at a word boundary (`opener` stays); empty when nothing is left.
 */
export function doorNameStem(name: string): string {
  let stem = name.trim();
  for (const word of ACTION_WORDS) {
    const rest = stem.slice(word.length);
    if (stem.toLowerCase().startsWith(word) && /^(?:$|[\s_.:-]|[A-Z0-9])/.test(rest)) {
      stem = rest.replace(SEPARATOR, '');
      break;
    }
  }
  for (const word of ACTION_WORDS) {
    const before = stem.slice(0, stem.length - word.length);
    const tail = stem.slice(before.length);
    const camel = /^[A-Z]/.test(tail) && /[a-z0-9]$/.test(before);
    if (tail.toLowerCase() === word && (before === '' || /[\s_.:-]$/.test(before) || camel)) {
      stem = before.replace(SEPARATOR, '');
      break;
    }
  }
  return stem;
}

/** A door ready to become (half of) a profile. */
interface Door {
  door: KnockdDoor;
  direction: DoorDirection;
  port: number | undefined;
  autoClose: boolean;
  sequence: Knock[];
}

const where = (door: KnockdDoor) => `door "${door.name}" (line ${door.line})`;

/** The flags to send on the door's tcp hits, or why no TCP packet can pass its test. */
function doorFlags(door: KnockdDoor, notes: string[]): { flags?: TcpFlagTest } | undefined {
  const { set, clear } = door.tcpFlags;
  if (!door.sequence.some((k) => k.protocol === 'tcp') || set.length + clear.length === 0)
    return {};
  const written = formatTcpFlags(door.tcpFlags);
  const send = set.length > 0 ? undefined : FLAG_ORDER.find((flag) => !clear.includes(flag));
  if (set.some((flag) => clear.includes(flag)) || (set.length === 0 && send === undefined)) {
    notes.push(`${where(door)} was skipped: no TCP packet can pass its tcpflags "${written}".`);
    return undefined;
  }
  if (send !== undefined && send !== 'syn') {
    notes.push(`${where(door)}: tcpflags "${written}" sets no flag; its tcp knocks send ${send}.`);
  }
  return { flags: { set: send === undefined ? [...set] : [send], clear: [...clear] } };
}

/** Reads one door, or notes why it cannot be imported. */
function readDoor(door: KnockdDoor, notes: string[]): Door | undefined {
  if (door.oneTimeSequences !== undefined) {
    notes.push(
      `${where(door)} was skipped: it uses one_time_sequences (${door.oneTimeSequences}), so its sequence changes after every use.`,
    );
    return undefined;
  }
  const plan = doorFlags(door, notes);
  if (plan === undefined) return undefined;
  const start = readDoorCommand(door.startCommand ?? door.startCommand6);
  const stop = readDoorCommand(door.stopCommand ?? door.stopCommand6);
  const timed = (door.stopCommand ?? door.stopCommand6) !== undefined;
  // A stop command undoes the start command: knockd's auto-close pattern.
  const direction = timed && start.direction !== 'close' ? 'open' : start.direction;
  const ports = start.ports.length > 0 ? start.ports : stop.ports;
  if (ports.length > 1)
    notes.push(`${where(door)} names ports ${ports.join(', ')}; using ${ports[0] ?? ''}.`);
  const sequence = door.sequence.map(({ port, protocol }): Knock =>
    protocol === 'tcp' && plan.flags
      ? { port, protocol, tcpFlags: { set: [...plan.flags.set], clear: [...plan.flags.clear] } }
      : { port, protocol },
  );
  return { door, direction, port: ports[0], autoClose: timed && direction === 'open', sequence };
}

/** Whether a closer undoes an opener: the same port, or (no port known) the same name stem. */
function undoes(closer: Door, opener: Door): boolean {
  if (closer.port !== undefined || opener.port !== undefined) return closer.port === opener.port;
  const stem = doorNameStem(closer.door.name).toLowerCase();
  return stem !== '' && stem === doorNameStem(opener.door.name).toLowerCase();
}

/** Pairs each closer with an opener it undoes, preferring the opener with the same name stem. */
function pairDoors(doors: readonly Door[]): Map<Door, Door> {
  const closes = new Map<Door, Door>();
  const openers = doors.filter((d) => d.direction === 'open');
  for (const closer of doors.filter((d) => d.direction === 'close')) {
    const free = openers.filter((o) => !closes.has(o) && undoes(closer, o));
    const stem = doorNameStem(closer.door.name).toLowerCase();
    const match = free.find((o) => doorNameStem(o.door.name).toLowerCase() === stem) ?? free[0];
    if (match) closes.set(match, closer);
  }
  return closes;
}

/** Cuts to at most `max` UTF-16 units without splitting a character, and trims. */
function cut(text: string, max: number): string {
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out.trim();
}

/** Gives each name a ` (2)`, ` (3)`... suffix when it is taken, ignoring case, within 64 chars. */
function uniqueName(base: string, taken: Set<string>): string {
  let name = cut(base, MAX_NAME);
  for (let n = 2; taken.has(name.toLowerCase()); n++) {
    name = `${cut(base, MAX_NAME - ` (${n})`.length)} (${n})`;
  }
  taken.add(name.toLowerCase());
  return name;
}

/** One profile: an opener (with its closer), or a door that has no partner. */
function buildProfile(
  main: Door,
  closer: Door | undefined,
  names: { name: string; host: string },
  notes: string[],
): ImportedProfile {
  const port = main.port ?? closer?.port;
  const origin = [`Imported from knockd.conf: open with ${where(main.door)}`];
  if (closer) origin.push(`close with ${where(closer.door)}`);
  if (port === undefined) {
    notes.push(`${where(main.door)}: no port found in its command; service port set to 22.`);
  }
  if (main.autoClose) {
    const timed = `${where(main.door)} closes the port itself ${main.door.cmdTimeout} s after opening (cmd_timeout).`;
    notes.push(timed);
    origin.push(timed);
  }
  const servicePort = port ?? DEFAULT_PORT;
  const profile: ImportedProfile = {
    ...names,
    open: main.sequence,
    servicePort,
    ssh: { port: servicePort },
    notes: `${origin.join('; ')}.`,
  };
  if (closer) profile.close = closer.sequence;
  return profile;
}

function unpairedNote(door: Door): string | undefined {
  if (door.direction === 'close')
    return `${where(door.door)} closes ${door.port === undefined ? 'a port' : `port ${door.port}`} but no door opens it: imported as its own profile, whose open sequence closes the port.`;
  if (door.direction === 'unknown')
    return `${where(door.door)}: could not tell from its command whether it opens or closes a port; imported as its own profile.`;
  if (!door.autoClose)
    return `${where(door.door)} has no matching close door: imported without a close sequence.`;
  return undefined;
}

/**
 * Turns a knockd.conf into profiles for `host`. A parse error keeps the parser's message and line;
 * doors with one_time_sequences or unmatchable tcpflags are skipped with a note. An opener and a
 * closer of the same port become one profile named from the door names (`openSSH`/`closeSSH` ->
 * `SSH`); an auto-closing door (start and stop command) has an open sequence only unless a close door
 * also undoes its port; unpaired doors (an unpaired closer too) become profiles with only `open`.
 * The service port (and ssh port) is the port the commands name, 22 when none is found.
 */
export function importKnockdConfig(text: string, options: KnockdImportOptions): KnockdImportResult {
  const host = hostSchema.safeParse(options.host);
  if (!host.success) return { ok: false, error: describeIssues(host.error, 'host').join('; ') };
  const prefix = (options.namePrefix ?? '').replace(/\p{Cc}/gu, ' ').trim();
  if (prefix.length > MAX_PREFIX) {
    return { ok: false, error: `namePrefix: longer than ${MAX_PREFIX} characters` };
  }
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) return { ok: false, error: describeConfigError(parsed) };
  if (parsed.value.doors.length === 0) {
    return { ok: false, error: 'the knockd.conf has no doors (only [options]): nothing to import' };
  }
  const notes: string[] = [];
  const doors = parsed.value.doors.flatMap((door) => readDoor(door, notes) ?? []);
  const closes = pairDoors(doors);
  const closers = new Set(closes.values());
  const taken = new Set((options.takenNames ?? []).map((n) => n.trim().toLowerCase()));
  const profiles: ImportedProfile[] = [];
  for (const door of doors) {
    if (closers.has(door)) continue;
    const closer = closes.get(door);
    const stem = door.direction === 'open' ? doorNameStem(door.door.name) : '';
    const clean = (stem || door.door.name)
      .replace(/\p{Cc}/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const base = clean || `door at line ${door.door.line}`;
    const name = uniqueName(prefix ? `${prefix} ${base}` : base, taken);
    const note = closer ? undefined : unpairedNote(door);
    if (note) notes.push(note);
    profiles.push(buildProfile(door, closer, { name, host: host.data }, notes));
    if (door.door.target !== undefined && door.door.target !== host.data) {
      notes.push(`${where(door.door)} only counts knocks sent to ${door.door.target} (target).`);
    }
  }
  if (profiles.length === 0)
    return { ok: false, error: `no door could be imported: ${notes.join(' ')}` };
  return { ok: true, profiles, notes };
}
