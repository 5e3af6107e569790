// The renderer's pure pieces: keys to shortcuts, the run reducer and the form <-> draft mapping.
import { describe, expect, it } from 'vitest';
import type { KnockProgressEvent } from '../../shared/door/outcome';
import {
  draftFromForm,
  emptyForm,
  fieldLabel,
  formFromProfile,
  fromServerProblems,
  newRow,
  validateForm,
} from '../../renderer/src/model/profile-form';
import {
  hitSlots,
  noRuns,
  runAccepted,
  runFinished,
  runProgressed,
  runStarted,
} from '../../renderer/src/model/runs';
import { moveRow, updateRow } from '../../renderer/src/model/sequence-rows';
import { shortcutFor, SHORTCUTS } from '../../renderer/src/model/shortcuts';
import { optionalWholeNumber, requiredWholeNumber } from '../../renderer/src/model/whole-number';
import { outcome, twoProfiles } from './fixtures';

function key(
  k: string,
  target: EventTarget | null = document.body,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey', boolean>> = {},
) {
  return shortcutFor({ key: k, target, ctrlKey: false, metaKey: false, altKey: false, ...mods });
}

describe('shortcutFor', () => {
  it('maps the listed keys', () => {
    expect(key('Enter')).toBe('open');
    expect(key('ArrowDown')).toBe('next');
    expect(key('ArrowUp')).toBe('previous');
    expect(key('N')).toBe('new');
    expect(key('e')).toBe('edit');
    expect(key('s')).toBe('ssh');
    expect(key('Delete')).toBe('delete');
    expect(key(',', document.body, { ctrlKey: true })).toBe('settings');
    expect(key(',', document.body, { metaKey: true })).toBe('settings');
    expect(key('?')).toBe('help');
  });

  it('leaves keys to text fields and Enter to buttons', () => {
    const input = document.createElement('input');
    const button = document.createElement('button');
    const checkbox = Object.assign(document.createElement('input'), { type: 'checkbox' });
    expect(key('s', input)).toBeUndefined();
    expect(key('Delete', input)).toBeUndefined();
    expect(key('Enter', button)).toBeUndefined();
    expect(key('Enter', checkbox)).toBeUndefined();
    expect(key('s', button)).toBe('ssh');
    expect(key('Escape', input)).toBe('cancel');
    expect(key(',', input, { ctrlKey: true })).toBe('settings');
  });

  it('ignores letters with Ctrl, Alt or Cmd (the system’s shortcuts)', () => {
    expect(key('s', document.body, { ctrlKey: true })).toBeUndefined();
    expect(key('n', document.body, { altKey: true })).toBeUndefined();
  });

  it('lists every action it can produce', () => {
    const listed = new Set(SHORTCUTS.map((s) => s.action));
    for (const k of ['Enter', 'c', 's', 'p', 'e', 'n', 'Delete', 'Escape', '1', '?']) {
      const action = key(k);
      expect(action && listed.has(action), `${k} -> ${String(action)} is listed`).toBe(true);
    }
  });
});

describe('runs', () => {
  const event = (fields: Partial<KnockProgressEvent>): KnockProgressEvent => ({
    runId: 'r1',
    profileId: 'web',
    action: 'open',
    stage: 'knocking',
    ...fields,
  });

  it('keeps hits by index and knows how many to expect', () => {
    let state = runStarted(noRuns, 'web', 'web', 'open');
    state = runProgressed(
      state,
      event({ hit: { index: 1, total: 3, port: 8, protocol: 'udp', offsetMs: 5 } }),
      'web',
    );
    const run = state.byProfile.web;
    expect(run?.runId).toBe('r1');
    expect(run && hitSlots(run).map((h) => h?.port)).toEqual([undefined, 8, undefined]);
  });

  it('starts over on reknocking and on a new run id', () => {
    let state = runProgressed(
      noRuns,
      event({ hit: { index: 0, total: 2, port: 7, protocol: 'tcp', offsetMs: 0 } }),
      'web',
    );
    state = runProgressed(state, event({ stage: 'reknocking' }), 'web');
    expect(state.byProfile.web?.hits).toEqual([]);
    state = runProgressed(state, event({ runId: 'r2', stage: 'resolving' }), 'web');
    expect(state.byProfile.web?.runId).toBe('r2');
  });

  it('takes the run id from the reply or from an event, whichever comes first', () => {
    const finished = outcome({
      runId: 'r1',
      profileId: 'web',
      profileName: 'web',
      verdict: 'open',
    });
    // The reply first: the id names the run, and its events and outcome land on it.
    let state = runAccepted(runStarted(noRuns, 'web', 'web', 'open'), 'web', 'r1');
    expect(state.byProfile.web).toMatchObject({ runId: 'r1', stage: 'starting' });
    state = runFinished(runProgressed(state, event({}), 'web'), finished);
    expect(state.byProfile.web).toMatchObject({ runId: 'r1', stage: 'done', outcome: finished });
    // The events first: the reply that follows changes nothing.
    let early = runFinished(runStarted(noRuns, 'web', 'web', 'open'), finished);
    early = runAccepted(early, 'web', 'r1');
    expect(early.byProfile.web).toMatchObject({ runId: 'r1', stage: 'done', outcome: finished });
  });

  it('a finish for another run does not take over a running one on screen', () => {
    let state = runProgressed(noRuns, event({}), 'web');
    state = runFinished(
      state,
      outcome({ runId: 'x', profileId: 'db', profileName: 'db', verdict: 'open' }),
    );
    expect(state.currentProfileId).toBe('web');
    expect(state.byProfile.db?.stage).toBe('done');
  });
});

