import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDesktop } from '../../../electron/main/desktop';
import { FakeBrowserWindow, app, ipcMain, protocol } from '../../mocks/electron';

// The packaged app started with ELECTRON_RENDERER_URL set: the variable is for electron-vite's dev
// server and must not point a packaged window (and its full API) at another page.
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-packaged-'));
  vi.stubEnv('SESAME_CONFIG_DIR', dir);
  vi.stubEnv('ELECTRON_RENDERER_URL', 'https://attacker.example/');
  app.paths.set('userData', dir);
  app.paths.set('home', dir);
  app.isPackaged = true;
  Object.assign(process, { resourcesPath: dir });
  startDesktop();
  await new Promise((resolve) => setTimeout(resolve, 50));
});
afterAll(() => {
  app.emit('will-quit');
  vi.unstubAllEnvs();
  fs.rmSync(dir, { recursive: true, force: true });
});

const window = () => {
  const created = FakeBrowserWindow.created[0];
  if (!created) throw new Error('no window');
  return created;
};
const fromWindow = () =>
  ({
    sender: window().webContents,
    senderFrame: window().webContents.mainFrame,
  }) as unknown as IpcMainInvokeEvent;

describe('the packaged desktop app', () => {
  it('ignores ELECTRON_RENDERER_URL and loads its page from the app scheme', () => {
    expect(window().loaded).toEqual({ url: 'sesame://app/index.html' });
  });

  it('registers the app scheme as privileged before ready, and serves it once ready', () => {
    expect(protocol.privileged).toEqual([
      { scheme: 'sesame', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(protocol.isProtocolHandled('sesame')).toBe(true);
  });

  it('answers its page, and refuses the same window once it shows another origin', async () => {
    await expect(ipcMain.invoke('profiles:list', fromWindow(), undefined)).resolves.toMatchObject({
      ok: true,
    });
    window().webContents.mainFrame.url = 'https://attacker.example/';
    await expect(ipcMain.invoke('profiles:list', fromWindow(), undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });
});
