import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../../shared/profile/profile';
import { readProfileFile } from '../../../shared/profile/profile-file';
import { file, logs, openStore, useTempStore, web } from './profile-store-helpers';
import { fakeSealer, sealingStore } from './sealed-fakes';

useTempStore();

const KEY = Buffer.from('k'.repeat(32)).toString('base64');
const HMAC_KEY = Buffer.from('h'.repeat(48)).toString('base64');

/** A profile whose open is an SPA request to fwknopd. */
const gate = {
  name: 'gate',
  host: 'gate.example.com',
  spa: {
    access: [{ protocol: 'tcp' as const, port: 22 }],
    key: { encoding: 'base64' as const, value: KEY },
    hmacKey: HMAC_KEY,
  },
};

describe('a profile that opens with SPA', () => {
  it('takes defaults (port 62201, SHA-256) and needs no open sequence', () => {
    const parsed = parseProfile({ ...gate, id: 'g1' });
    expect(parsed).toMatchObject({
      ok: true,
      value: { spa: { port: 62201, hmacDigest: 'sha256', digest: 'sha256' } },
    });
    expect(parsed.ok && parsed.value.open).toBeUndefined();
  });

  it('must open one way: a sequence or an SPA request, naming the field', () => {
    const neither = parseProfile({ id: 'g1', name: 'x', host: 'h' });
    expect(neither).toEqual({
      ok: false,
      problems: [
        { field: 'open', message: 'the profile needs an open sequence or an SPA request' },
      ],
    });
    const both = parseProfile({ ...gate, id: 'g1', open: web.open });
    expect(both).toEqual({
      ok: false,
      problems: [
        {
          field: 'spa',
          message: 'a profile opens with a knock sequence or an SPA request, not both',
        },
      ],
    });
  });

  it('names a bad SPA field', () => {
    const parsed = parseProfile({
      ...gate,
      id: 'g1',
      spa: { ...gate.spa, key: { encoding: 'base64', value: 'not base64!' }, port: 0 },
    });
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      { field: 'spa.port', message: 'port must be 1-65535' },
      { field: 'spa.key.value', message: 'the key must be base64 of 1 to 32 bytes' },
    ]);
  });

  it('is saved and read back by the plain store (the CLI)', () => {
    const added = openStore().add(gate);
    expect(added.ok).toBe(true);
    expect(openStore().load()).toMatchObject({ ok: true, profiles: [gate] });
  });

  it('is sealed with its keys by the app: no key in clear in the file, read back equal', () => {
    const fake = fakeSealer();
    const store = sealingStore(file, logs, { sealer: fake.sealer, sealWrites: () => true });
    const added = store.add(gate);
    if (!added.ok) throw new Error(added.error.message);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(HMAC_KEY);
    expect(text).not.toContain('spa');
    const [record] = (JSON.parse(text) as { profiles: Record<string, unknown>[] }).profiles;
    const sealed = record?.sealed as { data: string };
    expect(JSON.parse(fake.sealer.unseal(sealed.data))).toEqual({ spa: added.value.spa });
    const reader = sealingStore(file, logs, { sealer: fake.sealer, sealWrites: () => true });
    expect(reader.load()).toEqual({ ok: true, profiles: [added.value] });
    expect(reader.locked()).toEqual([]);
  });

  it('switches between a sequence and SPA on edit', () => {
    const store = openStore();
    const added = store.add(web);
    if (!added.ok) throw new Error(added.error.message);
    const toSpa = store.update('web', { open: undefined, spa: gate.spa });
    expect(toSpa).toMatchObject({ ok: true, value: { spa: { port: 62201 } } });
    expect(toSpa.ok && toSpa.value.open).toBeUndefined();
    const back = store.update('web', { open: web.open, spa: undefined });
    expect(back).toMatchObject({ ok: true, value: { open: web.open } });
    expect(back.ok && back.value.spa).toBeUndefined();
  });

  it('a file from before SPA (version 2, sequences only) still reads as it was', () => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ version: 2, profiles: [{ id: 'w', ...web }] }));
    expect(openStore().load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'web', open: web.open }],
    });
  });

  it('a record without an open sequence or SPA request is kept, named as invalid', () => {
    const read = readProfileFile({
      version: 2,
      profiles: [{ id: 'x', name: 'x', host: 'h' }],
    });
    expect(read).toMatchObject({
      ok: true,
      records: [
        {
          ok: false,
          problems: [
            {
              field: 'profiles[0].open',
              message: 'the profile needs an open sequence or an SPA request',
            },
          ],
        },
      ],
    });
  });
});
