import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../../electron/node/json-text';
import { MAX_PROFILE_FILE_BYTES } from '../../../electron/node/profile-store-file';
import {
  dir,
  file,
  logs,
  openStore,
  storedProfile,
  useTempStore,
  web,
} from './profile-store-helpers';

useTempStore();

describe('ProfileStore reading bad files', () => {
  function writeRaw(text: string | Buffer) {
    mkdirSync(join(dir, 'Sesame'), { recursive: true });
    writeFileSync(file, text);
  }

  it('moves a file that is not JSON aside with a UTC timestamp, keeps its bytes and says where it broke', () => {
    const bytes = '{\n  "version": 1,\n  "profiles": [,]\n}\n';
    writeRaw(bytes);
    const store = openStore();
    const result = store.load();
    const moved = `${file}.corrupt-20250102-030405`;
    expect(result).toMatchObject({ ok: false, error: { code: 'corrupt', movedTo: moved } });
    if (result.ok) return;
    expect(result.error.message).toMatch(/not valid JSON/);
    expect(result.error.message).toMatch(/Unexpected token ',' at line 3 column 16/);
    expect(result.error.message).toContain(moved);
    expect(readFileSync(moved, 'utf8')).toBe(bytes);
    expect(existsSync(file)).toBe(false);
    expect(store.list()).toEqual([]);
    expect(logs.some((l) => l.startsWith('warn') && l.includes(moved))).toBe(true);
  });

  it('never overwrites an earlier moved-aside file: the next one gets a suffix', () => {
    writeRaw('first');
    openStore().load();
    writeRaw('second {');
    const result = openStore().load();
    const base = `${file}.corrupt-20250102-030405`;
    expect(result).toMatchObject({ error: { movedTo: `${base}-1` } });
    expect(readFileSync(base, 'utf8')).toBe('first');
    expect(readFileSync(`${base}-1`, 'utf8')).toBe('second {');
    expect(!result.ok && result.error.message).toMatch(/Unexpected token 's'.* at line 1 column 1/);
  });

  it('keeps a file with an invalid profile, naming the field, and reads the others', () => {
    const bytes = JSON.stringify({
      version: 1,
      profiles: [storedProfile('a', 'ok'), storedProfile('b', 'bad', 'a;rm -rf /')],
    });
    writeRaw(bytes);
    const store = openStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ name: 'ok' }] });
    expect(store.locked()).toMatchObject([
      {
        name: 'bad',
        cause: 'invalid',
        reason: 'profiles[1].host: host may hold only letters, digits and . _ : % + [ ] -',
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
  });

  it('leaves a file from a newer Sesame untouched and refuses every write', () => {
    const bytes = JSON.stringify({ version: 3, profiles: [{ whatever: true }] });
    writeRaw(bytes);
    const store = openStore();
    const loaded = store.load();
    expect(loaded).toMatchObject({ ok: false, error: { code: 'newer-version' } });
    expect(!loaded.ok && loaded.error.message).toMatch(/newer Sesame \(file version 3/);
    expect(store.add(web)).toMatchObject({ ok: false, error: { code: 'newer-version' } });
    expect(store.remove('x')).toMatchObject({ ok: false, error: { code: 'newer-version' } });
    expect(store.importMany([storedProfile('n', 'n')])).toMatchObject({ ok: false });
    expect(readFileSync(file, 'utf8')).toBe(bytes);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
  });

  it('reads a version-0 file (a bare list), says so, and rewrites it as version 2 on the next write', () => {
    writeRaw(JSON.stringify([storedProfile('old', 'legacy')]));
    const store = openStore();
    const loaded = store.load();
    expect(loaded).toMatchObject({ ok: true, profiles: [{ id: 'old', name: 'legacy' }] });
    expect(loaded.ok && loaded.notice).toMatch(/version 0 format/);
    expect(Array.isArray(JSON.parse(readFileSync(file, 'utf8')))).toBe(true);
    expect(store.add(web).ok).toBe(true);
    const data = JSON.parse(readFileSync(file, 'utf8')) as { version: number; profiles: unknown[] };
    expect(data.version).toBe(2);
    expect(data.profiles).toHaveLength(2);
    expect(openStore().load()).not.toHaveProperty('notice');
  });

  it('moves aside a file larger than 4 MB unparsed, saying how large it is', () => {
    const data = JSON.stringify({ version: 2, profiles: [storedProfile('a', 'big')] });
    const bytes = `${data}${' '.repeat(MAX_PROFILE_FILE_BYTES - data.length + 1)}`;
    writeRaw(bytes);
    const result = openStore().load();
    const moved = `${file}.corrupt-20250102-030405`;
    expect(result).toMatchObject({ ok: false, error: { code: 'corrupt', movedTo: moved } });
    expect(!result.ok && result.error.message).toBe(
      `${file} is larger than 4 MB (${String(bytes.length)} bytes).\nIt was moved to ${moved} (kept for you to repair and import); Sesame starts with no profiles.`,
    );
    expect(readFileSync(moved, 'utf8')).toBe(bytes);
    writeRaw(`${data}${' '.repeat(MAX_PROFILE_FILE_BYTES - data.length)}`);
    expect(openStore().load()).toMatchObject({ ok: true, profiles: [{ name: 'big' }] });
  });

  it('moves aside a file that is not UTF-8', () => {
    writeRaw(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(openStore().load()).toMatchObject({ ok: false, error: { code: 'corrupt' } });
  });

  it('refuses to write where the file cannot be read', () => {
    mkdirSync(file, { recursive: true }); // a folder where the file should be
    const store = openStore();
    expect(store.load()).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    expect(store.add(web)).toMatchObject({ ok: false, error: { code: 'unreadable' } });
    expect(statSync(file).isDirectory()).toBe(true);
  });
});

describe('parseJsonText', () => {
  const failure = (text: string) => {
    const result = parseJsonText(text);
    return result.ok ? 'parsed' : result.error;
  };

  it('gives the line and column of every kind of JSON error, without echoing the text', () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText('\uFEFF[1]')).toEqual({ ok: true, value: [1] });
    // A broken word is placed at its start (V8 alone names the '}' after it, without a position).
    expect(failure('{\n "a": tru}')).toBe("Unexpected token 't' at line 2 column 7");
    expect(failure('{\n  "a": [1, ,2]\n}')).toBe("Unexpected token ',' at line 2 column 12");
    expect(failure('{"secret": 7000,}')).toMatch(
      /^Expected double-quoted property name .*at line 1 column 17$/,
    );
    expect(failure('[1,\n2')).toMatch(/ at line 2 column 2$/);
    expect(failure('[1,\n')).toBe('Unexpected end of JSON input at line 2 column 1');
    expect(failure('{"a":1}}')).toBe(
      'Unexpected non-whitespace character after JSON at line 1 column 8',
    );
    expect(failure('\nx')).toBe("Unexpected token 'x' at line 2 column 1");
    expect(failure('{"secret": 7000 x')).not.toContain('7000');
    expect(failure('["secret", tr]')).not.toContain('secret');
  });

  it('finds an error on a later line, after lines of valid JSON', () => {
    const text = [
      '{',
      '  "version": 2,',
      '  "profiles": [',
      '    {"id": "a"},',
      '    {"id": "b" "x": 1}',
      '  ]',
      '}',
    ].join('\n');
    expect(failure(text)).toMatch(
      /^Expected ',' or '\}' after property value.* at line 5 column 16$/,
    );
    const token = text.replace('"b" "x": 1', '"b", "x": ]');
    expect(failure(token)).toBe("Unexpected token ']' at line 5 column 22");
  });

  it('places an error in a corrupt 10 MB file', () => {
    const line =
      '    {"id": "p0000000", "name": "web", "host": "example.org", "open": [7000, 8000]},\n';
    const count = Math.ceil(10_000_000 / line.length);
    const text = `[\n${line.repeat(count)}    {"id": "last", "open": [7000,, 8000]}\n]\n`;
    expect(text.length).toBeGreaterThan(10_000_000);
    expect(failure(text)).toBe(`Unexpected token ',' at line ${String(count + 2)} column 34`);
  });

  it('still says what is wrong where the text nests too deeply to place the error', () => {
    expect(failure(`${'['.repeat(100_000)}x`)).toBe("Unexpected token 'x'");
  });
});
