import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../electron/main/profile-service';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import { importKnockdConfig } from '../../../shared/knockd/import';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function service() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-psvc-spa-'));
  dirs.push(dir);
  const logger = createLogger('test', () => undefined);
  const store = new ProfileStore({
    path: path.join(dir, 'profiles.json'),
    now: () => new Date('2026-11-21T10:00:00Z'),
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

const spa = {
  access: [{ protocol: 'tcp' as const, port: 22 }],
  key: { encoding: 'passphrase' as const, value: 'open sesame' },
};

describe('ProfileService and SPA', () => {
  it('imports a .fwknoprc (format fwknoprc), with its notes', () => {
    const result = service().import({
      format: 'fwknoprc',
      text: '[gate]\nSPA_SERVER gate.example\nACCESS tcp/22\nKEY k\nRAND_PORT Y\n',
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        profiles: [{ name: 'gate', host: 'gate.example', spa: { key: { value: 'k' } } }],
        notes: [
          '[gate] line 5: RAND_PORT is left out (Sesame does not use it)',
          '[gate] has no ALLOW_IP: fwknopd lets in the address the packet comes from (fwknop -s)',
        ],
      },
    });
  });

  it('refuses a .fwknoprc with nothing to import, as an invalid input', () => {
    expect(service().import({ format: 'fwknoprc', text: '# nothing\n' })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('no stanza to import') as string },
    });
  });

  it('saves an edit that turns a sequence profile into an SPA one, and back', () => {
    const s = service();
    const created = s.save(undefined, {
      name: 'lab',
      host: 'lab.example',
      open: [{ port: 7000, protocol: 'tcp' }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const toSpa = s.save(created.value.id, { name: 'lab', host: 'lab.example', spa });
    expect(toSpa).toMatchObject({ ok: true, value: { spa: { port: 62201 } } });
    expect(toSpa.ok && toSpa.value.open).toBeUndefined();
    const back = s.save(created.value.id, {
      name: 'lab',
      host: 'lab.example',
      open: [{ port: 7100, protocol: 'udp' }],
    });
    expect(back.ok && back.value.spa).toBeUndefined();
  });
});
