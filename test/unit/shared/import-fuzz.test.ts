// Fuzzing the profile imports (a JSON export or profile file, and a knockd.conf) with seeded random
// and mutated inputs: nothing throws, everything accepted is a valid profile that reads back, and
// every error says where (the field, `profiles[i]...`, or the line). Bounded: a fixed number of small
// cases (SESAME_FUZZ_CASES for more). A failure names its seed and case: replay it with
// SESAME_FUZZ_SEED=<seed>.
import { problemLine } from '../../../shared/field-problems';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../electron/main/profile-service';
import { parseJsonText } from '../../../electron/node/json-text';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import { importKnockdConfig, type KnockdImportResult } from '../../../shared/knockd/import';
import { parseProfile } from '../../../shared/profile/profile';
import { readProfileFile } from '../../../shared/profile/profile-file';
import { hasHiddenCharacters } from '../../../shared/profile/visible-text';
import {
  fuzzSeed,
  mutateText,
  NASTY,
  randomText,
  seededRandom,
  type Random,
} from '../../support/fuzz';

const SEED = fuzzSeed(20251202);
const CASES = Number(process.env.SESAME_FUZZ_CASES ?? 250); // more for a longer hunt
const quiet = createLogger('fuzz', () => undefined);
const folder = mkdtempSync(join(tmpdir(), 'sesame-fuzz-'));
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Runs `check` on CASES inputs, each from its own seeded source so one case can be replayed. */
function cases(
  salt: number,
  make: (r: Random) => string,
  check: (text: string, at: string) => void,
) {
  for (let i = 0; i < CASES; i += 1) {
    const text = make(seededRandom(SEED * 1000 + salt * 100_000 + i));
    const at = `SESAME_FUZZ_SEED=${String(SEED)} case ${String(salt)}/${String(i)}: ${JSON.stringify(text).slice(0, 300)}`;
    check(text, at);
  }
}

/** A store in memory (its folder is a temp one, for the lock it never contends for). */
function memoryStore(): { store: ProfileStore; written: () => string | undefined } {
  let text: string | undefined;
  const store = new ProfileStore({
    path: join(folder, 'profiles.json'),
    now: () => new Date(0),
    logger: quiet,
    backend: {
      read: () => {
        if (text === undefined) throw Object.assign(new Error('none'), { code: 'ENOENT' });
        return new TextEncoder().encode(text);
      },
      write: (data) => {
        text = JSON.stringify(data);
      },
    },
    lock: () => ({ ok: true, release: () => undefined }),
  });
  return { store, written: () => text };
}

function service(store: ProfileStore): ProfileService {
  let n = 0;
  return new ProfileService({
    store,
    importKnockd: importKnockdConfig,
    logger: quiet,
    newId: () => `fuzz-${String((n += 1))}`,
  });
}

// ---- knockd.conf ----

const FIXTURES = fileURLToPath(new URL('../../fixtures/knockd/', import.meta.url));
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.conf'))
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

const KEYS = [
  'sequence',
  'seq_timeout',
  'command',
  'start_command',
  'stop_command',
  'cmd_timeout',
  'tcpflags',
  'target',
  'one_time_sequences',
  'timeout',
  'start_command_6',
  'stop_command_6',
];
const COMMANDS = [
  '/sbin/iptables -I INPUT -s %IP% -p tcp --dport PORT -j ACCEPT',
  '/sbin/iptables -D INPUT -s %IP% -p tcp --dport PORT -j ACCEPT',
  'iptables -A INPUT -s %IP% -p udp --dport PORT -j DROP',
  'ufw allow from %IP% to any port PORT',
  'ufw delete allow PORT',
  'firewall-cmd --add-port=PORT/tcp',
  'firewall-cmd --remove-port=PORT/tcp; firewall-cmd --reload',
  'nft add rule inet filter input ip saddr %IP% tcp dport { PORT, 80 } accept',
  '/usr/sbin/knock_add -i -c INPUT -p tcp -d PORT -f %IP%',
];
// Format and control characters that would spoof a name: bidi override, zero-width, BOM, isolate.
const SPOOF = ['\u202e', '\u200b', '\ufeff', '\u2066', '\u0007', '\u00ad'];
const PORTS = ['22', '443', '7000', '0', '65536', '70000', 'abc', '', '-1', '4294967297', ' 8 '];

