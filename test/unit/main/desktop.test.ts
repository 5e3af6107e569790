import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDesktop } from '../../../electron/main/desktop';
import { requestChannelNames } from '../../../shared/ipc/contract';
import {
  FakeBrowserWindow,
  FakeNotification,
  FakeTray,
  app,
  ipcMain,
  session,
} from '../../mocks/electron';

// The composition of the desktop app, run against the electron fake: every contract channel
// answered, the window, the tray menu driving real knocks (on loopback), notifications, and the
// window hiding to the tray until Quit.
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-desktop-'));
  vi.stubEnv('SESAME_CONFIG_DIR', dir);
  app.paths.set('userData', dir);
  app.paths.set('home', dir);
  startDesktop();
  // Ready once the window exists: it is made last, when the app is ready.
  await vi.waitFor(() => {
    expect(FakeBrowserWindow.created).not.toHaveLength(0);
  });
});
afterAll(() => {
  app.emit('will-quit');
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

const windowEvent = () => {
  const window = FakeBrowserWindow.created[0];
  if (!window) throw new Error('no window');
  return {
    sender: window.webContents,
    senderFrame: window.webContents.mainFrame,
  } as unknown as IpcMainInvokeEvent;
};

describe('the desktop app composed on the electron fake', () => {
  it('opens one window, registers every channel and denies permissions', () => {
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...requestChannelNames].sort());
    const deny = session.defaultSession.permissionRequestHandler as (
      c: unknown,
      p: string,
      cb: (ok: boolean) => void,
    ) => void;
    let granted: boolean | undefined;
    deny(undefined, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('saves a profile through IPC into the shared file, and the tray menu lists it', async () => {
    const saved = (await ipcMain.invoke('profiles:save', windowEvent(), {
      profile: {
        name: 'lab',
        host: '127.0.0.1',
        open: [{ port: 47011, protocol: 'udp' }],
        close: [{ port: 47012, protocol: 'udp' }],
        servicePort: 47019,
      },
    })) as { ok: boolean };
    expect(saved.ok).toBe(true);
    expect(fs.existsSync(path.join(dir, 'profiles.json'))).toBe(true);
    const tray = FakeTray.created[0];
    expect(tray?.menu?.item('lab', 'Open')).toBeDefined();
    expect(tray?.menu?.item('Show window')).toBeDefined();
  });

  it('writes the Host block of "Use with ssh, scp and git" into ~/.ssh/config of the home folder', async () => {
    const list = (await ipcMain.invoke('profiles:list', windowEvent(), undefined)) as {
      value: { profiles: { id: string; name: string }[] };
    };
    const lab = list.value.profiles.find((p) => p.name === 'lab');
    const added = (await ipcMain.invoke('sshConfig:add', windowEvent(), { id: lab?.id })) as {
      ok: boolean;
      value?: { state: string; file: string };
    };
    expect(added).toMatchObject({ ok: true, value: { state: 'current' } });
    const file = path.join(dir, '.ssh', 'config');
    expect(added.value?.file).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^Host lab$/m);
    expect(fs.readFileSync(file, 'utf8')).toMatch(
      /^ {4}ProxyCommand ".+" proxy --profile lab %h %p$/m,
    );
  });

  it('knocks from the tray menu: the window gets the events and a notification says how it went', async () => {
    const tray = FakeTray.created[0];
    tray?.menu?.item('lab', 'Open')?.click?.();
    const window = FakeBrowserWindow.created[0];
    await expect
      .poll(() => window?.webContents.sent.some((m) => m.channel === 'knock:finished'), {
        timeout: 10_000,
      })
      .toBe(true);
    expect(window?.webContents.sent.some((m) => m.channel === 'knock:progress')).toBe(true);
    expect(FakeNotification.shown.at(-1)?.title).toBe('lab: still closed');
    expect(FakeNotification.shown.at(-1)?.body).toMatch(/Port 47019 is closed/);
    expect(tray?.tooltip).toBe('Sesame: lab still closed');
  }, 20_000);

  it("hands a sesame://rotating link to the window: from a second instance's argv and from open-url", async () => {
    const window = FakeBrowserWindow.created[0];
    const link = 'sesame://rotating?v=1&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&label=open';
    window?.hide();
    app.emit('second-instance', {}, ['/opt/Sesame/sesame', '--no-sandbox', link], '/');
    expect(window?.webContents.sent.at(-1)).toEqual({
      channel: 'links:opened',
      payload: { pending: 1 },
    });
    expect(window?.visible).toBe(true);
    let prevented = false;
    app.emit('open-url', { preventDefault: () => (prevented = true) }, `${link}&step=60`);
    expect(prevented).toBe(true);
    // Not a provisioning link: ignored (the window is still shown for a second instance).
    app.emit('second-instance', {}, ['/opt/Sesame/sesame', 'sesame://app/index.html'], '/');
    const taken = (await ipcMain.invoke('links:take', windowEvent(), undefined)) as {
      value: string[];
    };
    expect(taken.value).toEqual([link, `${link}&step=60`]);
    expect(
      ((await ipcMain.invoke('links:take', windowEvent(), undefined)) as { value: string[] }).value,
    ).toEqual([]);
    // A development run (not packaged) does not claim the scheme from the system.
    expect(app.protocolClients.has('sesame')).toBe(false);
  });

  it("previews a rotating sequence: this step's knocks and when the next step starts", async () => {
    const answer = (await ipcMain.invoke('rotating:preview', windowEvent(), {
      secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
      label: 'open',
    })) as { ok: boolean; value: { sequence: string; nextStepAt: number } };
    expect(answer.ok).toBe(true);
    expect(answer.value.sequence).toMatch(/^\d{5}(,\d{5}){3}$/);
    expect(answer.value.nextStepAt % 30_000).toBe(0);
    expect(answer.value.nextStepAt - Date.now()).toBeLessThanOrEqual(30_000);
    const bad = (await ipcMain.invoke('rotating:preview', windowEvent(), {
      secret: 'AB',
      label: 'open',
    })) as { ok: boolean; error: { problems: { field: string }[] } };
    expect(bad.ok).toBe(false);
    expect(bad.error.problems[0]?.field).toMatch(/secret/);
  });

  it('hides the window to the tray on close, and Quit from the tray really quits', () => {
    const window = FakeBrowserWindow.created[0];
    window?.show();
    expect(window?.userClose()).toBe(false);
    expect(window?.visible).toBe(false);
    FakeTray.created[0]?.menu?.item('Show window')?.click?.();
    expect(window?.visible).toBe(true);
    const quits = app.quitCalls;
    FakeTray.created[0]?.menu?.item('Quit Sesame')?.click?.();
    expect(app.quitCalls).toBe(quits + 1);
    expect(window?.userClose()).toBe(true);
  });

  it('refuses IPC from anything but the window', async () => {
    const stranger = { sender: {}, senderFrame: {} } as unknown as IpcMainInvokeEvent;
    await expect(ipcMain.invoke('profiles:list', stranger, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
