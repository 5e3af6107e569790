import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { MainWindowService } from '../../../electron/main/window';
import { FakeBrowserWindow } from '../../mocks/electron';

function service(devServerUrl?: string) {
  const windows: FakeBrowserWindow[] = [];
  const svc = new MainWindowService({
    createWindow: (options) => {
      const w = new FakeBrowserWindow(options);
      windows.push(w);
      return w as unknown as BrowserWindow;
    },
    outDir: '/app/out',
    devServerUrl,
  });
  return { svc, windows };
}

describe('MainWindowService', () => {
  it('creates one window with the bundled preload and loads the built page', () => {
    const { svc, windows } = service();
    svc.show();
    svc.show();
    expect(windows).toHaveLength(1);
    expect(windows[0]?.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(windows[0]?.loaded).toEqual({ file: '/app/out/renderer/index.html' });
  });

  it('loads the dev server when electron-vite provides one', () => {
    const { svc, windows } = service('http://localhost:5173');
    svc.show();
    expect(windows[0]?.loaded).toEqual({ url: 'http://localhost:5173' });
  });

  it('trusts only its own main frame', () => {
    const { svc, windows } = service();
    const event = (sender: unknown, senderFrame: unknown) =>
      ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;
    expect(svc.isTrustedSender(event({}, {}))).toBe(false);
    svc.show();
    const contents = windows[0]?.webContents;
    expect(svc.isTrustedSender(event(contents, contents?.mainFrame))).toBe(true);
    expect(svc.isTrustedSender(event(contents, { url: 'https://elsewhere.example' }))).toBe(false);
    expect(svc.isTrustedSender(event({}, contents?.mainFrame))).toBe(false);
  });
});
