import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ElectronStoreProfileBackend,
  historyStorage,
  settingsStorage,
} from '../../../electron/main/electron-stores';
import { createLogger } from '../../../electron/node/logger';
import { ProfileStore } from '../../../electron/node/profile-store';
import { historyFileDocument, readHistoryFile } from '../../../shared/door/history-file';
import { defaultSettings } from '../../../shared/settings/settings';
import { readSettingsFile, settingsFileDocument } from '../../../shared/settings/settings-file';

const dirs: string[] = [];
const unwatch: (() => void)[] = [];
afterEach(() => {
  for (const u of unwatch.splice(0)) u();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-estore-'));
  dirs.push(dir);
  return dir;
}

const logs: string[] = [];
const logger = createLogger('test', (_l, line) => logs.push(line));
const lab = { name: 'lab', host: '198.18.0.1', open: [{ port: 7000, protocol: 'tcp' as const }] };

describe('the profile file through electron-store', () => {
  it('writes the same text as the CLI store, mode 0600, and reads what the CLI wrote', () => {
    const dir = tempDir();
    const file = path.join(dir, 'profiles.json');
    const appStore = new ProfileStore({
      path: file,
      now: () => new Date(),
      logger,
      backend: new ElectronStoreProfileBackend(file, logger),
    });
    const cliStore = new ProfileStore({ path: file, now: () => new Date(), logger });
    expect(appStore.add(lab).ok).toBe(true);
    const written = fs.readFileSync(file, 'utf8');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(written.endsWith('}\n')).toBe(true);
    expect(JSON.parse(written)).toMatchObject({ profiles: [{ name: 'lab' }] });

    expect(cliStore.update('lab', { host: '198.18.0.2' }).ok).toBe(true);
    appStore.load();
    expect(appStore.get('lab')?.host).toBe('198.18.0.2');
    // Both faces write byte-identical files for the same content.
    const afterCli = fs.readFileSync(file, 'utf8');
    expect(appStore.update('lab', { host: '198.18.0.2' }).ok).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(afterCli);
  });

  it('starts on a fresh machine: the empty store electron-store creates is no broken file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'profiles.json');
    const backend = new ElectronStoreProfileBackend(file, logger);
    unwatch.push(backend.watch(() => undefined));
    const store = new ProfileStore({ path: file, now: () => new Date(), logger, backend });
    expect(store.load()).toEqual({ ok: true, profiles: [] });
    expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    expect(store.add(lab).ok).toBe(true);
  });

  it('reports a change made by another process, but not its own writes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'profiles.json');
    const backend = new ElectronStoreProfileBackend(file, logger);
    const appStore = new ProfileStore({ path: file, now: () => new Date(), logger, backend });
    expect(appStore.add(lab).ok).toBe(true);
    let changes = 0;
    unwatch.push(backend.watch(() => (changes += 1)));
    expect(appStore.update('lab', { host: '198.18.0.9' }).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(changes).toBe(0);
    const cliStore = new ProfileStore({ path: file, now: () => new Date(), logger });
    expect(cliStore.add({ ...lab, name: 'second' }).ok).toBe(true);
    await expect.poll(() => changes, { timeout: 5000 }).toBeGreaterThan(0);
  });

  it('leaves a broken file to the profile store, which moves it aside instead of wiping it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'profiles.json');
    fs.writeFileSync(file, '{"version": 1, "profiles": [');
    const store = new ProfileStore({
      path: file,
      now: () => new Date('2026-11-21T10:00:00Z'),
      logger,
      backend: new ElectronStoreProfileBackend(file, logger),
    });
    const loaded = store.load();
    expect(loaded).toMatchObject({ ok: false, error: { code: 'corrupt' } });
    const moved = fs.readdirSync(dir).filter((f) => f.startsWith('profiles.json.corrupt-'));
    expect(moved).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, moved[0] ?? ''), 'utf8')).toBe(
      '{"version": 1, "profiles": [',
    );
    expect(store.add(lab).ok).toBe(true);
  });
});

describe('settings and history documents', () => {
  it('store settings and history in userData with mode 0600, as whole versioned files', () => {
    const dir = tempDir();
    const settings = settingsStorage(dir, logger);
    expect(settings.read()).toBeUndefined();
    const document = settingsFileDocument(
      { ...defaultSettings, notifications: false },
      readSettingsFile(settings.read()),
    );
    settings.write(document);
    expect(settingsStorage(dir, logger).read()).toEqual({
      version: 1,
      settings: { ...defaultSettings, notifications: false },
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8'))).toEqual(document);
    expect(fs.statSync(path.join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
    const history = historyStorage(dir, logger);
    history.write(historyFileDocument([]));
    expect(historyStorage(dir, logger).read()).toEqual({ version: 1, knocks: [] });
  });

  it('read the files the app wrote before versions (electron-store keys) as version 0', () => {
    const dir = tempDir();
    const old = { ...defaultSettings, terminal: { kind: 'named', id: 'kitty' } };
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ settings: old }));
    expect(readSettingsFile(settingsStorage(dir, logger).read())).toMatchObject({
      ok: true,
      settings: old,
      problems: [],
      migratedFrom: 0,
    });
    const knock = {
      runId: 'r1',
      profileId: 'p1',
      profileName: 'lab',
      action: 'open',
      verdict: 'open',
      hits: [],
      startedAt: 1,
      finishedAt: 2,
    };
    fs.writeFileSync(path.join(dir, 'history.json'), JSON.stringify({ knocks: [knock] }));
    expect(readHistoryFile(historyStorage(dir, logger).read())).toMatchObject({
      ok: true,
      knocks: [knock],
      migratedFrom: 0,
    });
  });

  it('move a settings file that does not parse aside and start from the defaults', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'settings.json'), 'not json');
    const settings = settingsStorage(dir, logger);
    expect(settings.read()).toBeUndefined();
    const moved = fs.readdirSync(dir).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(moved).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/settings\.json could not be read/);
  });
});
