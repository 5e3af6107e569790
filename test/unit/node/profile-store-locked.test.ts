import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { cliLockedMessage, fakeSealer, sealingStore } from './sealed-fakes';

useTempStore();

type FileData = { version: number; profiles: Record<string, unknown>[] };
const readData = () => JSON.parse(readFileSync(file, 'utf8')) as FileData;

/** A file as the app leaves it: plain "web", sealed "vault" (hand-written: key order, no defaults). */
function writeMixedFile() {
  const { sealer } = fakeSealer();
  const vault = {
    sealed: {
      backend: 'fake_keyring',
      data: sealer.seal('{"open":[{"port":7111,"protocol":"tcp"}]}'),
    },
    host: 'vault.example.com',
    name: 'vault',
    id: 'vault-id',
  };
  mkdirSync(join(dir, 'Sesame'), { recursive: true });
  const text = JSON.stringify(
    { version: 2, profiles: [storedProfile('web-id', 'web'), vault], __internal__: { x: 1 } },
    null,
    2,
  );
  writeFileSync(file, `${text}\n`);
  return { vault, text: `${text}\n` };
}

describe('ProfileStore without a sealer (the plain CLI) on sealed records', () => {
  it('lists the readable profiles and names the locked ones', () => {
    writeMixedFile();
    const store = openStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ name: 'web' }] });
    expect(store.list().map((p) => p.name)).toEqual(['web']);
    expect(store.get('vault')).toBeUndefined();
    expect(store.get('vault-id')).toBeUndefined();
    expect(store.locked()).toEqual([
      {
        id: 'vault-id',
        name: 'vault',
        host: 'vault.example.com',
        backend: 'fake_keyring',
        cause: 'no-sealer',
        reason: 'this program cannot decrypt sequences',
      },
    ]);
    expect(store.find('VAULT')).toEqual({
      ok: false,
      error: { code: 'locked', message: cliLockedMessage('vault'), names: ['vault'] },
    });
    expect(store.find('vault-id')).toMatchObject({ error: { code: 'locked' } });
    expect(store.find('nope')).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no profile named "nope"' },
    });
    expect(store.find('web')).toMatchObject({ ok: true, value: { id: 'web-id' } });
    expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('keeps a locked record exactly as read, in its place, when it writes', () => {
    const { vault } = writeMixedFile();
    const store = openStore();
    expect(store.add({ ...web, name: 'db' }).ok).toBe(true);
    const data = readData();
    expect(data.profiles.map((r) => r.name)).toEqual(['web', 'vault', 'db']);
    // Same keys in the same order, no defaults added: the record is written back byte for byte.
    expect(JSON.stringify(data.profiles[1])).toBe(JSON.stringify(vault));
    expect(readFileSync(file, 'utf8')).toContain(
      JSON.stringify(vault, null, 2).replaceAll('\n', '\n    '),
    );
    expect(data).toMatchObject({ version: 2, __internal__: { x: 1 } });
    expect(store.update('web', { host: 'other.example.com' }).ok).toBe(true);
    expect(store.resave().ok).toBe(true);
    expect(JSON.stringify(readData().profiles[1])).toBe(JSON.stringify(vault));
    expect(store.needsResave()).toBe(false);
  });

  it('keeps locked names and ids taken, and refuses to update or replace a locked profile', () => {
    const { text } = writeMixedFile();
    const store = openStore();
    expect(store.add({ ...web, name: 'Vault' })).toMatchObject({
      ok: false,
      error: { code: 'name-taken', names: ['vault'] },
    });
    expect(store.update('web', { name: 'VAULT' })).toMatchObject({
      error: { code: 'name-taken', names: ['vault'] },
    });
    expect(store.update('vault', { host: 'x.example.com' })).toEqual({
      ok: false,
      error: { code: 'locked', message: cliLockedMessage('vault'), names: ['vault'] },
    });
    const incoming = [storedProfile('new-id', 'VAULT'), storedProfile('vault-id', 'other')];
    expect(store.importMany(incoming)).toMatchObject({
      error: { code: 'name-taken', names: ['vault'] },
    });
    expect(store.importMany(incoming, { replace: true })).toMatchObject({
      ok: false,
      error: { code: 'locked', message: cliLockedMessage('vault'), names: ['vault'] },
    });
    // A preview runs the same checks and writes nothing.
    expect(store.importMany(incoming, { replace: true, dryRun: true })).toMatchObject({
      ok: false,
      error: { code: 'locked', names: ['vault'] },
    });
    expect(store.importMany([storedProfile('fresh-id', 'fresh')], { dryRun: true })).toMatchObject({
      ok: true,
      value: { imported: [{ name: 'fresh' }], replaced: [] },
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('refuses to import a sealed record, naming it', () => {
    const { vault } = writeMixedFile();
    const store = openStore();
    const result = store.importMany([{ ...vault, id: 'x', name: 'copy' }]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(!result.ok && result.error.message).toBe(
      'profiles[0] "copy": its sequences are encrypted, and import takes plain ones (export it from the Sesame app that encrypted it)',
    );
    expect(!result.ok && result.error.problems).toEqual([
      {
        field: 'profiles[0]',
        message:
          'its sequences are encrypted, and import takes plain ones (export it from the Sesame app that encrypted it)',
      },
    ]);
  });

  it('removes a locked profile by name or id', () => {
    writeMixedFile();
    const store = openStore();
    expect(store.remove('VAULT')).toMatchObject({
      ok: true,
      value: { id: 'vault-id', name: 'vault', cause: 'no-sealer' },
    });
    expect(readData().profiles.map((r) => r.name)).toEqual(['web']);
    expect(store.locked()).toEqual([]);
  });

  it('lets the app read what the CLI added next to its sealed profile (one store, two faces)', () => {
    writeMixedFile();
    expect(openStore().add({ ...web, name: 'from-cli' }).ok).toBe(true);
    const { sealer } = fakeSealer();
    const app = sealingStore(file, logs, { sealer, sealWrites: () => true });
    expect(app.load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'web' }, { name: 'vault', open: [{ port: 7111 }] }, { name: 'from-cli' }],
    });
    expect(app.locked()).toEqual([]);
    expect(app.needsResave()).toBe(true);
    expect(app.resave().ok).toBe(true);
    expect(readData().profiles.every((r) => 'sealed' in r && !('open' in r))).toBe(true);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
  });
});
