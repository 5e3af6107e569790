// A key pressed right after the window changed must reach the handler of the render now on screen.
import { act, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { useShortcuts } from '../../renderer/src/hooks/useShortcuts';
import type { ShortcutAction } from '../../renderer/src/model/shortcuts';

type Seen = { shown: string; action: ShortcutAction };

/** Shows "loading", then "loaded" once a promise settles (an update outside act, as IPC replies are). */
function Loading({ seen }: { seen: Seen[] }) {
  const [shown, setShown] = useState('loading');
  useEffect(() => {
    void Promise.resolve().then(() => setShown('loaded'));
  }, []);
  useShortcuts((action) => {
    seen.push({ shown, action });
    return true;
  }, true);
  return <p>{shown}</p>;
}

const actEnvironment = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean | undefined };
const before = actEnvironment.IS_REACT_ACT_ENVIRONMENT;
afterEach(() => {
  actEnvironment.IS_REACT_ACT_ENVIRONMENT = before;
});

describe('useShortcuts', () => {
  it('a key pressed as soon as the DOM changed reaches the handler of that render', async () => {
    // React as in the window: updates are not wrapped in act, so passive effects run later, in a
    // task of their own, after the DOM already shows the new render.
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = false;
    const seen: Seen[] = [];
    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    const pressed = new Promise<void>((resolve) => {
      const watch = new MutationObserver(() => {
        if (host.textContent !== 'loaded') return;
        watch.disconnect();
        // A microtask after the commit: before React's passive effects.
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
        resolve();
      });
      watch.observe(host, { subtree: true, childList: true, characterData: true });
    });
    root.render(<Loading seen={seen} />);
    await pressed;
    expect(seen).toEqual([{ shown: 'loaded', action: 'next' }]);
    actEnvironment.IS_REACT_ACT_ENVIRONMENT = true;
    act(() => root.unmount());
    host.remove();
  });
});
