import { describe, expect, it } from 'vitest';
import { defaultSettings, type Settings } from '../../../shared/settings/settings';
import {
  SETTINGS_FILE_VERSION,
  migrateSettingsFile,
  readSettingsFile,
  settingsFileDocument,
} from '../../../shared/settings/settings-file';

/** Deep-freezes parsed JSON so a migration that writes into its input throws. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const mine: Settings = {
  terminal: { kind: 'named', id: 'kitty' },
  notifications: false,
  encryptSequences: true,
  closeAfterMinutes: 30,
};

describe('settings file migrations', () => {
  it('is at version 1', () => {
    expect(SETTINGS_FILE_VERSION).toBe(1);
  });

  it('turns a bare settings object (version 0) into version 1, without touching the input', () => {
    const input = frozen({ ...mine });
    expect(migrateSettingsFile(input, 0)).toEqual({ version: 1, settings: mine });
    expect(input).toEqual(mine);
  });

  it('turns the app’s electron-store document (settings under a key) into version 1, keeping other keys', () => {
    const input = frozen({ settings: mine, __internal__: { a: 1 } });
    expect(migrateSettingsFile(input, 0)).toEqual({ ...input, version: 1 });
    expect(readSettingsFile(input)).toEqual({
      ok: true,
      settings: mine,
      problems: [],
      unknown: {},
      others: { __internal__: { a: 1 } },
      migratedFrom: 0,
    });
  });
});

describe('readSettingsFile', () => {
  it('reads no file (or electron-store’s empty one) as the defaults, with nothing to report', () => {
    for (const data of [undefined, {}])
      expect(readSettingsFile(data)).toEqual({
        ok: true,
        settings: defaultSettings,
        problems: [],
        unknown: {},
        others: {},
      });
  });

  it('keeps each valid value, replaces only an invalid one, and sets unknown keys aside', () => {
    const read = readSettingsFile({
      version: 1,
      settings: { ...mine, encryptSequences: 'yes', fromANewerSesame: 7 },
    });
    expect(read).toEqual({
      ok: true,
      settings: { ...mine, encryptSequences: true },
      problems: [{ field: 'settings.encryptSequences', message: expect.any(String) as unknown }],
      unknown: { fromANewerSesame: 7 },
      others: {},
    });
  });

  it('reads settings that are not an object as the defaults, naming the field', () => {
    expect(readSettingsFile({ version: 1, settings: 'on' })).toMatchObject({
      ok: true,
      settings: defaultSettings,
      problems: [{ field: 'settings' }],
    });
  });

  it('stops at a newer version: the defaults, reported, and marked newer', () => {
    expect(readSettingsFile({ version: 2, settings: { ...mine, more: true } })).toEqual({
      ok: false,
      newer: true,
      error: 'settings.json: version: 2 was written by a newer Sesame (this one reads up to 1)',
      settings: defaultSettings,
    });
  });

  it('names a version that is not a number (not newer: the next save replaces it)', () => {
    expect(readSettingsFile({ version: 'one', settings: mine })).toEqual({
      ok: false,
      newer: false,
      error: 'settings.json: version: expected a number, found one',
      settings: defaultSettings,
    });
  });
});

describe('settingsFileDocument', () => {
  it('writes the current version and keeps what this version did not know', () => {
    const read = readSettingsFile({
      settings: { ...mine, fromANewerSesame: 7 },
      __internal__: { a: 1 },
    });
    const next = { ...mine, notifications: true };
    expect(settingsFileDocument(next, read)).toEqual({
      __internal__: { a: 1 },
      version: 1,
      settings: { ...next, fromANewerSesame: 7 },
    });
    expect(readSettingsFile(settingsFileDocument(next, read))).toMatchObject({
      ok: true,
      settings: next,
      problems: [],
    });
  });
});
