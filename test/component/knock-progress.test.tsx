import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { outcome, twoProfiles } from './fixtures';
import { renderApp, row } from './render';

function progress() {
  return screen.getByRole('region', { name: 'Knock progress' });
}

function hitLabels(): string[] {
  return within(within(progress()).getByRole('list', { name: 'Hits' }))
    .getAllByRole('listitem')
    .map((li) => li.getAttribute('aria-label') ?? '');
}

describe('knock progress', () => {
  it('shows the knock hit by hit, then the probe result', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.holding = true;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open web' }));
    await waitFor(() => expect(fake.held).toHaveLength(1));
    expect(within(progress()).getByRole('status')).toHaveTextContent('Open web: Starting…');
    expect(screen.getByRole('button', { name: 'Open web' })).toBeDisabled();

    act(() => fake.stage('resolving'));
    expect(within(progress()).getByText('Resolve')).toHaveAttribute('aria-current', 'step');

    act(() => fake.hit(0));
    expect(within(progress()).getByText('Knock')).toHaveAttribute('aria-current', 'step');
    expect(hitLabels()).toEqual([
      'Hit 1: port 7000 TCP sent at +0 ms',
      'Hit 2: waiting',
      'Hit 3: waiting',
    ]);
    expect(within(progress()).getByRole('status')).toHaveTextContent(
      'Open web (192.0.2.10): Knocking hit 1 of 3…',
    );
    expect(within(row('web')).getByText('Open: Knocking…')).toBeInTheDocument();

    act(() => fake.hit(1, 'EPERM'));
    act(() => fake.hit(2));
    expect(hitLabels()).toEqual([
      'Hit 1: port 7000 TCP sent at +0 ms',
      'Hit 2: port 8000 UDP failed: EPERM',
      'Hit 3: port 9000 TCP sent at +0 ms',
    ]);

    act(() => fake.stage('probing'));
    expect(within(progress()).getByText('Probe')).toHaveAttribute('aria-current', 'step');
    expect(within(progress()).getByText('Probing…')).toBeInTheDocument();

    act(() => {
      fake.finish('open');
    });
    await waitFor(() =>
      expect(within(progress()).getByRole('status')).toHaveTextContent(
        'Open web: Door open: port 22 on 192.0.2.10 is open (7 ms).',
      ),
    );
    expect(within(progress()).getByText('Door open')).toBeInTheDocument();
    expect(hitLabels()).toHaveLength(3);
    expect(within(row('web')).getByText('Door open')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open web' })).toBeEnabled();
  });

  it('keeps the Cancel button in place and cancels the running knock', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.holding = true;
    });
    const cancel = within(progress()).getByRole('button', { name: 'Cancel knock' });
    expect(cancel).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Open db' }));
    await waitFor(() => expect(fake.held).toHaveLength(1));
    fireEvent.click(within(progress()).getByRole('button', { name: 'Cancel knocking db' }));
    await waitFor(() => expect(fake.inputs('knock:cancel')).toEqual([{ id: 'db' }]));
    act(() => {
      fake.finish('cancelled', 'cancelled');
    });
    await waitFor(() =>
      expect(within(progress()).getByRole('status')).toHaveTextContent('Open db: Cancelled.'),
    );
  });

  it('Escape cancels the knock of the selected profile', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.holding = true;
    });
    fireEvent.keyDown(document.body, { key: 'Enter' });
    await waitFor(() => expect(fake.held).toHaveLength(1));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    await waitFor(() => expect(fake.inputs('knock:cancel')).toEqual([{ id: 'web' }]));
  });

  it('shows a failed knock with its reason', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.holding = true;
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open SSH to web' }));
    await waitFor(() => expect(fake.held).toHaveLength(1));
    act(() => {
      fake.finish('failed', 'no terminal found: install xterm or pick one in Settings');
    });
    await waitFor(() =>
      expect(within(progress()).getByRole('status')).toHaveTextContent(
        'Open SSH web: Failed. no terminal found: install xterm or pick one in Settings',
      ),
    );
  });

  it('follows knocks started elsewhere (the tray) from their events', async () => {
    const { fake } = await renderApp(twoProfiles());
    act(() => {
      fake.emit('knock:progress', {
        runId: 'tray-1',
        profileId: 'db',
        action: 'close',
        stage: 'knocking',
        address: '192.0.2.30',
        hit: { index: 0, total: 2, port: 9100, protocol: 'tcp', offsetMs: 0 },
      });
    });
    expect(within(progress()).getByRole('status')).toHaveTextContent(
      'Close db (192.0.2.30): Knocking hit 1 of 2…',
    );
    expect(hitLabels()).toEqual(['Hit 1: port 9100 TCP sent at +0 ms', 'Hit 2: waiting']);
  });
  it('says which terminal Open SSH started ssh in', async () => {
    await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Open SSH to db' }));
    await waitFor(() =>
      expect(within(progress()).getByRole('status')).toHaveTextContent(
        'Open SSH db: Door open: port 5432 on 192.0.2.10 is open (7 ms); ssh started in xterm.',
      ),
    );
  });
});

describe('Open SSH with a terminal that does not wait for ssh', () => {
  it.each([
    [
      { staysOpen: true },
      'ssh started in wt.exe, which does not say when ssh ends: close the door when you are done.',
    ],
    [
      { closesAt: new Date(2025, 0, 2, 14, 35).getTime() },
      `ssh started in wt.exe, which does not say when ssh ends: the door closes at ${new Date(2025, 0, 2, 14, 35).toLocaleTimeString()}.`,
    ],
  ])('says what happens to the door (%o)', async (door, sentence) => {
    const { fake } = await renderApp(twoProfiles());
    act(() => {
      fake.emit('knock:finished', {
        ...outcome({ runId: 'r5', profileId: 'web', profileName: 'web', verdict: 'open' }),
        action: 'ssh',
        ssh: { terminal: 'wt.exe', closesOnExit: false, ...door },
      });
    });
    await waitFor(() => expect(within(progress()).getByRole('status')).toHaveTextContent(sentence));
  });
});

describe('history', () => {
  it('lists the stored knocks and adds each knock:finished at the top', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.history = [outcome({ runId: 'r1', profileId: 'web', profileName: 'web', verdict: 'open' })];
    });
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const list = await screen.findByRole('list', { name: 'Recent knocks' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('port 22 on 192.0.2.20 is open (3 ms)');

    act(() => {
      fake.emit(
        'knock:finished',
        outcome({
          runId: 'r9',
          profileId: 'db',
          profileName: 'db',
          verdict: 'unreachable',
          finishedAt: Date.UTC(2025, 0, 1, 9, 0, 0),
        }),
      );
    });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('db');
    expect(items[0]).toHaveTextContent('Host unreachable');
    expect(items[1]).toHaveTextContent('web');
  });

  it('counts a knock once when both the event and the answer report it', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Open web' }));
    await waitFor(() => expect(fake.history).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    const list = await screen.findByRole('list', { name: 'Recent knocks' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('3 of 3 hits sent to 192.0.2.10');
  });

  it('shows a history that failed to load as an alert', async () => {
    await renderApp(twoProfiles(), (f) => {
      f.failures.set('knock:history', { code: 'io', message: 'history.json unreadable' });
    });
    fireEvent.click(screen.getByRole('button', { name: 'History' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not load the knock history: history.json unreadable',
    );
  });
});
