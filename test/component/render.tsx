// Renders the whole window against a FakeSesame, with browser facilities the test can watch.
import { render, screen, within } from '@testing-library/react';
import { vi } from 'vitest';
import { App } from '../../renderer/src/App';
import type { BrowserDeps } from '../../renderer/src/browser';
import { FakeSesame } from './fake-api';
import type { Profile } from '../../shared/profile/profile';

/** Browser facilities with spies: object URLs are `blob:fake/N`, downloads and copies are recorded. */
export function fakeBrowser() {
  const blobs = new Map<string, Blob>();
  const deps = {
    createObjectURL: vi.fn((blob: Blob) => {
      const url = `blob:fake/${blobs.size + 1}`;
      blobs.set(url, blob);
      return url;
    }),
    revokeObjectURL: vi.fn((url: string) => {
      blobs.delete(url);
    }),
    download: vi.fn((_url: string, _filename: string) => undefined),
    copyText: vi.fn((_text: string) => Promise.resolve()),
    random: vi.fn((buffer: Uint16Array<ArrayBuffer>) => crypto.getRandomValues(buffer)),
  } satisfies BrowserDeps;
  return { deps, blobs };
}

/** Renders the app on a fake with these profiles (set up by `prepare`) and waits for the list. */
export async function renderApp(profiles: Profile[] = [], prepare?: (fake: FakeSesame) => void) {
  const fake = new FakeSesame(profiles);
  prepare?.(fake);
  const browser = fakeBrowser();
  const view = render(<App api={fake.api} browser={browser.deps} />);
  const first = profiles[0];
  if (first) await screen.findByText(first.name, { selector: '.profile-name' });
  else await screen.findByText(/No profiles yet/);
  return { fake, browser, view };
}

/** The list row of a profile. */
export function row(name: string): HTMLElement {
  const list = screen.getByRole('list', { name: 'Profiles' });
  const item = within(list)
    .getAllByRole('listitem')
    .find((li) => within(li).queryByText(name, { selector: '.profile-name' }));
  if (!item) throw new Error(`no row for profile ${name}`);
  return item;
}
