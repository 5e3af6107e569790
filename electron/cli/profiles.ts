import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { type Parsed, errorMessage } from '../../shared/basics';
import { problemLine } from '../../shared/field-problems';
import { readExport, writeExport } from '../../shared/profile/export-file';
import { writeFileAtomic } from '../node/atomic-file';
import { parseJsonText } from '../node/json-text';
import { openSummary, sequenceSummary } from '../../shared/profile/open-summary';
import { importFwknoprc, looksLikeFwknoprc } from '../../shared/spa/fwknoprc-import';
import { lockedMessage } from '../node/profile-sealing';
import * as ps from '../node/profile-store';
import { cliStorePath, openCliStore } from './profile-lookup';
import { UsageError, type CliIo, type Command } from './io';
import { describeProfile, formatTable } from './profile-display';
import { fieldChanges, profileFieldOptions, type Values } from './profile-fields';

const usage = (storePath: string) => `Usage: sesame profiles <subcommand> [options]

  list [--json]               the saved profiles: name, host, open and close sequence
  show NAME [--json]          every field of one profile (NAME: its name in any case, or its id)
  add --name NAME --host HOST --open SEQ [fields]
  add --name NAME --uri URI [fields]
                              save a new profile; with --uri, its open sequence is the rotating
                              sequence of a sesame://rotating provisioning URI (and its host the
                              URI's, unless --host is given)
  edit NAME [fields]          change only the fields given
  remove NAME                 delete a profile
  import FILE [--replace]     add the profiles of an export, a profile file, a JSON list or a
                              .fwknoprc (each stanza a profile that opens with SPA), all or
                              nothing; names already saved are refused unless --replace
  export [FILE]               every profile as JSON to FILE (mode 0600), or stdout if none or -

Fields ('' removes an optional one):
  --name NAME  --host HOST    a unique name (any case); the host name or address to knock
  --open SEQ  --close SEQ     sequences in knockd syntax, 7000,8000:udp,9000 (edit: --no-close)
  --uri URI  --close-uri URI  rotating open or close sequences from sesame://rotating?... URIs
                              (sesame rotating new prints one; docs/rotating-sequences.md)
  --tcp-flags LIST            TCP flags for the TCP hits of the --open/--close given with it, for
                              doors with knockd's tcpflags (fin,!ack): crafted packets, need root
  --family auto|ipv4|ipv6     address family for the host (default auto)
  --delay MS                  wait after each hit, 0-60000 ms (default 0)
  --service-port PORT         the port the knock opens (default 22)
  --ssh-user USER  --ssh-port PORT  --identity FILE  --notes TEXT

Profiles are kept in ${storePath} (SESAME_CONFIG_DIR sets the folder).
A file there that is not JSON, or not a profile file, is never deleted: it is moved aside to
profiles.json.corrupt-<UTC time> and the report goes to stderr; list and show then show no profiles
and exit 1, export writes nothing and exits 1, add, edit, remove and import go on with an empty
store. A file written by a newer Sesame is never changed: every subcommand exits 1. A profile in the
file that is not valid (an unknown field, say) is kept as it is and named on stderr with its field:
list marks it and exits 1, export leaves it out and exits 1, remove removes it (by its name, id or
place, profiles[N]), and the other profiles are used as usual.

Profiles whose sequences the Sesame app encrypted (its "Encrypt sequences" setting) cannot be
decrypted by this command: list shows them "(encrypted by the app)", show, edit, knock --profile and
ssh refuse them, remove removes them, export leaves them out (naming them on stderr, exit 1), and
their names stay taken. Profiles added or imported here are saved with plain sequences until the app
saves the file again.
`;

type Run = (values: Values, arg: string | undefined, io: CliIo) => number;
type Opened = { store: ps.ProfileStore; degraded: boolean } | undefined;

const flag = { type: 'boolean' } as const;

/** Each subcommand: its options, its one positional (`[X]` optional) and what it does. */
const subcommands = new Map<string, { options: ParseArgsOptionsConfig; arg?: string; run: Run }>([
  ['list', { options: { json: flag }, run: list }],
  ['show', { options: { json: flag }, arg: 'NAME', run: show }],
  ['add', { options: profileFieldOptions, run: add }],
  ['edit', { options: { ...profileFieldOptions, 'no-close': flag }, arg: 'NAME', run: edit }],
  ['remove', { options: {}, arg: 'NAME', run: remove }],
  ['import', { options: { replace: flag }, arg: 'FILE', run: importFile }],
  ['export', { options: {}, arg: '[FILE]', run: exportFile }],
]);

