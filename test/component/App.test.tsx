import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { FakeSesame } from './fake-api';
import { twoProfiles } from './fixtures';
import { fakeBrowser } from './render';

describe('App', () => {
  it('shows what the app API reports (in Settings)', async () => {
    const fake = new FakeSesame(twoProfiles());
    render(<App api={fake.api} browser={fakeBrowser().deps} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Settings' }));
    expect(await screen.findByText('Sesame 9.9.9 on linux')).toBeInTheDocument();
  });

  it('says so when the page runs without the app API', async () => {
    render(<App api={undefined} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('not available');
  });

  it('shows a failure the API returns as a value', async () => {
    const fake = new FakeSesame();
    fake.failures.set('app:info', { code: 'forbidden', message: 'nope' });
    render(<App api={fake.api} browser={fakeBrowser().deps} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      "Could not read the app's version: nope",
    );
  });

  it('shows the profile store failing to load as an alert', async () => {
    const fake = new FakeSesame();
    fake.failures.set('profiles:list', { code: 'corrupt', message: 'profiles.json is not JSON' });
    render(<App api={fake.api} browser={fakeBrowser().deps} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the profiles: profiles.json is not JSON',
    );
  });

  it('unsubscribes from every event when it goes away', async () => {
    const fake = new FakeSesame(twoProfiles());
    const view = render(<App api={fake.api} browser={fakeBrowser().deps} />);
    await screen.findByText('web', { selector: '.profile-name' });
    expect(fake.listenerCount('knock:progress')).toBe(1);
    view.unmount();
    expect(fake.listenerCount('knock:progress')).toBe(0);
    expect(fake.listenerCount('knock:finished')).toBe(0);
    expect(fake.listenerCount('profiles:changed')).toBe(0);
  });
});
