// knockd.conf -> Sesame profiles. The config is read with the existing parser; each door's command
// says which port it opens or closes (door-command-reader.ts), and doors for one port pair into a
// profile's open and close.
import { describeConfigError, parseKnockdConfig, type KnockdDoor } from './config';
import { utf8Length } from './config-lines';
import { readDoorCommand, type DoorDirection } from './door-command-reader';
import { fieldProblems, problemLine } from '../field-problems';
import { hostSchema, type ProfileInput } from '../profile/profile';
import { blankHidden, showHidden } from '../profile/visible-text';
import type { Knock } from '../sequence/sequence';
import { formatTcpFlags, type TcpFlagName, type TcpFlagTest } from '../sequence/tcp-flags';

/** A profile as the importer proposes it; the store gives it an id when it is saved. */
export type ImportedProfile = Omit<ProfileInput, 'id' | 'open' | 'close'> & {
  /** knockd.conf doors have fixed sequences. */
  open?: Knock[];
  close?: Knock[];
};

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

/** The largest knockd.conf imported, in UTF-8 bytes: real ones are a few KB, and a bigger text
 * (a wrong file, a corrupt one) would only keep the app's main thread busy. */
export const MAX_KNOCKD_CONF_BYTES = 64 * 1024;

const MAX_NAME = 64;
const MAX_PREFIX = 32;
const DEFAULT_PORT = 22;
const FLAG_ORDER: readonly TcpFlagName[] = ['syn', 'fin', 'rst', 'psh', 'ack', 'urg'];

const ACTION_WORDS = ['open', 'close', 'start', 'stop', 'enable', 'disable', 'unlock', 'lock'];
const SEPARATOR = /[\s_.:-]/;

/** Drops separators (white space, `_ . : -`) from both ends, one scan from each end. */
function trimSeparators(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SEPARATOR.test(text.charAt(start))) start += 1;
  while (end > start && SEPARATOR.test(text.charAt(end - 1))) end -= 1;
  return text.slice(start, end);
}

/**
 * The part of a door name that names the service: `openSSH`, `SSH_close`, `sshOpen` -> `SSH`/`ssh`.
 * An action word is dropped only at a word boundary (`opener` stays); empty when nothing is left.
 */
