import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileFileBackend } from '../../../electron/node/profile-store-file';
import { dir, file, logs, storedProfile, useTempStore, web } from './profile-store-helpers';
import { brokenSealer, fakeSealer, sealingStore } from './sealed-fakes';

useTempStore();

type FileData = { version: number; profiles: Record<string, unknown>[] };
const readData = () => JSON.parse(readFileSync(file, 'utf8')) as FileData;
const vault = {
  name: 'vault',
  host: 'vault.example.com',
  open: [
    { port: 7111, protocol: 'tcp' as const },
    { port: 8222, protocol: 'udp' as const, delayMs: 300 },
  ],
  close: [{ port: 9333, protocol: 'tcp' as const }],
  ssh: { user: 'ops' },
};

function appStore(encrypt = true) {
  const fake = fakeSealer();
  const mode = { encrypt };
  const store = sealingStore(file, logs, { sealer: fake.sealer, sealWrites: () => mode.encrypt });
  return { store, fake, mode };
}

describe('ProfileStore with a sealer (the app)', () => {
  it('writes sealed records that hold no sequence in clear, and reads them back equal', () => {
    const { store, fake } = appStore();
    const added = store.add(vault);
    if (!added.ok) throw new Error(added.error.message);
    const text = readFileSync(file, 'utf8');
    for (const port of ['7111', '8222', '9333', 'udp', '300']) expect(text).not.toContain(port);
    const [record] = readData().profiles;
    expect(record).not.toHaveProperty('open');
    expect(record).not.toHaveProperty('close');
    expect(record).toMatchObject({ name: 'vault', ssh: { user: 'ops' } });
    const sealed = record?.sealed as { backend: string; data: string };
    expect(Object.keys(sealed)).toEqual(['backend', 'data']);
    expect(sealed.backend).toBe('fake_keyring');
    expect(sealed.data).not.toContain('port');
    const data = sealed.data;
    expect(JSON.parse(fake.sealer.unseal(data))).toEqual({ open: vault.open, close: vault.close });

    const reader = appStore().store;
    expect(reader.load()).toEqual({ ok: true, profiles: [added.value] });
    expect(reader.locked()).toEqual([]);
    expect(reader.needsResave()).toBe(false);
  });

  it('seals only the open sequence when there is no close one', () => {
    const { store, fake } = appStore();
    store.add(web);
    const sealed = readData().profiles[0]?.sealed as { data: string };
    expect(fake.sealer.unseal(sealed.data)).toBe('{"open":[{"port":7000,"protocol":"tcp"}]}');
  });

  it('writes plain while sealWrites is false, and seals nothing without a sealer', () => {
    appStore(false).store.add(web);
    expect(readData().profiles[0]).toMatchObject({ open: web.open });
    expect(readData().profiles[0]).not.toHaveProperty('sealed');
    sealingStore(file, logs, { sealWrites: () => true }).add(vault);
    expect(readData().profiles[1]).toMatchObject({ open: vault.open });
  });

  it('reuses the sealed record of an unchanged profile, and reseals one it changes', () => {
    const { store, fake } = appStore();
    store.add(vault);
    const first = readData().profiles[0];
    store.add(web);
    expect(fake.calls.seal).toBe(2);
    expect(readData().profiles[0]).toEqual(first);
    store.update('vault', { host: 'new.example.com' });
    expect(fake.calls.seal).toBe(3);
    expect(readData().profiles[0]).toMatchObject({ host: 'new.example.com', sealed: {} });
    expect(store.get('vault')).toMatchObject({ host: 'new.example.com', open: vault.open });
  });

  it('reseals a record another backend sealed when it can read it', () => {
    const other = fakeSealer('kwallet5');
    sealingStore(file, logs, { sealer: other.sealer, sealWrites: () => true }).add(vault);
    // The fake's unseal checks only its marker, so this sealer reads the other's data.
    const { store } = appStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ name: 'vault' }] });
    expect(store.needsResave()).toBe(true);
    expect(store.resave().ok).toBe(true);
    expect(readData().profiles[0]?.sealed).toMatchObject({ backend: 'fake_keyring' });
  });

  it('seals plain profiles on the next write, not on reading; resave switches every readable one', () => {
    sealingStore(file, logs).add(web);
    const plainText = readFileSync(file, 'utf8');
    const { store, mode } = appStore();
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ name: 'web' }] });
    expect(readFileSync(file, 'utf8')).toBe(plainText);
    expect(store.needsResave()).toBe(true);
    store.add(vault);
    expect(readData().profiles.map((r) => 'sealed' in r)).toEqual([true, true]);
    expect(store.needsResave()).toBe(false);

    mode.encrypt = false;
    expect(store.needsResave()).toBe(true);
    expect(store.resave()).toEqual({ ok: true, value: undefined });
    expect(readData().profiles).toEqual([
      expect.objectContaining({ name: 'web', open: web.open }),
      expect.objectContaining({ name: 'vault', open: vault.open, close: vault.close }),
    ]);
    expect(store.needsResave()).toBe(false);
  });

  it('refuses to write when sealing fails, and leaves the file as it was', () => {
    appStore().store.add(web);
    const before = readFileSync(file, 'utf8');
    const reader = fakeSealer().sealer;
    const store = sealingStore(file, logs, {
      sealer: { ...brokenSealer, unseal: (data) => reader.unseal(data) },
      sealWrites: () => true,
    });
    const result = store.add(vault);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'encrypt-failed', names: ['vault'] },
    });
    expect(!result.ok && result.error.message).toBe(
      'cannot encrypt the sequences of profile "vault" with fake_keyring: the keyring is locked; nothing was written',
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
    const garbled = sealingStore(file, logs, {
      sealer: {
        backend: 'fake keyring',
        seal: () => 'not base64!',
        unseal: (d) => reader.unseal(d),
      },
      sealWrites: () => true,
    });
    expect(garbled.add(vault)).toMatchObject({
      ok: false,
      error: {
        code: 'encrypt-failed',
        message: expect.stringMatching(
          /^cannot encrypt .* the sealer gave sealed\.backend: backend may hold .*; sealed\.data: data must be base64; nothing was written$/,
        ) as unknown,
      },
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('ProfileStore when a sealed record cannot be decrypted', () => {
  it('locks it with the reason, keeps the file untouched, and logs a warning', () => {
    const added = appStore().store.add(vault);
    const before = readFileSync(file, 'utf8');
    const store = sealingStore(file, logs, { sealer: brokenSealer, sealWrites: () => true });
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(store.locked()).toEqual([
      {
        id: added.ok ? added.value.id : '',
        name: 'vault',
        host: 'vault.example.com',
        backend: 'fake_keyring',
        cause: 'unseal-failed',
        reason: 'decryption failed: the keyring is locked',
      },
    ]);
    const found = store.find('VAULT');
    expect(found).toMatchObject({ ok: false, error: { code: 'locked', names: ['vault'] } });
    expect(!found.ok && found.error.message).toMatch(
      /^profile "vault" has its sequences encrypted \(fake_keyring\) but they cannot be decrypted here: decryption failed: the keyring is locked\. .*remove the profile and add it again/,
    );
    store.load();
    expect(logs.filter((l) => l.startsWith('warn'))).toEqual([
      'warn [profiles] profile "vault": decryption failed: the keyring is locked',
    ]);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'Sesame'))).toEqual(['profiles.json']);
  });

  it('locks a record that decrypts to something other than two sequences', () => {
    const { sealer } = fakeSealer();
    const bad = (plain: string) => ({ backend: 'fake_keyring', data: sealer.seal(plain) });
    mkdirSync(join(dir, 'Sesame'));
    const { open: _open, ...rest } = storedProfile('a', 'notjson');
    const { open: _o, ...rest2 } = storedProfile('b', 'noport');
    const records = [
      { ...rest, sealed: bad('{"open": [') },
      { ...rest2, sealed: bad('{"open":[{"port":0,"protocol":"tcp"}]}') },
    ];
    writeFileSync(file, JSON.stringify({ version: 2, profiles: records }));
    const store = sealingStore(file, logs, { sealer });
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(store.locked().map((p) => [p.name, p.cause, p.reason])).toEqual([
      [
        'notjson',
        'bad-sequences',
        expect.stringMatching(/^the decrypted sequences are not JSON: /),
      ],
      [
        'noport',
        'bad-sequences',
        'the decrypted sequences are not valid: open[0].port: port must be 1-65535',
      ],
    ]);
  });

  it('keeps a sealed record with an invalid field in clear as it is, naming the field', () => {
    mkdirSync(join(dir, 'Sesame'));
    const { open: _open, ...rest } = storedProfile('a', 'bad', '-oProxyCommand');
    const bytes = JSON.stringify({
      version: 2,
      profiles: [{ ...rest, sealed: { backend: 'fake_keyring', data: 'QUJD' } }],
    });
    writeFileSync(file, bytes);
    const store = sealingStore(file, logs);
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(store.locked()).toEqual([
      {
        id: 'a',
        name: 'bad',
        host: '-oProxyCommand',
        backend: 'fake_keyring',
        cause: 'invalid',
        reason: 'profiles[0].host: host must not start with "-"',
      },
    ]);
    expect(readFileSync(file, 'utf8')).toBe(bytes);
  });
});

