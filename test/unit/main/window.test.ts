import type { BrowserWindow, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL } from '../../../electron/main/app-protocol';
import { MainWindowService } from '../../../electron/main/window';
import { FakeBrowserWindow, FakeWebFrameMain } from '../../mocks/electron';

function service(pageUrl = APP_PAGE_URL) {
  const windows: FakeBrowserWindow[] = [];
  const svc = new MainWindowService({
    createWindow: (options) => {
      const w = new FakeBrowserWindow(options);
      windows.push(w);
      return w as unknown as BrowserWindow;
    },
    outDir: '/app/out',
    pageUrl,
  });
  return { svc, windows };
}

describe('MainWindowService', () => {
  it('creates one window with the bundled preload and loads the page from the app scheme', () => {
    const { svc, windows } = service();
    svc.show();
    svc.show();
    expect(windows).toHaveLength(1);
    expect(windows[0]?.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(windows[0]?.loaded).toEqual({ url: 'sesame://app/index.html' });
  });

  it('loads the page it is given (the dev server, when not packaged)', () => {
    const { svc, windows } = service('http://localhost:5173/');
    svc.show();
    expect(windows[0]?.loaded).toEqual({ url: 'http://localhost:5173/' });
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
    expect(svc.isTrustedSender(event(contents, null))).toBe(false);
  });

  it('stops trusting its main frame once the frame shows another origin', () => {
    const { svc, windows } = service();
    svc.show();
    const contents = windows[0]?.webContents;
    const event = () =>
      ({ sender: contents, senderFrame: contents?.mainFrame }) as unknown as IpcMainInvokeEvent;
    expect(svc.isTrustedSender(event())).toBe(true);
    for (const url of [
      'https://attacker.example/',
      'file:///app/out/renderer/index.html',
      'sesame://other/index.html',
      'sesame-x://app/index.html',
      'about:blank',
      '',
    ]) {
      if (contents) contents.mainFrame.url = url;
      expect(svc.isTrustedSender(event()), url).toBe(false);
    }
    if (contents) contents.mainFrame.url = 'sesame://app/settings.html#x';
    expect(svc.isTrustedSender(event())).toBe(true);
  });

  it('trusts the dev server origin only when that is the page it loads', () => {
    const { svc, windows } = service('http://localhost:5173/');
    svc.show();
    const contents = windows[0]?.webContents;
    const event = () =>
      ({ sender: contents, senderFrame: contents?.mainFrame }) as unknown as IpcMainInvokeEvent;
    expect(svc.isTrustedSender(event())).toBe(true);
    if (contents) contents.mainFrame.url = 'http://localhost:5174/';
    expect(svc.isTrustedSender(event())).toBe(false);
  });

  it('does not trust a subframe of its page, even at the app origin', () => {
    const { svc, windows } = service();
    svc.show();
    const contents = windows[0]?.webContents;
    const child = new FakeWebFrameMain(APP_PAGE_URL, contents?.mainFrame ?? null);
    expect(
      svc.isTrustedSender({
        sender: contents,
        senderFrame: child,
      } as unknown as IpcMainInvokeEvent),
    ).toBe(false);
  });
});

describe('MainWindowService and the tray', () => {
  function trayService(keepInTray: boolean) {
    const windows: FakeBrowserWindow[] = [];
    const svc = new MainWindowService({
      createWindow: (options) => {
        const w = new FakeBrowserWindow(options);
        windows.push(w);
        return w as unknown as BrowserWindow;
      },
      outDir: '/app/out',
      pageUrl: APP_PAGE_URL,
      keepInTray: () => keepInTray,
    });
    return { svc, windows };
  }

  it('hides the window on close while the tray is there, and closes it once quitting', () => {
    const { svc, windows } = trayService(true);
    svc.show();
    const window = windows[0];
    window?.show();
    expect(window?.userClose()).toBe(false);
    expect(window?.visible).toBe(false);
    svc.show();
    expect(windows).toHaveLength(1);
    expect(window?.visible).toBe(true);
    svc.prepareToQuit();
    expect(window?.userClose()).toBe(true);
  });

  it('closes the window when there is no tray, and makes a new one on the next show', () => {
    const { svc, windows } = trayService(false);
    svc.show();
    expect(windows[0]?.userClose()).toBe(true);
    svc.show();
    expect(windows).toHaveLength(2);
  });

  it('sends no event (profiles, knocks) while the window shows a page of another origin', () => {
    const { svc, windows } = trayService(false);
    svc.show();
    const contents = windows[0]?.webContents;
    if (contents) contents.mainFrame.url = 'https://attacker.example/';
    svc.send('profiles:changed', { profiles: [], storePath: '/x' });
    expect(contents?.sent).toEqual([]);
  });

  it('sends events to the open window only', () => {
    const { svc, windows } = trayService(false);
    svc.send('profiles:changed', { profiles: [], storePath: '/x' });
    svc.show();
    svc.send('profiles:changed', { profiles: [], storePath: '/x' });
    expect(windows[0]?.webContents.sent).toEqual([
      { channel: 'profiles:changed', payload: { profiles: [], storePath: '/x' } },
    ]);
  });
});