function knockValue(r: Random, key: string): string {
  const port = () => (r.chance(0.8) ? String(1 + r.int(65535)) : r.pick(PORTS));
  switch (key) {
    case 'sequence': {
      const count = r.chance(0.1) ? 30 + r.int(10) : 1 + r.int(5);
      const hit = () =>
        `${port()}${r.chance(0.4) ? `:${r.pick(['tcp', 'udp', 'UDP', 'icmp', ''])}` : ''}`;
      return Array.from({ length: count }, hit).join(r.pick([',', ', ', ',,']));
    }
    case 'seq_timeout':
    case 'timeout':
    case 'cmd_timeout':
      return r.pick(['5', '0', '10', '5s', '-1', '99999999999', randomText(r, 4)]);
    case 'tcpflags':
      return r.pick([
        'syn',
        'syn,ack',
        '!ack',
        'fin,!fin',
        'SYN, ACK',
        'xyz',
        '!syn,!ack,!fin,!rst,!psh,!urg',
      ]);
    case 'target':
      return r.pick(['10.0.0.1', 'gate.example.org', randomText(r)]);
    case 'one_time_sequences':
      return '/etc/knockd/otp';
    default:
      return r.chance(0.85) ? r.pick(COMMANDS).replaceAll('PORT', port()) : randomText(r, 40);
  }
}

function randomKnockdConf(r: Random): string {
  const lines: string[] = [];
  if (r.chance(0.3))
    lines.push('[options]', `  logfile = /var/log/${randomText(r, 5)}`, r.pick(['', 'UseSyslog']));
  const doors = 1 + r.int(6);
  for (let d = 0; d < doors; d += 1) {
    const name = r.chance(0.7)
      ? `${r.pick(['openSSH', 'closeSSH', 'web', 'ssh-open', 'HTTPS close', 'start_db', 'x'])}${r.chance(0.3) ? r.pick(SPOOF) : ''}${r.chance(0.3) ? randomText(r, 4) : ''}`
      : randomText(r);
    lines.push(r.chance(0.98) ? `[${name}]` : name);
    const keys = 1 + r.int(5);
    for (let k = 0; k < keys; k += 1) {
      // Most doors start with their sequence (a door without one fails the whole file).
      const first = k === 0 && r.chance(0.95);
      const key = first ? 'sequence' : r.chance(0.97) ? r.pick(KEYS) : randomText(r, 6);
      const indent = r.pick(['', '  ', '\t']);
      const key2 = r.chance(0.2) ? key.toUpperCase() : key;
      lines.push(`${indent}${key2}${r.pick([' = ', '=', ' =  '])}${knockValue(r, key)}`);
    }
    if (r.chance(0.2)) lines.push(`# ${randomText(r)}`);
  }
  return lines.join(r.pick(['\n', '\r\n'])) + (r.chance(0.8) ? '\n' : '');
}

/** Where a knockd.conf import error may point: a line, the field `host`/`namePrefix`, the file. */
const KNOCKD_WHERE = /\bline \d+\b|^(?:host|namePrefix): |knockd\.conf/;

function checkKnockd(result: KnockdImportResult, at: string): void {
  if (!result.ok) {
    expect(result.error, at).toMatch(KNOCKD_WHERE);
    expect(hasHiddenCharacters(result.error), at).toBe(false);
    return;
  }
  const names = result.profiles.map((p) => p.name.toLowerCase());
  expect(new Set(names).size, at).toBe(names.length);
  for (const [i, profile] of result.profiles.entries()) {
    const parsed = parseProfile({ ...profile, id: `p${String(i)}` });
    expect(parsed.ok ? [] : parsed.problems.map(problemLine), at).toEqual([]);
  }
  for (const note of result.notes) expect(hasHiddenCharacters(note), at).toBe(false);
}

describe(`fuzzing the knockd.conf import (seed ${String(SEED)})`, () => {
  const options = (r: Random) => ({
    host: r.chance(0.9) ? 'gate.example.org' : r.pick(['', '-x', 'a b', randomText(r)]),
    ...(r.chance(0.3) ? { namePrefix: randomText(r, 10) } : {}),
    ...(r.chance(0.3) ? { takenNames: ['SSH', 'web', randomText(r)] } : {}),
  });

  it('never throws on generated configs; what it proposes is valid, what it refuses names a line', () => {
    cases(1, randomKnockdConf, (text, at) => {
      const r = seededRandom(text.length);
      checkKnockd(importKnockdConfig(text, options(r)), at);
    });
  });

  it('never throws on mutated real configs', () => {
    cases(
      2,
      (r) => mutateText(r, r.pick(fixtures)),
      (text, at) => {
        checkKnockd(importKnockdConfig(text, { host: 'gate.example.org' }), at);
      },
    );
  });

  it('goes through the app import (dry run) without throwing, every problem naming where', () => {
    cases(
      3,
      (r) => (r.chance(0.5) ? randomKnockdConf(r) : mutateText(r, r.pick(fixtures))),
      (text, at) => {
        const result = service(memoryStore().store).import({
          format: 'knockd',
          text,
          host: 'gate.example.org',
          dryRun: true,
        });
        if (result.ok) return;
        for (const line of result.error.message.split('\n'))
          expect(line, at).toMatch(/\bline \d+\b|knockd\.conf|^profiles\[\d+\]/);
      },
    );
  });
});

// ---- JSON export / profile file ----

