import { describe, expect, it } from 'vitest';
import { KnockHistory } from '../../../electron/main/knock-history';
import { createLogger } from '../../../electron/node/logger';
import { HISTORY_LIMIT } from '../../../shared/door/history-file';
import type { KnockOutcome } from '../../../shared/door/outcome';

function knock(n: number, profileId = 'p1'): KnockOutcome {
  return {
    runId: `r${String(n)}`,
    profileId,
    profileName: 'lab',
    action: 'open',
    verdict: 'sent',
    hits: [],
    startedAt: n,
    finishedAt: n + 1,
  };
}

function history(stored: unknown) {
  let value = stored;
  const writes: unknown[] = [];
  const logs: string[] = [];
  const h = new KnockHistory(
    {
      read: () => value,
      write: (document) => {
        value = document;
        writes.push(document);
      },
    },
    createLogger('history', (_l, line) => logs.push(line)),
  );
  return { h, logs, writes, stored: () => value };
}

describe('KnockHistory', () => {
  it('reads an unversioned list (version 0) and writes version 1, newest first', () => {
    const t = history([knock(1)]);
    expect(t.h.list()).toEqual([knock(1)]);
    t.h.add(knock(2));
    expect(t.stored()).toEqual({ version: 1, knocks: [knock(2), knock(1)] });
    expect(t.logs).toEqual([]);
  });

  it('drops the entries that fail the schema, keeps the rest, and says how many it left out', () => {
    const t = history({ version: 1, knocks: [knock(1), { runId: 'half' }, knock(2)] });
    expect(t.h.list()).toEqual([knock(1), knock(2)]);
    expect(t.logs).toEqual(['[history] history.json: left out 1 entries that are not valid']);
  });

  it('keeps the newest HISTORY_LIMIT knocks', () => {
    const t = history(undefined);
    for (let n = 0; n < HISTORY_LIMIT + 5; n += 1) t.h.add(knock(n));
    expect(t.h.list()).toHaveLength(HISTORY_LIMIT);
    expect(t.h.list()[0]).toEqual(knock(HISTORY_LIMIT + 4));
  });

  it('forgets a deleted profile’s knocks', () => {
    const t = history({ version: 1, knocks: [knock(1, 'a'), knock(2, 'b')] });
    t.h.forgetProfile('a');
    expect(t.stored()).toEqual({ version: 1, knocks: [knock(2, 'b')] });
    const writes = t.writes.length;
    t.h.forgetProfile('nobody');
    expect(t.writes).toHaveLength(writes);
  });

  it('leaves a file from a newer Sesame as it is: reported, and this run’s knocks not saved', () => {
    const newer = { version: 2, knocks: [{ something: 'new' }] };
    const t = history(newer);
    expect(t.h.list()).toEqual([]);
    expect(t.logs.join('\n')).toMatch(/history\.json: version: 2 was written by a newer Sesame/);
    t.h.add(knock(1));
    expect(t.h.list()).toEqual([knock(1)]);
    expect(t.writes).toEqual([]);
    expect(t.stored()).toBe(newer);
  });
});
