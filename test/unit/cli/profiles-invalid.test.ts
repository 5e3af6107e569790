// The reviewer's case: one profile with an unknown field (`color`). A read-only `profiles list`
// used to move the whole file aside, and the next add started an empty file.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { config, sesame, stored, storeFile, useTempConfig, writeStore } from './profiles-helpers';

useTempConfig();

const good = {
  id: 'g',
  name: 'good',
  host: 'good.example.com',
  open: [{ port: 7000, protocol: 'tcp' }],
};
const bad = {
  id: 'b',
  name: 'painted',
  host: 'b.example.com',
  open: [{ port: 1, protocol: 'tcp' }],
  color: 'red',
};

describe('sesame profiles with one record that is not valid', () => {
  it('list shows the good ones, marks the bad one, names its field on stderr and exits 1', async () => {
    const text = `${JSON.stringify({ version: 2, profiles: [good, bad] }, null, 2)}\n`;
    writeStore(text);
    const listed = await sesame('list');
    expect(listed.code).toBe(1);
    expect(listed.out).toMatch(/^good +good\.example\.com +7000 +-$/m);
    expect(listed.out).toMatch(
      /^painted +b\.example\.com +\(not valid: kept as it is, see above\)$/m,
    );
    expect(listed.err).toBe(
      `sesame: ${storeFile}: profile "painted" is not valid and is kept in the file as it is: profiles[1]: Unrecognized key: "color". Correct it in the file, or remove it (sesame profiles remove "b").\n`,
    );
    expect(stored()).toBe(text);
    expect(readdirSync(config)).toEqual(['profiles.json']);
  });

  it('add keeps every record, the bad one exactly as it was', async () => {
    writeStore(JSON.stringify({ version: 2, profiles: [good, bad] }));
    const added = await sesame('add', '--name', 'new', '--host', 'n.example.com', '--open', '9');
    expect(added.code).toBe(0);
    const data = JSON.parse(stored() ?? '') as { profiles: { name: string }[] };
    expect(data.profiles.map((p) => p.name)).toEqual(['good', 'painted', 'new']);
    expect(data.profiles[1]).toEqual(bad);
    expect((await sesame('show', 'painted')).err).toMatch(
      /profiles\[1\]: Unrecognized key: "color"/,
    );
    expect((await sesame('remove', 'painted')).code).toBe(0);
    expect((await sesame('list')).code).toBe(0);
  });
});
