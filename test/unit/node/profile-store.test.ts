import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { file, openStore, storedProfile, useTempStore, web } from './profile-store-helpers';

useTempStore();

describe('ProfileStore writes', () => {
  it('finds by name in any case or by id; updates, removes, and keeps names unique', () => {
    const store = openStore();
    const added = store.add(web);
    if (!added.ok) throw new Error('add failed');
    expect(store.get('WEB')?.id).toBe(added.value.id);
    expect(store.get(added.value.id)?.name).toBe('web');
    expect(store.get('nope')).toBeUndefined();

    const clash = store.add({ ...web, name: 'Web' });
    expect(clash).toMatchObject({ ok: false, error: { code: 'name-taken', names: ['web'] } });

    const updated = store.update('web', {
      host: 'other.example.com',
      ssh: { user: 'deploy' },
      close: [{ port: 9000, protocol: 'udp' }],
    });
    expect(updated).toMatchObject({ ok: true, value: { host: 'other.example.com' } });
    expect(updated.ok && updated.value.ssh).toEqual({ user: 'deploy', port: 22 });
    const cleared = store.update(added.value.id, { close: undefined, ssh: { user: undefined } });
    expect(cleared.ok && 'close' in cleared.value).toBe(false);
    expect(cleared.ok && cleared.value.ssh).toEqual({ port: 22 });

    expect(store.add({ ...web, name: 'db' }).ok).toBe(true);
    expect(store.update('db', { name: 'WEB' })).toMatchObject({ error: { code: 'name-taken' } });
    expect(store.update('ghost', { host: 'x' })).toMatchObject({
      error: { code: 'not-found', message: 'no profile named "ghost"' },
    });
    expect(store.remove('Db')).toMatchObject({ ok: true, value: { name: 'db' } });
    expect(openStore().load()).toMatchObject({ ok: true, profiles: [{ name: 'web' }] });
  });

  it('refuses an invalid profile naming the field, and writes nothing', () => {
    const store = openStore();
    const result = store.add({ ...web, host: '-oProxyCommand=evil' });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(!result.ok && result.error.problems).toContainEqual({
      field: 'host',
      message: 'host must not start with "-"',
    });
    expect(!result.ok && result.error.message).toContain('host: host must not start with "-"');
    expect(existsSync(file)).toBe(false);
  });

  it('re-reads the file before each change, so another writer is not overwritten', () => {
    const app = openStore();
    const cli = openStore();
    app.load();
    cli.load();
    expect(cli.add({ ...web, name: 'from-cli' }).ok).toBe(true);
    expect(app.add({ ...web, name: 'from-app' }).ok).toBe(true);
    expect(openStore().load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'from-cli' }, { name: 'from-app' }],
    });
  });
});

describe('ProfileStore.importMany', () => {
  it('imports nothing when one profile is bad, naming it', () => {
    const store = openStore();
    store.add(web);
    const before = readFileSync(file, 'utf8');
    const result = store.importMany([
      storedProfile('a', 'a'),
      { ...storedProfile('b', 'api'), open: [{ port: 0, protocol: 'tcp' }] },
    ]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(!result.ok && result.error.message).toBe(
      'profiles[1] "api": open[0].port: port must be 1-65535',
    );
    expect(!result.ok && result.error.problems).toEqual([
      { field: 'profiles[1].open[0].port', message: 'port must be 1-65535' },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses names already saved (any case) unless replace, and keeps given ids', () => {
    const store = openStore();
    store.add(web);
    const incoming = [storedProfile('id-1', 'WEB', 'new.example.com'), storedProfile('id-2', 'db')];
    expect(store.importMany(incoming)).toMatchObject({
      ok: false,
      error: { code: 'name-taken', names: ['web'] },
    });
    expect(store.list().map((p) => p.name)).toEqual(['web']);
    const replaced = store.importMany(incoming, { replace: true });
    expect(replaced).toMatchObject({ ok: true, value: { replaced: [{ name: 'web' }] } });
    expect(openStore().load()).toMatchObject({
      ok: true,
      profiles: [
        { id: 'id-1', name: 'WEB', host: 'new.example.com' },
        { id: 'id-2', name: 'db' },
      ],
    });
  });

  it('refuses duplicate names inside the import and generates missing ids', () => {
    const store = openStore();
    const dup = store.importMany([storedProfile('a', 'x'), storedProfile('b', 'X')]);
    expect(!dup.ok && dup.error.message).toMatch(/profiles\[1\]\.name: "X" is already used/);
    expect(!dup.ok && dup.error.problems?.[0]).toEqual({
      field: 'profiles[1].name',
      message: '"X" is already used by profiles[0]',
    });
    const { id: _id, ...noId } = storedProfile('z', 'no-id');
    const ok = store.importMany([noId]);
    expect(ok.ok && ok.value.imported[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
