import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileService } from '../../../electron/main/profile-service';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import { importKnockdConfig } from '../../../shared/knockd/import';
import {
  addWeb,
  config,
  root,
  sesame,
  stored,
  storeFile,
  useConfig,
  useTempConfig,
  writeStore,
} from './profiles-helpers';

useTempConfig();

describe('sesame profiles: import and export', () => {
  function writeJson(name: string, data: unknown) {
    const path = join(root, name);
    writeFileSync(path, JSON.stringify(data));
    return path;
  }
  const profile = (name: string, host = `${name}.example.com`) => ({
    id: `id-${name}`,
    name,
    host,
    open: [
      { port: 7000, protocol: 'tcp', delayMs: 250 },
      { port: 8000, protocol: 'udp' },
    ],
  });

  it('round-trips: export then import into an empty store gives identical profiles, ids included', async () => {
    await addWeb();
    await sesame(
      'add',
      '--name',
      'db',
      '--host',
      'db.example.com',
      '--open',
      '1',
      '--ssh-user',
      'pg',
    );
    const original = (await sesame('list', '--json')).out;
    const file = join(root, 'export.json');
    expect(await sesame('export', file)).toEqual({
      code: 0,
      out: `exported 2 profiles to ${file}\n`,
      err: '',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(exported).toEqual({
      format: 'sesame-profiles',
      version: 2,
      profiles: JSON.parse(original) as unknown,
    });
    expect(JSON.parse((await sesame('export')).out)).toEqual(exported);

    useConfig(join(root, 'other'));
    expect(await sesame('import', file)).toEqual({
      code: 0,
      out: `imported 2 profiles from ${file}\n`,
      err: '',
    });
    expect((await sesame('list', '--json')).out).toBe(original);
  });

  it('imports nothing when one profile is bad, and names it', async () => {
    await addWeb();
    const before = stored();
    const file = writeJson('bad.json', {
      format: 'sesame-profiles',
      version: 1,
      profiles: [profile('a'), profile('b'), profile('c'), profile('web2', '-oProxyCommand=x')],
    });
    const result = await sesame('import', file);
    expect(result).toMatchObject({ code: 1, out: '' });
    expect(result.err).toContain(
      `sesame: nothing imported from ${file}: profiles[3] "web2": host: host must not start with "-"`,
    );
    expect(stored()).toBe(before);
  });

  it('refuses names already saved, listing them, unless --replace', async () => {
    await addWeb();
    await sesame('add', '--name', 'db', '--host', 'db.example.com', '--open', '1');
    const before = stored();
    const file = writeJson('clash.json', [
      profile('WEB', 'new.example.com'),
      profile('DB'),
      profile('x'),
    ]);
    const refused = await sesame('import', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /profile name already taken: "web", "db" \(--replace replaces them\)/,
    );
    expect(stored()).toBe(before);
    const replaced = await sesame('import', file, '--replace');
    expect(replaced.code).toBe(0);
    expect(replaced.out).toBe(`imported 3 profiles from ${file}, replacing "web", "db"\n`);
    const names = JSON.parse((await sesame('list', '--json')).out) as {
      name: string;
      host: string;
    }[];
    expect(names.map((p) => [p.name, p.host])).toEqual([
      ['WEB', 'new.example.com'],
      ['DB', 'DB.example.com'],
      ['x', 'x.example.com'],
    ]);
  });

  it('accepts a profile file and a bare list, shows per-hit delays, and refuses other JSON', async () => {
    const plain = writeJson('plain.json', {
      version: 1,
      profiles: [profile('one')],
      __internal__: {},
    });
    expect((await sesame('import', plain)).code).toBe(0);
    expect((await sesame('import', writeJson('bare.json', [profile('two')]))).code).toBe(0);
    expect((await sesame('show', 'one')).out).toMatch(/open delays: +hit 1 \(7000\) 250 ms\n/);
    const newer = await sesame('import', writeJson('newer.json', { version: 3, profiles: [] }));
    expect(newer.err).toMatch(/nothing imported: .*version: 3 was written by a newer Sesame/);
    const other = await sesame('import', writeJson('other.json', { format: 'x', profiles: [] }));
    expect(other.err).toMatch(/format: "x" is not sesame-profiles/);
    writeFileSync(join(root, 'broken.json'), '[\n{"name": }');
    const broken = await sesame('import', join(root, 'broken.json'));
    expect(broken.err).toMatch(
      /^sesame: nothing imported: .*broken\.json: not JSON: Unexpected token '}' at line 2 column 10\n$/,
    );
    expect((await sesame('import', join(root, 'missing.json'))).err).toMatch(/cannot read/);
    expect((await sesame('list')).out).toMatch(/^NAME.*\none .*\ntwo /);
  });
});

describe('sesame profiles: exports shared with the app', () => {
  function app(folder: string) {
    const logger = createLogger('test', () => undefined);
    const store = new ProfileStore({
      path: join(folder, 'profiles.json'),
      now: () => new Date(),
      logger,
    });
    let n = 0;
    return new ProfileService({
      store,
      importKnockd: importKnockdConfig,
      logger,
      newId: () => `id-${String(++n)}`,
    });
  }

  it('imports the CLI’s export in the app, profiles identical', async () => {
    await addWeb();
    await sesame(
      'add',
      '--name',
      'db',
      '--host',
      'db.example.com',
      '--open',
      '1:udp',
      '--ssh-user',
      'pg',
    );
    const cli = JSON.parse((await sesame('list', '--json')).out) as unknown;
    const exported = await sesame('export');
    expect(exported.code).toBe(0);
    const service = app(join(root, 'app'));
    expect(service.import({ format: 'json', text: exported.out })).toMatchObject({
      ok: true,
      value: { profiles: [{ name: 'web' }, { name: 'db' }] },
    });
    expect(service.view().profiles).toEqual(cli);
  });

  it('imports the app’s export with the CLI, profiles identical', async () => {
    const service = app(join(root, 'app'));
    const saved = service.save(undefined, {
      name: 'lab',
      host: 'lab.example.com',
      open: [{ port: 7000, protocol: 'tcp', delayMs: 100 }],
      close: [{ port: 9000, protocol: 'udp' }],
      ssh: { user: 'ops', port: 2222 },
    });
    const exported = service.export();
    if (!saved.ok || !exported.ok) throw new Error('setup failed');
    const file = join(root, 'from-app.json');
    writeFileSync(file, exported.value.json);
    expect(await sesame('import', file)).toEqual({
      code: 0,
      out: `imported 1 profiles from ${file}\n`,
      err: '',
    });
    expect(JSON.parse((await sesame('list', '--json')).out)).toEqual([saved.value]);
  });
});

describe('sesame profiles: a store that fails to load', () => {
  it('moves a corrupt file aside and reports it; list exits 1, export writes nothing, add goes on', async () => {
    writeStore('{"version": 1, "profiles": [');
    const listed = await sesame('list');
    expect(listed.code).toBe(1);
    expect(listed.err).toMatch(
      /profiles\.json is not valid JSON:\n {2}Unexpected end of JSON input/,
    );
    const moved = readdirSync(config).find((f) => f.startsWith('profiles.json.corrupt-'));
    expect(moved).toMatch(/^profiles\.json\.corrupt-\d{8}-\d{6}$/);
    expect(listed.err).toContain(`moved to ${join(config, moved ?? '')}`);
    expect(readFileSync(join(config, moved ?? ''), 'utf8')).toBe('{"version": 1, "profiles": [');

    writeStore('not json');
    const exported = await sesame('export', join(root, 'out.json'));
    expect(exported.code).toBe(1);
    expect(exported.err).toMatch(/nothing exported/);
    expect(existsSync(join(root, 'out.json'))).toBe(false);

    // A record that is not valid is kept, not the cause of a move: add goes on beside it.
    writeStore('[{"name": "no id"}]');
    const added = await addWeb();
    expect(added.code).toBe(0);
    expect(added.err).toContain(
      `sesame: ${storeFile}: profile "no id" is not valid and is kept in the file as it is: profiles[0].id: `,
    );
    expect(readdirSync(config).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
    const kept = JSON.parse(stored() ?? '') as { profiles: unknown[] };
    expect(kept.profiles[0]).toEqual({ name: 'no id' });
    const list = await sesame('list');
    expect(list.code).toBe(1);
    expect(list.out).toMatch(/^no id +- +\(not valid: kept as it is, see above\)$/m);
    expect(list.out).toMatch(/^web +web\.example\.com +7000,8000:udp,9000/m);
  });

  it('never changes a file from a newer Sesame: every subcommand exits 1', async () => {
    const bytes = JSON.stringify({ version: 7, profiles: [] });
    writeStore(bytes);
    for (const args of [['list'], ['show', 'x'], ['export'], ['remove', 'x']]) {
      const result = await sesame(...args);
      expect(result).toMatchObject({ code: 1, out: '' });
      expect(result.err).toMatch(/written by a newer Sesame \(file version 7/);
    }
    expect((await addWeb()).code).toBe(1);
    expect(readFileSync(storeFile, 'utf8')).toBe(bytes);
    expect(readdirSync(config)).toEqual(['profiles.json']);
  });

  it('reads a version-0 file with a note, and rewrites it as version 2 on the next change', async () => {
    writeStore(
      JSON.stringify([
        { id: 'old', name: 'legacy', host: 'h', open: [{ port: 1, protocol: 'tcp' }] },
      ]),
    );
    const listed = await sesame('list');
    expect(listed.code).toBe(0);
    expect(listed.err).toMatch(/^sesame: note: .*version 0 format/);
    expect(listed.out).toMatch(/legacy +h +1 +-/);
    await addWeb();
    expect(JSON.parse(stored() ?? '')).toMatchObject({ version: 2, profiles: [{ id: 'old' }, {}] });
  });
});
