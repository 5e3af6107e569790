import { describe, expect, it } from 'vitest';
import {
  encryptionView,
  safeStorageSealer,
  storageBackend,
} from '../../../electron/main/encryption';
import { SettingsService } from '../../../electron/main/settings-service';
import { createLogger } from '../../../electron/node/logger';
import { defaultSettings, type Settings } from '../../../shared/settings/settings';
import { FakeSafeStorage } from '../../mocks/electron';

function service(stored: unknown) {
  let value = stored;
  const logs: string[] = [];
  const svc = new SettingsService({
    storage: { read: () => value, write: (s) => (value = s) },
    encryption: (on) => ({ backend: 'gnome_libsecret', secure: true, encrypted: on }),
    terminals: () => Promise.resolve([{ id: 'xterm', label: 'xterm', available: true }]),
    logger: createLogger('settings', (_l, line) => logs.push(line)),
  });
  return { svc, logs, stored: () => value };
}

describe('SettingsService', () => {
  it('starts from the defaults', () => {
    expect(service(undefined).svc.current()).toEqual(defaultSettings);
  });

  it('keeps the valid stored values and replaces a bad one with its default, naming the field', () => {
    const { svc, logs } = service({
      notifications: false,
      terminal: { kind: 'named', id: 'cmd.exe' },
    });
    expect(svc.current()).toEqual({ ...defaultSettings, notifications: false });
    expect(logs.join('\n')).toMatch(/terminal\.id/);
  });

  it('keeps every valid value when the file holds a key this version does not know', () => {
    const kept: Settings = {
      terminal: { kind: 'named', id: 'kitty' },
      notifications: false,
      encryptSequences: false,
      closeAfterMinutes: 30,
    };
    const { svc, logs } = service({ ...kept, fromANewerSesame: { on: true } });
    expect(svc.current()).toEqual(kept);
    expect(logs).toEqual([]);
  });

  it('warns about a bad stored value once, not on every read', () => {
    const { svc, logs } = service({
      notifications: 'yes',
      terminal: { kind: 'named', id: 'kitty' },
    });
    for (let i = 0; i < 3; i += 1)
      expect(svc.current()).toEqual({
        ...defaultSettings,
        terminal: { kind: 'named', id: 'kitty' },
      });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/notifications/);
  });

  it('keeps the keys it does not know on disk when it saves', async () => {
    const { svc, stored } = service({ notifications: true, fromANewerSesame: { on: true } });
    const next: Settings = { ...defaultSettings, notifications: false };
    await svc.save(next);
    expect(stored()).toEqual({ version: 1, settings: { ...next, fromANewerSesame: { on: true } } });
  });

  it('reads an unversioned file (version 0) and writes version 1 on the next save', async () => {
    const { svc, stored } = service({ settings: { notifications: false } });
    expect(svc.current()).toEqual({ ...defaultSettings, notifications: false });
    await svc.save({ ...defaultSettings, encryptSequences: false });
    expect(stored()).toEqual({
      version: 1,
      settings: { ...defaultSettings, encryptSequences: false },
    });
  });

  it('leaves a file from a newer Sesame as it is: defaults, reported once, saves refused', async () => {
    const newer = { version: 2, settings: { notifications: false, renamed: true } };
    const { svc, logs, stored } = service(newer);
    expect(svc.current()).toEqual(defaultSettings);
    expect(svc.current()).toEqual(defaultSettings);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/settings\.json: version: 2 was written by a newer Sesame/);
    const seen: Settings[] = [];
    svc.changed.add((s) => seen.push(s));
    const saved = await svc.save({ ...defaultSettings, notifications: false });
    expect(saved).toMatchObject({ ok: false, error: { code: 'newer-version' } });
    expect(!saved.ok && saved.error.message).toMatch(/not saved until Sesame is updated/);
    expect(stored()).toBe(newer);
    expect(seen).toEqual([]);
  });

  it('saves, announces the change, and shows the encryption state for the new value', async () => {
    const { svc, stored } = service(undefined);
    const seen: Settings[] = [];
    svc.changed.add((s) => seen.push(s));
    const next: Settings = {
      terminal: { kind: 'custom', command: '/usr/local/bin/term' },
      notifications: false,
      encryptSequences: false,
      closeAfterMinutes: 30,
    };
    const view = await svc.save(next);
    expect(stored()).toEqual({ version: 1, settings: next });
    expect(seen).toEqual([next]);
    expect(view).toEqual({
      ok: true,
      value: {
        settings: next,
        encryption: { backend: 'gnome_libsecret', secure: true, encrypted: false },
        terminals: [{ id: 'xterm', label: 'xterm', available: true }],
      },
    });
  });
});

describe('safeStorage encryption', () => {
  it('names the backend per platform', () => {
    const s = new FakeSafeStorage();
    expect(storageBackend(s, 'linux')).toBe('gnome_libsecret');
    expect(storageBackend(s, 'darwin')).toBe('keychain');
    expect(storageBackend(s, 'win32')).toBe('dpapi');
    s.available = false;
    expect(storageBackend(s, 'darwin')).toBe('none');
  });

  it('seals with a real backend, and round-trips', () => {
    const sealing = safeStorageSealer(new FakeSafeStorage(), 'linux');
    expect(sealing?.secure).toBe(true);
    const sealer = sealing?.sealer;
    expect(sealer?.backend).toBe('gnome_libsecret');
    const sealed = sealer?.seal('{"open":[{"port":7000}]}') ?? '';
    expect(sealed).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(sealed, 'base64').toString()).not.toContain('7000');
    expect(sealer?.unseal(sealed)).toBe('{"open":[{"port":7000}]}');
  });

  it('does not seal new writes with the plain-text fallback (but can still read), and warns', () => {
    const s = new FakeSafeStorage();
    s.backend = 'basic_text';
    expect(safeStorageSealer(s, 'linux')).toMatchObject({
      secure: false,
      sealer: { backend: 'basic_text' },
    });
    s.available = false;
    expect(safeStorageSealer(s, 'linux')).toBeUndefined();
    s.available = true;
    const view = encryptionView(s, 'linux', true);
    expect(view).toMatchObject({ backend: 'basic_text', secure: false, encrypted: false });
    expect(view.warning).toMatch(/plain text/);
    s.available = false;
    expect(encryptionView(s, 'linux', true)).toMatchObject({ backend: 'none', secure: false });
  });

  it('warns when the user turned encryption off, and not when it is on', () => {
    const s = new FakeSafeStorage();
    expect(encryptionView(s, 'linux', true)).toEqual({
      backend: 'gnome_libsecret',
      secure: true,
      encrypted: true,
    });
    expect(encryptionView(s, 'linux', false).warning).toMatch(/Encryption is off/);
  });
});
