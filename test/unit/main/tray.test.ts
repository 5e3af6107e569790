import { describe, expect, it } from 'vitest';
import { TrayService, type TrayLike } from '../../../electron/main/tray';
import { trayModel, type TrayAction, type TrayItem } from '../../../electron/main/tray-menu';
import type { KnockOutcome, KnockProgressEvent } from '../../../shared/door/outcome';
import { profileSchema } from '../../../shared/profile/profile';

const lab = profileSchema.parse({
  id: 'lab',
  name: 'lab',
  host: 'lab.example',
  open: [{ port: 7000, protocol: 'tcp' }],
  close: [{ port: 9000, protocol: 'tcp' }],
});
const web = profileSchema.parse({
  id: 'web',
  name: 'web',
  host: 'web.example',
  open: [{ port: 7000, protocol: 'udp' }],
});

function outcome(over: Partial<KnockOutcome>): KnockOutcome {
  return {
    runId: 'r1',
    profileId: 'lab',
    profileName: 'lab',
    action: 'open',
    verdict: 'open',
    address: '198.18.0.1',
    hits: [],
    startedAt: 1,
    finishedAt: 2,
    ...over,
  };
}

const progress = (over: Partial<KnockProgressEvent> = {}): KnockProgressEvent => ({
  runId: 'r1',
  profileId: 'lab',
  action: 'open',
  stage: 'knocking',
  hit: { index: 1, total: 3, port: 8000, protocol: 'tcp', offsetMs: 1 },
  ...over,
});

function labels(items: TrayItem[]): unknown[] {
  return items.map((i) =>
    i.type === 'separator'
      ? '---'
      : i.type === 'submenu'
        ? { [i.label]: labels(i.items) }
        : `${i.label}${i.enabled ? '' : ' (disabled)'}`,
  );
}

describe('tray menu model', () => {
  it('lists each profile with Open, Close and Open SSH, then Show window and Quit', () => {
    const model = trayModel({ profiles: [lab, web], running: new Map(), last: new Map() });
    expect(labels(model.items)).toEqual([
      { lab: ['Open', 'Close', 'Open SSH'] },
      { web: ['Open', 'Close (disabled)', 'Open SSH'] },
      '---',
      'Show window',
      'Quit Sesame',
    ]);
    expect(model).toMatchObject({ icon: 'idle', tooltip: 'Sesame' });
    const first = model.items[0];
    expect(
      first?.type === 'submenu' && first.items.map((i) => i.type === 'normal' && i.action),
    ).toEqual([
      { kind: 'open', profileId: 'lab' },
      { kind: 'close', profileId: 'lab' },
      { kind: 'ssh', profileId: 'lab' },
    ]);
  });

  it('shows knocking progress and disables the busy profile', () => {
    const model = trayModel({
      profiles: [lab, web],
      running: new Map([['lab', progress()]]),
      last: new Map(),
    });
    expect(labels(model.items)[0]).toEqual({
      'lab (knocking 2/3…)': ['Open (disabled)', 'Close (disabled)', 'Open SSH (disabled)'],
    });
    expect(model).toMatchObject({ icon: 'knocking', tooltip: 'Sesame: knocking lab…' });
  });

  it('shows the last result per profile, and success or failure on the icon', () => {
    const opened = outcome({});
    const ok = trayModel({
      profiles: [lab],
      running: new Map(),
      last: new Map([['lab', opened]]),
      latest: opened,
    });
    expect(labels(ok.items)[0]).toEqual({ 'lab (open)': ['Open', 'Close', 'Open SSH'] });
    expect(ok).toMatchObject({ icon: 'success', tooltip: 'Sesame: lab open' });
    const shut = outcome({ verdict: 'closed' });
    expect(
      trayModel({
        profiles: [lab],
        running: new Map(),
        last: new Map([['lab', shut]]),
        latest: shut,
      }),
    ).toMatchObject({
      icon: 'failure',
      tooltip: 'Sesame: lab still closed',
    });
    const closed = outcome({ action: 'close', verdict: 'closed' });
    expect(
      trayModel({ profiles: [lab], running: new Map(), last: new Map(), latest: closed }).icon,
    ).toBe('success');
  });

  it('says so when there are no profiles, and caps a long list', () => {
    expect(labels(trayModel({ profiles: [], running: new Map(), last: new Map() }).items)[0]).toBe(
      'No profiles yet (disabled)',
    );
    const many = Array.from({ length: 35 }, (_, i) => ({ ...web, id: `p${i}`, name: `p${i}` }));
    const items = trayModel({ profiles: many, running: new Map(), last: new Map() }).items;
    expect(items.filter((i) => i.type === 'submenu')).toHaveLength(30);
    expect(labels(items)).toContain('5 more in the window… (disabled)');
  });
});

