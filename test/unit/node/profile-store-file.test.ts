import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../electron/node/atomic-file';
import { profileStorePath } from '../../../electron/node/profile-store-file';
import { dir, file, openStore, useTempStore, web } from './profile-store-helpers';

useTempStore();

const mode = (path: string) => statSync(path).mode & 0o777;

describe('profileStorePath', () => {
  it("is Electron's userData folder for Sesame on each platform", () => {
    expect(profileStorePath({}, 'linux', '/home/ann')).toBe(
      '/home/ann/.config/Sesame/profiles.json',
    );
    expect(profileStorePath({ XDG_CONFIG_HOME: '/x/cfg' }, 'linux', '/home/ann')).toBe(
      '/x/cfg/Sesame/profiles.json',
    );
    expect(profileStorePath({}, 'darwin', '/Users/ann')).toBe(
      '/Users/ann/Library/Application Support/Sesame/profiles.json',
    );
    expect(
      profileStorePath({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann'),
    ).toBe('C:\\Users\\ann\\AppData\\Roaming\\Sesame\\profiles.json');
    expect(profileStorePath({}, 'win32', 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\Sesame\\profiles.json',
    );
  });

  it('lets SESAME_CONFIG_DIR choose the folder, ignoring an empty one', () => {
    const env = { SESAME_CONFIG_DIR: '/srv/sesame', XDG_CONFIG_HOME: '/x' };
    expect(profileStorePath(env, 'linux', '/home/ann')).toBe('/srv/sesame/profiles.json');
    expect(profileStorePath({ SESAME_CONFIG_DIR: '' }, 'linux', '/h')).toBe(
      '/h/.config/Sesame/profiles.json',
    );
  });
});

describe('ProfileStore writes', () => {
  it('treats a missing file as an empty store', () => {
    const store = openStore();
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(store.list()).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  it('creates the folder 0700 and writes the file 0600 as { version: 2, profiles }', () => {
    const store = openStore();
    const added = store.add(web);
    expect(added.ok).toBe(true);
    expect(mode(join(dir, 'Sesame'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    const data = JSON.parse(readFileSync(file, 'utf8')) as { version: number; profiles: unknown[] };
    expect(data.version).toBe(2);
    expect(data.profiles).toEqual([added.ok && added.value]);
    expect(added.ok && added.value.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('replaces the file by rename (a new inode, mode 0600 even over a 0644 file) and leaves no temp file', () => {
    mkdirSync(join(dir, 'Sesame'));
    writeFileSync(file, JSON.stringify({ version: 1, profiles: [] }), { mode: 0o644 });
    const before = statSync(file).ino;
    expect(openStore().add(web).ok).toBe(true);
    expect(statSync(file).ino).not.toBe(before);
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
  });

  it('writeFileAtomic leaves the target and no temp file behind when the rename fails', () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    expect(() => {
      writeFileAtomic(target, 'new');
    }).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('keeps unknown top-level keys such as electron-store __internal__', () => {
    mkdirSync(join(dir, 'Sesame'));
    const internal = { migrations: { version: '0.1.0' } };
    writeFileSync(file, JSON.stringify({ __internal__: internal, version: 1, profiles: [] }));
    expect(openStore().add(web).ok).toBe(true);
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(data.__internal__).toEqual(internal);
  });
});
