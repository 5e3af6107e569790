import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { closeSessionsBeforeQuit } from '../../../electron/main/quit-sessions';
import { createLogger } from '../../../electron/node/logger';

/** Electron's app as far as Quit goes: before-quit listeners may prevent it. */
class QuitApp extends EventEmitter {
  quits = 0;
  quitted = 0;
  quit(): void {
    this.quits += 1;
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    this.emit('before-quit', event);
    if (!event.prevented) this.quitted += 1;
  }
}

function knocks(sessions: number, close: () => Promise<void>) {
  let open = sessions;
  return {
    openSessions: () => open,
    closeOpenSessions: async () => {
      await close();
      open = 0;
    },
  };
}

const quiet = createLogger('test', () => undefined);

describe('Quit with ssh sessions running', () => {
  it('waits for their doors to close, then quits', async () => {
    const app = new QuitApp();
    let release: () => void = () => undefined;
    const closing = new Promise<void>((resolve) => (release = resolve));
    closeSessionsBeforeQuit(
      app,
      knocks(2, () => closing),
      quiet,
    );
    app.quit();
    expect(app.quitted).toBe(0);
    release();
    await expect.poll(() => app.quitted).toBe(1);
  });

  it('quits at once when no session is running', () => {
    const app = new QuitApp();
    closeSessionsBeforeQuit(
      app,
      knocks(0, () => Promise.resolve()),
      quiet,
    );
    app.quit();
    expect(app.quitted).toBe(1);
  });

  it('quits anyway after the time limit when a close hangs', async () => {
    const app = new QuitApp();
    const logs: string[] = [];
    closeSessionsBeforeQuit(
      app,
      knocks(1, () => new Promise(() => undefined)),
      createLogger('test', (_l, line) => logs.push(line)),
      50,
    );
    app.quit();
    expect(app.quitted).toBe(0);
    await expect.poll(() => app.quitted).toBe(1);
    expect(logs.join('\n')).toMatch(/quitting after 50 ms with doors still closing/);
  });
});