describe('profile form', () => {
  it('round-trips a profile through the form to the same draft', () => {
    const [web] = twoProfiles();
    if (!web) throw new Error('fixture');
    const { draft, problems } = validateForm(formFromProfile(web));
    expect(problems).toEqual([]);
    const { id: _id, ...rest } = web;
    expect(draft).toEqual(rest);
  });

  it('reports text that is no number at its field, 0-based like the contract', () => {
    const form = { ...emptyForm(), open: [newRow({ port: 7000 }), { ...newRow(), port: 'x' }] };
    expect(draftFromForm(form).problems).toEqual([
      { field: 'open[1].port', message: 'port "x" is not a whole number' },
    ]);
  });

  it('reads whole numbers the same way in every field: spaces, empty, digits, size', () => {
    const problems: { field: string; message: string }[] = [];
    expect(optionalWholeNumber(' 42 ', 'ssh.port', 'port', problems)).toBe(42);
    expect(optionalWholeNumber('', 'ssh.port', 'port', problems)).toBeUndefined();
    expect(requiredWholeNumber('007', 'open.length', 'length', problems)).toBe(7);
    expect(problems).toEqual([]);
    expect(requiredWholeNumber(' ', 'open.length', 'length', problems)).toBeNaN();
    expect(optionalWholeNumber('-1', 'spa.port', 'fwknopd port', problems)).toBeNaN();
    expect(optionalWholeNumber('1e3', 'delayMs', 'delay', problems)).toBeNaN();
    // Exact up to 15 digits (leading zeros aside): larger is refused, not rounded.
    expect(requiredWholeNumber('000999999999999999', 'o.stepSeconds', 'step', problems)).toBe(
      999_999_999_999_999,
    );
    expect(requiredWholeNumber('9007199254740993', 'o.stepSeconds', 'step', problems)).toBeNaN();
    expect(problems).toEqual([
      { field: 'open.length', message: 'length is empty' },
      { field: 'spa.port', message: 'fwknopd port "-1" is not a whole number' },
      { field: 'delayMs', message: 'delay "1e3" is not a whole number' },
      { field: 'o.stepSeconds', message: 'step "9007199254740993" is too large' },
    ]);
  });

  it('drops TCP flags when a hit turns UDP', () => {
    const rows = [newRow({ port: 1, protocol: 'tcp', tcpFlags: { set: ['fin'], clear: [] } })];
    expect(updateRow(rows, 0, { protocol: 'udp' })[0]?.tcpFlags).toBeUndefined();
  });

  it('moves rows and ignores moves past the ends', () => {
    const rows = [newRow({ port: 1 }), newRow({ port: 2 })];
    expect(moveRow(rows, 0, 1).map((r) => r.port)).toEqual(['2', '1']);
    expect(moveRow(rows, 0, -1).map((r) => r.port)).toEqual(['1', '2']);
  });

  it('names fields in the user’s words and strips the server’s prefix', () => {
    expect(fieldLabel('open[1].port')).toBe('Open sequence hit 2 port');
    expect(fieldLabel('close[0].delayMs')).toBe('Close sequence hit 1 delay');
    expect(fieldLabel('ssh.identityFile')).toBe('Identity file');
    expect(fromServerProblems([{ field: 'profile.ssh.port', message: 'm' }])).toEqual([
      { field: 'ssh.port', message: 'm' },
    ]);
    // A problem with the profile as a whole is the form's '' (listed at the top as "Profile").
    expect(fromServerProblems([{ field: 'profile', message: 'm' }])).toEqual([
      { field: '', message: 'm' },
    ]);
  });
});
