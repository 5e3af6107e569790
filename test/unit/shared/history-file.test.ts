import { describe, expect, it } from 'vitest';
import {
  HISTORY_FILE_VERSION,
  HISTORY_LIMIT,
  historyFileDocument,
  migrateHistoryFile,
  readHistoryFile,
} from '../../../shared/door/history-file';
import type { KnockOutcome } from '../../../shared/door/outcome';

/** Deep-freezes parsed JSON so a migration that writes into its input throws. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) frozen(v);
    Object.freeze(value);
  }
  return value;
}

const knock: KnockOutcome = {
  runId: 'r1',
  profileId: 'p1',
  profileName: 'lab',
  action: 'open',
  verdict: 'open',
  address: '198.18.0.1',
  hits: [{ index: 0, total: 1, port: 7000, protocol: 'tcp', offsetMs: 0 }],
  probe: {
    profileId: 'p1',
    address: '198.18.0.1',
    port: 22,
    state: 'open',
    elapsedMs: 3,
    at: 2,
  },
  startedAt: 1,
  finishedAt: 2,
};

describe('history file migrations', () => {
  it('is at version 1, keeping 50 knocks', () => {
    expect(HISTORY_FILE_VERSION).toBe(1);
    expect(HISTORY_LIMIT).toBe(50);
  });

  it('turns a bare list (version 0) into version 1, without touching the input', () => {
    const input = frozen([knock]);
    expect(migrateHistoryFile(input, 0)).toEqual({ version: 1, knocks: [knock] });
    expect(input).toEqual([knock]);
    expect(readHistoryFile(input)).toEqual({
      ok: true,
      knocks: [knock],
      dropped: 0,
      others: {},
      migratedFrom: 0,
    });
  });

  it('turns the app’s electron-store document (knocks under a key) into version 1', () => {
    const input = frozen({ knocks: [knock], __internal__: { a: 1 } });
    expect(migrateHistoryFile(input, 0)).toEqual({ ...input, version: 1 });
    expect(readHistoryFile(input)).toEqual({
      ok: true,
      knocks: [knock],
      dropped: 0,
      others: { __internal__: { a: 1 } },
      migratedFrom: 0,
    });
  });
});

describe('readHistoryFile', () => {
  it('reads no file (or electron-store’s empty one) as no knocks', () => {
    for (const data of [undefined, {}])
      expect(readHistoryFile(data)).toEqual({ ok: true, knocks: [], dropped: 0, others: {} });
  });

  it('drops the entries that fail the schema and keeps the rest, in order', () => {
    const second = { ...knock, runId: 'r2' };
    const read = readHistoryFile({
      version: 1,
      knocks: [
        knock,
        { ...knock, verdict: 'maybe' },
        'not a knock',
        { ...knock, hits: [{ port: 'x' }] },
        { ...second, fromANewerSesame: true },
      ],
    });
    expect(read).toEqual({ ok: true, knocks: [knock, second], dropped: 3, others: {} });
  });

  it('stops at a newer version, marked newer', () => {
    expect(readHistoryFile({ version: 2, knocks: [knock] })).toEqual({
      ok: false,
      newer: true,
      error: 'history.json: version: 2 was written by a newer Sesame (this one reads up to 1)',
    });
  });

  it('names a version 1 file without a list of knocks', () => {
    expect(readHistoryFile({ version: 1, knocks: 'none' })).toMatchObject({
      ok: false,
      newer: false,
      error: expect.stringMatching(/^history\.json: knocks: /) as unknown,
    });
  });

  it('writes the current version, the knocks and the other keys it read', () => {
    expect(historyFileDocument([knock], { __internal__: { a: 1 } })).toEqual({
      __internal__: { a: 1 },
      version: 1,
      knocks: [knock],
    });
    expect(readHistoryFile(historyFileDocument([knock]))).toEqual({
      ok: true,
      knocks: [knock],
      dropped: 0,
      others: {},
    });
  });
});