class FakeTray implements TrayLike {
  menus: TrayItem[][] = [];
  tooltips: string[] = [];
  images: unknown[] = [];
  clicks: (() => void)[] = [];
  destroyed = false;
  setContextMenu(menu: unknown) {
    this.menus.push(menu as TrayItem[]);
  }
  setToolTip(text: string) {
    this.tooltips.push(text);
  }
  setImage(image: unknown) {
    this.images.push(image);
  }
  on(_event: 'click', listener: () => void) {
    this.clicks.push(listener);
    return this;
  }
  destroy() {
    this.destroyed = true;
  }
}

function traySetup() {
  const tray = new FakeTray();
  const actions: TrayAction[] = [];
  const timers: (() => void)[] = [];
  let clickers: ((action: TrayAction) => void)[] = [];
  const service = new TrayService({
    createTray: (image) => {
      tray.images.push(image);
      return tray;
    },
    buildMenu: (items, click) => {
      clickers.push(click);
      return items;
    },
    images: {
      idle: 'idle.png',
      knocking: 'knocking.png',
      success: 'success.png',
      failure: 'failure.png',
    },
    onAction: (a) => actions.push(a),
    setTimer: (fn) => {
      timers.push(fn);
      return 0;
    },
  });
  return {
    tray,
    actions,
    timers,
    service,
    click: (a: TrayAction) => clickers.at(-1)?.(a),
    reset: () => (clickers = []),
  };
}

describe('TrayService', () => {
  it('creates the icon with the profiles menu; clicking the icon shows the window', () => {
    const t = traySetup();
    t.service.start([lab]);
    expect(labels(t.tray.menus.at(-1) ?? [])[0]).toEqual({ lab: ['Open', 'Close', 'Open SSH'] });
    t.tray.clicks[0]?.();
    t.click({ kind: 'open', profileId: 'lab' });
    expect(t.actions).toEqual([{ kind: 'show' }, { kind: 'open', profileId: 'lab' }]);
  });

  it('rebuilds the menu when the profiles change', () => {
    const t = traySetup();
    t.service.start([lab]);
    t.service.setProfiles([lab, web]);
    expect(labels(t.tray.menus.at(-1) ?? []).slice(0, 2)).toEqual([
      { lab: ['Open', 'Close', 'Open SSH'] },
      { web: ['Open', 'Close (disabled)', 'Open SSH'] },
    ]);
  });

  it('shows knocking, then the result, then idle again after a while', () => {
    const t = traySetup();
    t.service.start([lab]);
    t.service.progress(progress());
    expect(t.tray.images.at(-1)).toBe('knocking.png');
    t.service.finished(outcome({ verdict: 'unreachable' }));
    expect(t.tray.images.at(-1)).toBe('failure.png');
    expect(t.tray.tooltips.at(-1)).toBe('Sesame: lab unreachable');
    t.timers.shift()?.();
    expect(t.tray.images.at(-1)).toBe('idle.png');
    t.service.stop();
    expect(t.tray.destroyed).toBe(true);
  });
});
