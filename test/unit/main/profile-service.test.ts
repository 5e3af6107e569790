import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileService } from '../../../electron/main/profile-service';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import type { ProfilesView } from '../../../shared/ipc/contract';
import { importKnockdConfig } from '../../../shared/knockd/import';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const fixture = (name: string) =>
  fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/knockd', name), 'utf8');

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-psvc-'));
  dirs.push(dir);
  const file = path.join(dir, 'profiles.json');
  const logger = createLogger('test', () => undefined);
  const store = new ProfileStore({
    path: file,
    now: () => new Date('2026-11-21T10:00:00Z'),
    logger,
  });
  let n = 0;
  const service = new ProfileService({
    store,
    importKnockd: importKnockdConfig,
    logger,
    newId: () => `id-${++n}`,
  });
  const views: ProfilesView[] = [];
  service.changed.add((v) => views.push(v));
  return { dir, file, store, service, views };
}

const draft = {
  name: 'lab',
  host: 'lab.example',
  open: [
    { port: 7000, protocol: 'tcp' as const },
    { port: 8000, protocol: 'udp' as const },
  ],
  close: [{ port: 9000, protocol: 'tcp' as const }],
  ssh: { user: 'ops', port: 22 },
};

describe('ProfileService', () => {
  it('creates, reads back, edits every field (removing optional ones) and deletes', () => {
    const t = setup();
    const created = t.service.save(undefined, draft);
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const id = created.value.id;
    expect(t.service.get(id)).toEqual({ ok: true, value: created.value });
    const { close: _close, ...withoutClose } = draft;
    const edited = t.service.save(id, {
      ...withoutClose,
      host: 'lab2.example',
      ssh: { port: 2222 },
    });
    expect(edited).toMatchObject({
      ok: true,
      value: { id, host: 'lab2.example', ssh: { port: 2222 } },
    });
    if (edited.ok) {
      expect(edited.value.close).toBeUndefined();
      expect(edited.value.ssh.user).toBeUndefined();
    }
    expect(t.views.map((v) => v.profiles.map((p) => p.host))).toEqual([
      ['lab.example'],
      ['lab2.example'],
    ]);
    expect(t.service.remove(id)).toMatchObject({ ok: true, value: { name: 'lab' } });
    expect(t.service.view().profiles).toEqual([]);
    expect(t.service.get(id)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('names the field of a store refusal, prefixed like the contract (profile.…)', () => {
    const t = setup();
    expect(t.service.save(undefined, draft).ok).toBe(true);
    expect(t.service.save(undefined, { ...draft, name: 'LAB' })).toMatchObject({
      ok: false,
      error: { code: 'name-taken' },
    });
    expect(t.service.save('no-such-id', draft)).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('sees changes made by the CLI on the next call', () => {
    const t = setup();
    expect(t.service.save(undefined, draft).ok).toBe(true);
    const cli = new ProfileStore({
      path: t.file,
      now: () => new Date(),
      logger: createLogger('cli', () => undefined),
    });
    expect(cli.add({ ...draft, name: 'from-cli' }).ok).toBe(true);
    expect(t.service.view().profiles.map((p) => p.name)).toEqual(['lab', 'from-cli']);
    t.service.fileChanged();
    expect(t.views.at(-1)?.profiles.map((p) => p.name)).toEqual(['lab', 'from-cli']);
  });

  it('reports a broken file moved aside, and keeps working', () => {
    const t = setup();
    fs.writeFileSync(t.file, '{ broken');
    const view = t.service.view();
    expect(view.profiles).toEqual([]);
    expect(view.problem).toMatch(/is not valid JSON[\s\S]*moved to .*profiles\.json\.corrupt-/);
    expect(fs.readdirSync(t.dir).some((f) => f.startsWith('profiles.json.corrupt-'))).toBe(true);
    expect(t.service.save(undefined, draft).ok).toBe(true);
    expect(t.service.view().problem).toBeUndefined();
  });

  it('imports a JSON export: preview first, then for real; refuses clashes unless replacing', () => {
    const t = setup();
    const json = JSON.stringify({ version: 1, profiles: [{ ...draft, id: 'x1' }] });
    const preview = t.service.import({ format: 'json', text: json, dryRun: true });
    expect(preview).toMatchObject({
      ok: true,
      value: { dryRun: true, replaced: [], profiles: [{ name: 'lab' }] },
    });
    expect(t.service.view().profiles).toEqual([]);
    expect(t.service.import({ format: 'json', text: json })).toMatchObject({
      ok: true,
      value: { dryRun: false },
    });
    expect(t.service.import({ format: 'json', text: json, dryRun: true })).toMatchObject({
      ok: false,
      error: { code: 'name-taken' },
    });
    expect(t.service.import({ format: 'json', text: json, replace: true })).toMatchObject({
      ok: true,
      value: { replaced: ['lab'] },
    });
    expect(
      t.service.import({ format: 'json', text: JSON.stringify([{ ...draft, name: 'bare' }]) }),
    ).toMatchObject({
      ok: true,
      value: { profiles: [{ name: 'bare', id: 'id-1' }] },
    });
  });

  it('keeps the store’s problems structured: a message holding ": " is not split into a field', () => {
    const t = setup();
    const result = t.service.save(undefined, { ...draft, extra: 1 } as typeof draft);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(!result.ok && result.error.problems).toEqual([
      { field: 'profile', message: 'Unrecognized key: "extra"' },
    ]);
  });

  it('imports nothing when one profile is bad, naming it and its field', () => {
    const t = setup();
    const text = JSON.stringify([draft, { ...draft, name: 'bad', host: '-oProxyCommand=x' }]);
    const result = t.service.import({ format: 'json', text });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid' } });
    if (!result.ok) {
      expect(result.error.message).toMatch(/profiles\[1\]\.host: host must not start with "-"/);
      expect(result.error.problems).toContainEqual({
        field: 'profiles[1].host',
        message: 'host must not start with "-"',
      });
    }
    expect(t.service.view().profiles).toEqual([]);
    expect(t.service.import({ format: 'json', text: '{"nope": 1}' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
    expect(t.service.import({ format: 'json', text: '[1,' })).toMatchObject({
      ok: false,
      error: { code: 'invalid' },
    });
  });

  it('imports a knockd.conf, pairing the open and close doors into one profile', () => {
    const t = setup();
    const result = t.service.import({
      format: 'knockd',
      text: fixture('iptables-open-close.conf'),
      host: '198.18.0.1',
    });
    expect(result.ok).toBe(true);
    const [profile] = t.service.view().profiles;
    expect(profile).toMatchObject({ host: '198.18.0.1', servicePort: 22 });
    expect(profile?.open?.length).toBeGreaterThan(0);
    expect(profile?.close?.length).toBeGreaterThan(0);
    expect(
      t.service.import({ format: 'knockd', text: fixture('iptables-open-close.conf') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid', problems: [{ field: 'host' }] },
    });
    const broken = t.service.import({
      format: 'knockd',
      text: '[openSSH]\nsequence = 70000\n',
      host: 'h',
    });
    expect(broken).toMatchObject({ ok: false });
    if (!broken.ok)
      expect(broken.error.message).toMatch(/section openSSH: port 70000 is invalid \(line 1\)/);
  });

  it('exports all or chosen profiles as a file the import reads back', () => {
    const t = setup();
    const a = t.service.save(undefined, draft);
    const b = t.service.save(undefined, { ...draft, name: 'other' });
    if (!a.ok || !b.ok) throw new Error('setup failed');
    const all = t.service.export();
    expect(all).toMatchObject({ ok: true, value: { count: 2 } });
    const one = t.service.export([b.value.id]);
    expect(one).toMatchObject({ ok: true, value: { count: 1 } });
    if (one.ok)
      expect(JSON.parse(one.value.json)).toMatchObject({
        profiles: [{ name: 'other', open: draft.open }],
      });
    expect(t.service.export(['missing'])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    const other = setup();
    if (all.ok)
      expect(other.service.import({ format: 'json', text: all.value.json }).ok).toBe(true);
    expect(other.service.view().profiles.map((p) => p.name)).toEqual(['lab', 'other']);
  });

  it('writes the export the CLI writes: its format, its version and the profiles', () => {
    const t = setup();
    const saved = t.service.save(undefined, draft);
    const exported = t.service.export();
    if (!saved.ok || !exported.ok) throw new Error('setup failed');
    expect(JSON.parse(exported.value.json)).toEqual({
      format: 'sesame-profiles',
      version: 2,
      profiles: [saved.value],
    });
  });

  it('refuses to import an export of another format or of a newer version, naming the field', () => {
    const t = setup();
    const profiles = [{ ...draft, id: 'x1' }];
    const newer = { format: 'sesame-profiles', version: 3, profiles };
    expect(t.service.import({ format: 'json', text: JSON.stringify(newer) })).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        message: 'version: 3 was written by a newer Sesame (this one reads up to 2)',
      },
    });
    const other = { format: 'someone-elses', version: 1, profiles };
    expect(t.service.import({ format: 'json', text: JSON.stringify(other) })).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'format: "someone-elses" is not sesame-profiles' },
    });
    expect(t.service.view().profiles).toEqual([]);
  });
});
