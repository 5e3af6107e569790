import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { problemLine } from '../../../shared/field-problems';
import { describe, expect, it } from 'vitest';
import { sshProblem } from '../../../shared/profile/ssh-argv';
import { file, logs, openStore, storedProfile, useTempStore } from './profile-store-helpers';
import { fakeSealer, sealingStore } from './sealed-fakes';

// A profile saved before host, user and identity file were limited to terminal-safe characters
// (a space in the identity file's path, an IPv6 host in [ ]): the file must not be moved aside,
// and every profile in it stays, while ssh is refused for that one, naming the field.

useTempStore();

const earlier = {
  ...storedProfile('e1', 'old-lab'),
  host: '[2001:db8::1]',
  ssh: { port: 22, identityFile: '/home/a/my keys/id' },
};

function writeFile(profiles: unknown[]) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ version: 2, profiles }));
}

describe('a profile file from an earlier version with values now refused', () => {
  it('loads every profile, moves nothing aside, and ssh says which field is wrong', () => {
    writeFile([earlier, storedProfile('w1', 'web')]);
    const store = openStore();
    const loaded = store.load();
    expect(loaded.ok && loaded.profiles.map((p) => p.name)).toEqual(['old-lab', 'web']);
    expect(readdirSync(dirname(file))).toEqual(['profiles.json']);
    expect(logs).toEqual([]);
    const old = store.get('old-lab');
    expect(old?.ssh.identityFile).toBe('/home/a/my keys/id');
    expect(old && sshProblem(old)).toMatch(/^host may hold only .*write an IPv6 address/);
  });

  it('keeps the profile through other changes, and asks for safe values to save it', () => {
    writeFile([earlier]);
    const store = openStore();
    store.load();
    expect(
      store.add({ name: 'web', host: 'web.example.com', open: [{ port: 7000, protocol: 'tcp' }] })
        .ok,
    ).toBe(true);
    expect(store.get('old-lab')?.ssh.identityFile).toBe('/home/a/my keys/id');
    const renamed = store.update('old-lab', { name: 'lab' });
    expect(renamed.ok ? [] : renamed.error.problems?.map(problemLine)).toEqual([
      'host: host may hold only letters, digits and . _ : % + - (found "["); write an IPv6 address without [ ]',
      'ssh.identityFile: identity file may hold only letters, digits, . _ - / @ : + , = and a leading ~ (found " "); ' +
        'give the key a path without it, or set IdentityFile for this host in ~/.ssh/config',
    ]);
    const fixed = store.update('old-lab', {
      host: '2001:db8::1',
      ssh: { identityFile: '~/keys/id' },
    });
    expect(fixed.ok && fixed.value.ssh.identityFile).toBe('~/keys/id');
  });

  it('keeps a sealed one readable too', () => {
    const { sealer } = fakeSealer();
    const { open, ...rest } = earlier;
    const sealed = {
      ...rest,
      sealed: { backend: 'fake_keyring', data: sealer.seal(JSON.stringify({ open })) },
    };
    writeFile([sealed]);
    const store = sealingStore(file, logs, { sealer, sealWrites: () => true });
    expect(store.load()).toMatchObject({ ok: true, profiles: [{ name: 'old-lab', open }] });
    expect(store.locked()).toEqual([]);
  });
});
