import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { KnockAction } from '../../shared/door/outcome';
import type { FakeSesame } from './fake-api';
import { outcome, profile, twoProfiles } from './fixtures';
import { renderApp, row } from './render';

/** The profiles the window asked main to knock with one action, in order (`knock:run` inputs). */
function runs(fake: FakeSesame, action: KnockAction): { id: string }[] {
  return fake
    .inputs('knock:run')
    .filter((input) => input.action === action)
    .map((input) => ({ id: input.profileId }));
}

function press(key: string, options: Partial<KeyboardEventInit> = {}) {
  fireEvent.keyDown(document.activeElement ?? document.body, { key, ...options });
}

describe('profile list', () => {
  it('shows each profile with its host, last result and door state', async () => {
    await renderApp(twoProfiles());
    const web = row('web');
    expect(within(web).getByText('web.example.org')).toBeInTheDocument();
    expect(within(web).getByText('Not knocked yet')).toBeInTheDocument();
    expect(within(web).getByText('Door not checked')).toBeInTheDocument();
    expect(within(row('db')).getByText('db.example.org')).toBeInTheDocument();
    expect(screen.getByText('/home/user/.config/sesame/profiles.json')).toBeInTheDocument();
  });

  it('shows the last result and probe of each profile from the stored history', async () => {
    await renderApp(twoProfiles(), (fake) => {
      fake.history = [
        outcome({ runId: 'r2', profileId: 'db', profileName: 'db', verdict: 'closed' }),
        outcome({ runId: 'r1', profileId: 'db', profileName: 'db', verdict: 'open' }),
      ];
    });
    const db = row('db');
    expect(await within(db).findByText(/^Open: Door closed at/)).toBeInTheDocument();
    expect(within(db).getByText('Door closed')).toBeInTheDocument();
    expect(within(row('web')).getByText('Not knocked yet')).toBeInTheDocument();
  });

  it('Open, Close, Open SSH and Check door call the API with the profile id', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Open db' }));
    await waitFor(() => expect(runs(fake, 'open')).toEqual([{ id: 'db' }]));
    fireEvent.click(screen.getByRole('button', { name: 'Close web' }));
    await waitFor(() => expect(runs(fake, 'close')).toEqual([{ id: 'web' }]));
    fireEvent.click(screen.getByRole('button', { name: 'Open SSH to db' }));
    await waitFor(() => expect(runs(fake, 'ssh')).toEqual([{ id: 'db' }]));
    fireEvent.click(screen.getByRole('button', { name: 'Check door of web' }));
    await waitFor(() => expect(fake.inputs('probe:run')).toEqual([{ id: 'web' }]));
    expect(await within(row('web')).findByText('Door closed')).toBeInTheDocument();
  });

  it('offers Close only for profiles with a close sequence', async () => {
    await renderApp(twoProfiles());
    expect(screen.getByRole('button', { name: 'Close web' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Close db' })).toBeDisabled();
  });

  it('Enter knocks the selected profile; arrow keys move the selection', async () => {
    const { fake } = await renderApp(twoProfiles());
    expect(row('web')).toHaveAttribute('aria-current', 'true');
    press('ArrowDown');
    expect(row('db')).toHaveAttribute('aria-current', 'true');
    expect(row('web')).not.toHaveAttribute('aria-current');
    expect(row('db')).toHaveFocus();
    press('Enter');
    await waitFor(() => expect(runs(fake, 'open')).toEqual([{ id: 'db' }]));
    press('ArrowUp');
    press('Enter');
    await waitFor(() => expect(runs(fake, 'open')).toEqual([{ id: 'db' }, { id: 'web' }]));
    press('End');
    expect(row('db')).toHaveAttribute('aria-current', 'true');
    press('Home');
    expect(row('web')).toHaveAttribute('aria-current', 'true');
  });

  it('Enter on a focused button presses that button, not Open', async () => {
    const { fake } = await renderApp(twoProfiles());
    const close = screen.getByRole('button', { name: 'Close web' });
    close.focus();
    fireEvent.keyDown(close, { key: 'Enter' });
    expect(runs(fake, 'open')).toEqual([]);
  });

  it('clicking a row selects it; S, C and P act on the selection', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(within(row('db')).getByText('db.example.org'));
    expect(row('db')).toHaveAttribute('aria-current', 'true');
    press('s');
    await waitFor(() => expect(runs(fake, 'ssh')).toEqual([{ id: 'db' }]));
    press('p');
    await waitFor(() => expect(fake.inputs('probe:run')).toEqual([{ id: 'db' }]));
    press('c'); // db has no close sequence: nothing is sent
    fireEvent.click(within(row('web')).getByText('web.example.org'));
    press('c');
    await waitFor(() => expect(runs(fake, 'close')).toEqual([{ id: 'web' }]));
  });

  it('letters typed into a text field are not shortcuts', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Import & export' }));
    const text = await screen.findByLabelText('Text to import');
    fireEvent.keyDown(text, { key: 's' });
    fireEvent.keyDown(text, { key: 'n' });
    expect(runs(fake, 'ssh')).toEqual([]);
    expect(screen.queryByRole('form', { name: 'New profile' })).not.toBeInTheDocument();
  });

  it('Delete asks first, then deletes the selected profile', async () => {
    const { fake } = await renderApp(twoProfiles());
    press('ArrowDown');
    press('Delete');
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete db?' });
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(fake.inputs('profiles:delete')).toEqual([]);

    press('Delete');
    fireEvent.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete' }),
    );
    await waitFor(() => expect(fake.inputs('profiles:delete')).toEqual([{ id: 'db' }]));
    await waitFor(() => expect(screen.queryByText('db.example.org')).not.toBeInTheDocument());
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    // The neighbour is selected and has the focus, so the keyboard carries on from there.
    expect(row('web')).toHaveAttribute('aria-current', 'true');
    await waitFor(() => expect(row('web')).toHaveFocus());
  });

  it('Escape closes the delete dialog without deleting', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Delete web' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete web?' });
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(fake.inputs('profiles:delete')).toEqual([]);
  });

  it('shows a refused delete inside the dialog', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.failures.set('profiles:delete', { code: 'io', message: 'disk full' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete web' }));
    const dialog = await screen.findByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Could not delete web: disk full',
    );
  });

  it('N opens a new profile, E edits the selected one, Escape leaves the editor', async () => {
    await renderApp(twoProfiles());
    press('n');
    expect(await screen.findByRole('form', { name: 'New profile' })).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveFocus();
    press('Escape');
    await screen.findByRole('list', { name: 'Profiles' });
    press('ArrowDown');
    press('e');
    const form = await screen.findByRole('form', { name: 'Edit db' });
    expect(within(form).getByLabelText('Host')).toHaveValue('db.example.org');
  });

  it('Ctrl+, opens the settings, 1/2/3 switch screens, ? lists the shortcuts', async () => {
    await renderApp(twoProfiles());
    press(',', { ctrlKey: true });
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    press('2');
    expect(await screen.findByRole('heading', { name: 'History' })).toBeInTheDocument();
    press('3');
    expect(await screen.findByRole('heading', { name: 'Import & export' })).toBeInTheDocument();
    press('1');
    expect(await screen.findByRole('heading', { name: 'Profiles' })).toBeInTheDocument();
    press('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const keys of ['Enter', 'Up / Down', 'N', 'E', 'S', 'Delete', 'Ctrl+,']) {
      expect(within(dialog).getByText(keys, { selector: 'kbd' })).toBeInTheDocument();
    }
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('the Shortcuts button opens the same list and gets the focus back after it', async () => {
    const { fake } = await renderApp(twoProfiles());
    const button = screen.getByRole('button', { name: 'Keyboard shortcuts' });
    button.focus();
    fireEvent.click(button);
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(dialog).toHaveFocus();
    // Shortcuts are off while a dialog is open.
    fireEvent.keyDown(dialog, { key: 'Enter' });
    expect(runs(fake, 'open')).toEqual([]);
    // Tab stays inside: Shift+Tab from the dialog goes to its last control.
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(within(dialog).getByRole('button', { name: 'Close' })).toHaveFocus();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });

  it('follows profiles:changed (a profile added by the CLI)', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.profiles.push(profile({ id: 'new', name: 'mail' }));
    act(() => fake.emit('profiles:changed', fake.view()));
    expect(await screen.findByText('mail.example.org')).toBeInTheDocument();
  });

  it('shows a problem main reports with the profile file', async () => {
    const { fake } = await renderApp(twoProfiles());
    act(() =>
      fake.emit('profiles:changed', { ...fake.view(), problem: 'profiles.json was moved aside' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('profiles.json was moved aside');
  });

  it('shows a refused knock as an alert (role=alert)', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.failures.set('knock:run', {
      code: 'busy',
      message: 'web is being knocked already; wait or cancel it',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open web' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'web is being knocked already; wait or cancel it',
    );
    expect(screen.getByRole('button', { name: 'Open web' })).toBeEnabled();
  });

  it('shows a refused probe as an alert', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.failures.set('probe:run', { code: 'resolve', message: 'web.example.org: no address' });
    fireEvent.click(screen.getByRole('button', { name: 'Check door of web' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not check the door of web: web.example.org: no address',
    );
  });
});