/** `sesame profiles ...`: the saved profiles from the command line (the same file as the app). */
export const profilesCommand: Command = (args, io) =>
  new Promise((resolve) => {
    resolve(dispatch(args, io)); // a thrown UsageError rejects, and main prints it
  });

function dispatch([name, ...rest]: readonly string[], io: CliIo): number {
  const help = () => {
    io.out(usage(cliStorePath()));
    return 0;
  };
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') return help();
  const sub = subcommands.get(name);
  if (!sub)
    throw new UsageError(`unknown profiles subcommand '${name}' (see 'sesame profiles --help')`);
  let parsed;
  try {
    const options = { ...sub.options, help: { type: 'boolean', short: 'h' } } as const;
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    const first = errorMessage(error).split(/\.\s|\n/)[0] ?? '';
    throw new UsageError(`profiles ${name}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return help();
  if (positionals.length === 0 && sub.arg && !sub.arg.startsWith('['))
    throw new UsageError(`profiles ${name} needs ${sub.arg}`);
  const extra = positionals[sub.arg ? 1 : 0];
  if (extra !== undefined) throw new UsageError(`profiles ${name}: unexpected argument '${extra}'`);
  return sub.run(values, positionals[0], io);
}

function list(values: Values, _arg: string | undefined, io: CliIo): number {
  const opened = openStore(io);
  if (!opened) return 1;
  const profiles = opened.store.list();
  const locked = opened.store.locked();
  const rows = [
    ...profiles.map((p) => [p.name, p.host, openSummary(p), sequenceSummary(p.close)]),
    ...locked.map((p) => [p.name, p.host, p.cause === 'invalid' ? INVALID : ENCRYPTED]),
  ];
  if (values.json === true) {
    io.out(toJson(profiles));
    for (const p of locked) io.err(`sesame: note: left out: ${lockedMessage(p)}\n`);
  } else if (rows.length === 0) io.out('No profiles saved (add one with: sesame profiles add).\n');
  else io.out(formatTable([['NAME', 'HOST', 'OPEN', 'CLOSE'], ...rows]));
  // A record that is not valid is bad input (reported on stderr as the file is read).
  return opened.degraded || locked.some((p) => p.cause === 'invalid') ? 1 : 0;
}

function show(values: Values, name = '', io: CliIo): number {
  const opened = openStore(io);
  if (!opened) return 1;
  const found = opened.store.find(name);
  if (!found.ok) return failed(io, found.error.message);
  io.out(values.json === true ? toJson(found.value) : describeProfile(found.value));
  return 0;
}

function add(values: Values, _arg: string | undefined, io: CliIo): number {
  const given = (k: string) => typeof values[k] === 'string';
  const missing = [
    ...(given('name') ? [] : ['--name']),
    ...(given('host') || given('uri') ? [] : ['--host']),
    ...(given('open') || given('uri') ? [] : ['--open (or --uri)']),
  ];
  if (missing.length > 0) throw new UsageError(`profiles add needs ${missing.join(', ')}`);
  const changes = fieldChanges(values);
  if (!changes.ok) return failed(io, `profile field ${changes.error}`);
  if (changes.value.host === undefined)
    return failed(io, 'profile field host: give --host (the URI names no host)');
  const { name = '', host = '', open = [], ...rest } = changes.value;
  const opened = openStore(io);
  const code = saved(io, 'added', opened, (s) => s.add({ ...rest, name, host, open }));
  if (code === 0 && opened) notePlain(io, opened.store, [name]);
  return code;
}

function edit(values: Values, name = '', io: CliIo): number {
  const changes = fieldChanges(values);
  if (!changes.ok) return failed(io, `profile field ${changes.error}`);
  if (Object.keys(changes.value).length === 0)
    throw new UsageError('profiles edit needs at least one field to change');
  return saved(io, 'updated', openStore(io), (s) => s.update(name, changes.value));
}

function remove(_values: Values, name = '', io: CliIo): number {
  return saved(io, 'removed', openStore(io), (s) => s.remove(name));
}

function importFile(values: Values, file = '', io: CliIo): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return failed(io, `nothing imported: cannot read ${file}: ${errorMessage(error)}`);
  }
  const items = itemsToImport(text);
  if (!items.ok) return failed(io, `nothing imported: ${file}: ${items.error}`);
  const opened = openStore(io);
  if (!opened) return 1;
  const result = opened.store.importMany(items.value.profiles, {
    replace: values.replace === true,
  });
  if (!result.ok) {
    const { code, message } = result.error;
    const hint = code === 'name-taken' ? ' (--replace replaces them)' : '';
    return failed(io, `nothing imported from ${file}: ${message.replaceAll('\n', '\n  ')}${hint}`);
  }
  const { imported, replaced } = result.value;
  const note = replaced.length > 0 ? `, replacing ${quoted(replaced.map((p) => p.name))}` : '';
  io.out(`imported ${String(imported.length)} profiles from ${file}${note}\n`);
  for (const line of items.value.notes) io.out(`  note: ${line}\n`);
  notePlain(
    io,
    opened.store,
    imported.map((p) => p.name),
  );
  return 0;
}

/** The profiles a file holds: a JSON export, profile file or list, or a .fwknoprc's stanzas (SPA). */
function itemsToImport(text: string): Parsed<{ profiles: unknown[]; notes: string[] }> {
  const json = parseJsonText(text);
  if (!json.ok && looksLikeFwknoprc(text)) {
    const rc = importFwknoprc(text);
    return rc.ok ? { ok: true, value: { profiles: rc.profiles, notes: rc.notes } } : rc;
  }
  if (!json.ok) return { ok: false, error: `not JSON: ${json.error}` };
  const profiles = readExport(json.value);
  return profiles.ok ? { ok: true, value: { profiles: profiles.value, notes: [] } } : profiles;
}

function exportFile(_values: Values, file: string | undefined, io: CliIo): number {
  const opened = openStore(io);
  if (!opened) return 1;
  if (opened.degraded) return failed(io, 'nothing exported');
  const profiles = opened.store.list();
  const document = writeExport(profiles);
  try {
    if (file === undefined || file === '-') io.out(document);
    else writeFileAtomic(path.resolve(file), document);
  } catch (error) {
    return failed(io, `cannot write ${file ?? '-'}: ${errorMessage(error)}`);
  }
  if (file !== undefined && file !== '-')
    io.out(`exported ${String(profiles.length)} profiles to ${file}\n`);
  // An export is a backup: one that misses profiles must not look complete to a script.
  const locked = opened.store.locked();
  for (const p of locked) failed(io, `not exported: ${lockedMessage(p)}`);
  return locked.length > 0 ? 1 : 0;
}

/** Says that profiles just saved have plain sequences while the app encrypts the others. */
function notePlain(io: CliIo, store: ps.ProfileStore, names: readonly string[]): void {
  if (!store.locked().some((p) => p.cause !== 'invalid') || names.length === 0) return;
  io.err(
    `sesame: note: the sequences of ${quoted([...names])} are saved in plain text (this sesame ` +
      'cannot encrypt them) until the Sesame app saves the profiles again.\n',
  );
}

/** Loads the store; its report goes to stderr. A moved-aside file leaves a usable, empty store. */
function openStore(io: CliIo): Opened {
  const store = openCliStore((line) => io.err(line));
  const loaded = store.load();
  if (loaded.ok && loaded.notice !== undefined) io.err(`sesame: note: ${loaded.notice}\n`);
  if (loaded.ok) {
    for (const p of store.locked())
      if (p.cause === 'invalid') io.err(`sesame: ${store.path}: ${lockedMessage(p)}\n`);
    return { store, degraded: false };
  }
  io.err(`sesame: ${loaded.error.message}\n`);
  return loaded.error.code === 'corrupt' ? { store, degraded: true } : undefined;
}

function saved(
  io: CliIo,
  done: string,
  opened: Opened,
  change: (store: ps.ProfileStore) => ps.StoreResult<{ name: string }>,
): number {
  if (!opened) return 1;
  const result = change(opened.store);
  if (result.ok) io.out(`${done} profile "${result.value.name}"\n`);
  if (result.ok) return 0;
  const { code, message, problems = [] } = result.error;
  if (code === 'invalid') return failed(io, problems.map(problemLine).join('\n'), 'profile field ');
  return failed(io, message);
}

function failed(io: CliIo, message: string, prefix = ''): number {
  for (const line of message.split('\n')) io.err(`sesame: ${prefix}${line}\n`);
  return 1;
}

const ENCRYPTED = '(encrypted by the app)';
const INVALID = '(not valid: kept as it is, see above)';
const quoted = (names: string[]) => names.map((n) => JSON.stringify(n)).join(', ');
const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