function validProfile(r: Random, i: number): Record<string, unknown> {
  const hits = () =>
    Array.from({ length: 1 + r.int(4) }, () => ({
      port: 1 + r.int(65535),
      protocol: r.pick(['tcp', 'udp']),
      ...(r.chance(0.2) ? { delayMs: r.int(1000) } : {}),
    }));
  return {
    ...(r.chance(0.8) ? { id: `id-${String(i)}` } : {}),
    name: `${r.pick(['web', 'lab', 'db', 'Gate'])} ${String(i)}`,
    host: r.pick(['web.example.com', '198.18.0.1', '[2001:db8::1]', 'h']),
    open: hits(),
    ...(r.chance(0.5) ? { close: hits() } : {}),
    ...(r.chance(0.3) ? { family: r.pick(['auto', 'ipv4', 'ipv6']) } : {}),
    ...(r.chance(0.3)
      ? { ssh: { user: 'admin', port: 22, identityFile: '~/.ssh/id_ed25519' } }
      : {}),
    ...(r.chance(0.3) ? { notes: 'line one\nline two' } : {}),
  };
}

/** A random JSON value: scalars, nasty strings, arrays, objects. */
function randomValue(r: Random, depth = 0): unknown {
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0:
      return r.pick([0, -1, 1.5, 65536, 1e308, 7000, 22]);
    case 1:
      return r.chance(0.5) ? randomText(r) : r.pick(NASTY);
    case 2:
      return r.pick([true, false, null]);
    case 3:
      return r.pick(['tcp', 'udp', 'auto', 'syn']);
    case 4:
      return '';
    case 5:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [randomText(r, 6), randomValue(r, depth + 1)]),
      );
  }
}

/** Changes one place of a JSON tree: a key removed, a value replaced, an unknown key added. */
function mutateValue(r: Random, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    if (items.length === 0 || r.chance(0.2)) return [...items, randomValue(r)];
    const i = r.int(items.length);
    return items.map((v, j) => (j === i ? mutateValue(r, v) : v));
  }
  if (typeof value === 'object' && value !== null) {
    const entries: [string, unknown][] = Object.entries(value);
    const roll = r.int(4);
    const drop = r.int(entries.length);
    if (roll === 0 && entries.length > 0)
      return Object.fromEntries(entries.filter((_, j) => j !== drop));
    if (roll === 1)
      return {
        ...value,
        [r.pick(['color', 'sealed', 'version', randomText(r, 5)])]: randomValue(r),
      };
    if (entries.length === 0) return value;
    const [key, inner] = r.pick(entries);
    return { ...value, [key]: r.chance(0.5) ? mutateValue(r, inner) : randomValue(r) };
  }
  return randomValue(r);
}

function randomExport(r: Random): string {
  const profiles = Array.from({ length: r.int(5) }, (_, i) => validProfile(r, i));
  let doc: unknown = r.pick([
    { format: 'sesame-profiles', version: 2, profiles },
    { version: r.pick([1, 2]), profiles },
    profiles,
  ]);
  const mutations = r.int(4);
  for (let m = 0; m < mutations; m += 1) doc = mutateValue(r, doc);
  const text = JSON.stringify(doc, null, r.pick([0, 2]));
  return r.chance(0.3) ? mutateText(r, text) : text;
}

/** Where a profile problem may point: `profiles[i]`, a field path, or the file's version/profiles. */
const FIELD = /^(?:profiles\[\d+\]|version|profiles)(?:[.[:]|$)/;

describe(`fuzzing the JSON import and the profile file (seed ${String(SEED)})`, () => {
  it('parses or places every error at a line and column', () => {
    cases(4, randomExport, (text, at) => {
      const json = parseJsonText(text);
      if (!json.ok) expect(json.error, at).toMatch(/ at line \d+ column \d+$/);
    });
  });

  it('reads any JSON as a profile file: bad records are named with their field, never thrown', () => {
    cases(5, randomExport, (text, at) => {
      const json = parseJsonText(text);
      if (!json.ok) return;
      const read = readProfileFile(json.value);
      const errors = (
        read.ok ? read.records.flatMap((r) => (r.ok ? [] : r.problems)) : read.problems
      ).map(problemLine);
      for (const error of errors) expect(error, at).toMatch(FIELD);
    });
  });

  it('imports only valid profiles, which read back from the written file; refusals name the field', () => {
    cases(6, randomExport, (text, at) => {
      const { store, written } = memoryStore();
      const result = service(store).import({ format: 'json', text });
      if (!result.ok) {
        for (const line of result.error.message.split('\n'))
          expect(line, at).toMatch(
            /^profiles\[\d+\]|^JSON: .* line \d+ column \d+$|^JSON: expected|^(format|version|profiles): /,
          );
        return;
      }
      const read = readProfileFile(JSON.parse(written() ?? '[]'));
      expect(read.ok && read.records.flatMap((r) => (r.ok ? [] : r.problems)), at).toEqual([]);
      expect(store.list().length, at).toBe(result.value.profiles.length);
    });
  });
});
