// One record that is not valid (an unknown field, a bad port, a name used twice) is kept as it was
// read and named with its field; the other profiles are read and written as usual. Only a file that
// is not JSON, or not the shape of a profile file, is moved aside.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

type FileData = { version: number; profiles: unknown[] };
const readData = () => JSON.parse(readFileSync(file, 'utf8')) as FileData;

function writeProfiles(profiles: unknown[]) {
  mkdirSync(join(dir, 'Sesame'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ version: 2, profiles }, null, 2)}\n`);
}

const colored = { ...storedProfile('b-id', 'colored'), color: 'red' };

describe('ProfileStore with a record that is not valid', () => {
  it('reads the good records and keeps the bad one, naming it and its field, moving nothing', () => {
    writeProfiles([storedProfile('a-id', 'alpha'), colored, storedProfile('c-id', 'gamma')]);
    const store = openStore();
    expect(store.load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'alpha' }, { name: 'gamma' }],
    });
    expect(store.locked()).toEqual([
      {
        id: 'b-id',
        name: 'colored',
        host: 'colored.example.com',
        cause: 'invalid',
        reason: 'profiles[1]: Unrecognized key: "color"',
      },
    ]);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
    expect(logs).toContain(
      'warn [profiles] profile "colored": profiles[1]: Unrecognized key: "color"',
    );
    const found = store.find('colored');
    expect(found).toMatchObject({ ok: false, error: { code: 'locked', names: ['colored'] } });
    expect(!found.ok && found.error.message).toBe(
      'profile "colored" is not valid and is kept in the file as it is: profiles[1]: Unrecognized key: "color". Correct it in the file, or remove it (sesame profiles remove "b-id").',
    );
  });

  it('writes the bad record back exactly as read when another profile is added, in its place', () => {
    writeProfiles([storedProfile('a-id', 'alpha'), colored]);
    const store = openStore();
    expect(store.add(web)).toMatchObject({ ok: true, value: { name: 'web' } });
    const data = readData();
    expect(data.profiles).toHaveLength(3);
    expect(data.profiles[1]).toEqual(colored);
    expect(data.profiles[0]).toMatchObject({ name: 'alpha' });
    expect(data.profiles[2]).toMatchObject({ name: 'web' });
    expect(openStore().load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'alpha' }, { name: 'web' }],
    });
  });

  it('keeps its name taken, refuses to edit it, and removes it by name, id or place', () => {
    writeProfiles([colored, 42, { id: 'x', name: 'p\u202eq', host: 'h', open: [] }]);
    const store = openStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [] });
    expect(store.locked().map((p) => [p.name, p.id, p.reason])).toEqual([
      ['colored', 'b-id', 'profiles[1]: Unrecognized key: "color"'.replace('[1]', '[0]')],
      [
        'profiles[1]',
        'profiles[1]',
        'profiles[1]: Invalid input: expected object, received number',
      ],
      [
        'p\\u{202e}q',
        'x',
        'profiles[2].name: name must not contain control or format characters (such as U+202E, which reverses text); profiles[2].open: the sequence is empty',
      ],
    ]);
    expect(store.add({ ...web, name: 'COLORED' })).toMatchObject({
      ok: false,
      error: { code: 'name-taken', names: ['colored'] },
    });
    expect(store.update('colored', { host: 'x.example.com' })).toMatchObject({
      ok: false,
      error: { code: 'locked' },
    });
    expect(store.remove('profiles[1]')).toMatchObject({ ok: true, value: { name: 'profiles[1]' } });
    expect(readData().profiles).toEqual([
      colored,
      { id: 'x', name: 'p\u202eq', host: 'h', open: [] },
    ]);
    expect(store.remove('b-id')).toMatchObject({ ok: true, value: { name: 'colored' } });
    expect(store.remove('p\\u{202e}q')).toMatchObject({ ok: true });
    expect(readData().profiles).toEqual([]);
  });

  it('keeps a second record with a name already used, as read', () => {
    const twin = { ...storedProfile('t-id', 'ALPHA'), notes: 'the second' };
    writeProfiles([storedProfile('a-id', 'alpha'), twin]);
    const store = openStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ id: 'a-id' }] });
    expect(store.locked()).toMatchObject([
      { id: 't-id', reason: 'profiles[1].name: "ALPHA" is already used by profiles[0]' },
    ]);
    expect(store.resave().ok).toBe(true);
    expect(readData().profiles[1]).toEqual(twin);
  });

  it('still moves aside a file that is not the shape of a profile file', () => {
    mkdirSync(join(dir, 'Sesame'), { recursive: true });
    writeFileSync(file, JSON.stringify({ version: 2, profiles: { a: 1 } }));
    const result = openStore().load();
    expect(result).toMatchObject({ ok: false, error: { code: 'corrupt' } });
    expect(!result.ok && result.error.message).toMatch(/is not a profile file:\n {2}profiles: /);
    expect(existsSync(file)).toBe(false);
  });
});