export function doorNameStem(name: string): string {
  let stem = name.trim();
  for (const word of ACTION_WORDS) {
    const rest = stem.slice(word.length);
    if (stem.toLowerCase().startsWith(word) && /^(?:$|[\s_.:-]|[A-Z0-9])/.test(rest)) {
      stem = trimSeparators(rest);
      break;
    }
  }
  for (const word of ACTION_WORDS) {
    const before = stem.slice(0, stem.length - word.length);
    const tail = stem.slice(before.length);
    const camel = /^[A-Z]/.test(tail) && /[a-z0-9]$/.test(before);
    if (tail.toLowerCase() === word && (before === '' || /[\s_.:-]$/.test(before) || camel)) {
      stem = trimSeparators(before);
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

// Text from the file in notes and messages has its control and format characters escaped.
const where = (door: KnockdDoor) => `door "${showHidden(door.name)}" (line ${door.line})`;

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
  if (door.rotating !== undefined) {
    notes.push(
      `${where(door)} was skipped: it is a rotating door (Rotating_Secret_File), whose sequence changes every ${door.rotating.params.stepSeconds} s; knock it with sesame knock --secret-file.`,
    );
    return undefined;
  }
  if (door.oneTimeSequences !== undefined) {
    notes.push(
      `${where(door)} was skipped: it uses one_time_sequences (${showHidden(door.oneTimeSequences)}), so its sequence changes after every use.`,
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

// A closer undoes an opener of the same port; when neither names a port, of the same name stem.

/**
 * Pairs each closer with an opener it undoes, preferring the opener with the same
 * name stem, else the first free one in file order. Openers are indexed by port and by port and
 * stem, so pairing is linear in the number of doors.
 */
function pairDoors(doors: readonly Door[]): Map<Door, Door> {
  const closes = new Map<Door, Door>();
  const stemOf = (door: Door) => doorNameStem(door.door.name).toLowerCase();
  const portKey = (door: Door) => (door.port === undefined ? '-' : String(door.port));
  // Each list holds its openers last first, so the next free one is at the end.
  const byPort = new Map<string, Door[]>();
  const byPortStem = new Map<string, Door[]>();
  const add = (index: Map<string, Door[]>, key: string, door: Door) => {
    const list = index.get(key);
    if (list) list.push(door);
    else index.set(key, [door]);
  };
  const openers = doors.filter((d) => d.direction === 'open');
  for (const opener of openers.reverse()) {
    add(byPort, portKey(opener), opener);
    add(byPortStem, `${portKey(opener)} ${stemOf(opener)}`, opener);
  }
  const firstFree = (list: Door[] | undefined): Door | undefined => {
    while (list !== undefined && list.length > 0) {
      const last = list[list.length - 1];
      if (last !== undefined && !closes.has(last)) return last;
      list.pop();
    }
    return undefined;
  };
  for (const closer of doors.filter((d) => d.direction === 'close')) {
    const stem = stemOf(closer);
    const port = portKey(closer);
    const sameStem = firstFree(byPortStem.get(`${port} ${stem}`));
    // Without a port on either side, only the same name stem says that a closer undoes an opener.
    const match =
      closer.port === undefined
        ? stem === ''
          ? undefined
          : sameStem
        : (sameStem ?? firstFree(byPort.get(port)));
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

/** Names in use, ignoring case, and for each base name the next suffix worth trying. */
interface NameBook {
  taken: Set<string>;
  nextSuffix: Map<string, number>;
}

/**
 * Gives each name a ` (2)`, ` (3)`... suffix when it is taken, ignoring case, within 64 chars.
 * Tries start where the last one for the same name stopped (names once taken stay taken), so many
 * doors of one name stay linear; the name returned is always one not taken.
 */
function uniqueName(base: string, book: NameBook): string {
  const candidate = (n: number) =>
    n === 1 ? cut(base, MAX_NAME) : `${cut(base, MAX_NAME - ` (${n})`.length)} (${n})`;
  const key = candidate(1).toLowerCase();
  let n = book.nextSuffix.get(key) ?? 1;
  while (book.taken.has(candidate(n).toLowerCase())) n += 1;
  const name = candidate(n);
  book.nextSuffix.set(key, n + 1);
  book.taken.add(name.toLowerCase());
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
  if (!host.success)
    return { ok: false, error: fieldProblems(host.error, 'host').map(problemLine).join('; ') };
  const prefix = blankHidden(options.namePrefix ?? '').trim();
  if (prefix.length > MAX_PREFIX) {
    return { ok: false, error: `namePrefix: longer than ${MAX_PREFIX} characters` };
  }
  const size = utf8Length(text);
  if (size > MAX_KNOCKD_CONF_BYTES) {
    const error = `knockd.conf: ${String(size)} bytes is larger than the ${String(MAX_KNOCKD_CONF_BYTES / 1024)} KB an import takes (a knockd.conf is a few KB: is it the right file?)`;
    return { ok: false, error };
  }
  const parsed = parseKnockdConfig(text);
  if (!parsed.ok) return { ok: false, error: showHidden(describeConfigError(parsed)) };
  if (parsed.value.doors.length === 0) {
    return { ok: false, error: 'the knockd.conf has no doors (only [options]): nothing to import' };
  }
  const notes: string[] = [];
  const doors = parsed.value.doors.flatMap((door) => readDoor(door, notes) ?? []);
  const closes = pairDoors(doors);
  const closers = new Set(closes.values());
  const taken = new Set((options.takenNames ?? []).map((n) => n.trim().toLowerCase()));
  const names: NameBook = { taken, nextSuffix: new Map() };
  const profiles: ImportedProfile[] = [];
  for (const door of doors) {
    if (closers.has(door)) continue;
    const closer = closes.get(door);
    const stem = door.direction === 'open' ? doorNameStem(door.door.name) : '';
    const clean = blankHidden(stem || door.door.name)
      .replace(/\s+/g, ' ')
      .trim();
    const base = clean || `door at line ${door.door.line}`;
    const name = uniqueName(prefix ? `${prefix} ${base}` : base, names);
    const note = closer ? undefined : unpairedNote(door);
    if (note) notes.push(note);
    profiles.push(buildProfile(door, closer, { name, host: host.data }, notes));
    if (door.door.target !== undefined && door.door.target !== host.data) {
      const target = showHidden(door.door.target);
      notes.push(`${where(door.door)} only counts knocks sent to ${target} (target).`);
    }
  }
  if (profiles.length === 0)
    return { ok: false, error: `no door could be imported: ${notes.join(' ')}` };
  return { ok: true, profiles, notes };
}