describe('ProfileStore file backend', () => {
  it('reads and writes through the backend given, and reports its write errors', () => {
    let stored: Record<string, unknown> | undefined;
    let broken = false;
    const backend: ProfileFileBackend = {
      read: () => {
        if (stored) return new TextEncoder().encode(JSON.stringify(stored));
        throw Object.assign(new Error('no file'), { code: 'ENOENT' });
      },
      write: (data) => {
        if (broken) throw new Error('disk full');
        stored = data;
      },
    };
    const { sealer } = fakeSealer();
    const store = sealingStore(file, logs, { backend, sealer, sealWrites: () => true });
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(store.add(vault).ok).toBe(true);
    expect(stored).toMatchObject({ version: 2, profiles: [{ name: 'vault', sealed: {} }] });
    // Only the folder of the file's lock is made there, and the lock is gone again.
    expect(readdirSync(join(dir, 'Sesame'))).toEqual([]);
    broken = true;
    expect(store.add(web)).toMatchObject({
      ok: false,
      error: { code: 'io', message: `cannot write ${file}: disk full` },
    });
    expect(store.list().map((p) => p.name)).toEqual(['vault']);
  });

  it('reads a version-1 file as it is, says so, and writes version 2 on the next change', () => {
    mkdirSync(join(dir, 'Sesame'));
    writeFileSync(file, JSON.stringify({ version: 1, profiles: [storedProfile('one', 'one')] }));
    const { store } = appStore(false);
    const loaded = store.load();
    expect(loaded).toMatchObject({ ok: true, profiles: [{ id: 'one', name: 'one' }] });
    expect(loaded.ok && loaded.notice).toMatch(/version 1 format; .* rewritten as version 2/);
    expect(store.needsResave()).toBe(true);
    expect(store.resave().ok).toBe(true);
    expect(readData()).toMatchObject({ version: 2, profiles: [{ id: 'one' }] });
    expect(store.needsResave()).toBe(false);
  });
});
