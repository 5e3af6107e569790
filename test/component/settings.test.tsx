import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { twoProfiles } from './fixtures';
import { renderApp } from './render';

async function openSettings() {
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  return screen.findByRole('form', { name: 'Settings' });
}

describe('settings', () => {
  it('keeps the controls disabled until the settings arrive, so no choice is overwritten', async () => {
    let arrive: () => void = () => undefined;
    await renderApp(twoProfiles(), (fake) => {
      fake.settingsGate = new Promise((resolve) => (arrive = resolve));
      fake.settingsView = {
        ...fake.settingsView,
        settings: {
          ...fake.settingsView.settings,
          terminal: { kind: 'custom', command: '/opt/term' },
        },
      };
    });
    await openSettings();
    expect(screen.getByLabelText('Terminal')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    arrive();
    await waitFor(() => expect(screen.getByLabelText('Terminal')).toBeEnabled());
    expect(screen.getByLabelText('Terminal command')).toHaveValue('/opt/term');
  });

  it('shows the safeStorage backend in use', async () => {
    await renderApp(twoProfiles());
    await openSettings();
    expect(await screen.findByText('gnome_libsecret')).toBeInTheDocument();
    expect(screen.getByText(/Knock sequences are encrypted on disk/)).toBeInTheDocument();
    expect(screen.queryByRole('note', { name: 'Encryption warning' })).not.toBeInTheDocument();
  });

  it('shows the plain-text warning prominently', async () => {
    await renderApp(twoProfiles(), (fake) => {
      fake.settingsView = {
        ...fake.settingsView,
        encryption: {
          backend: 'basic_text',
          secure: false,
          encrypted: false,
          warning: 'No OS keyring: knock sequences are stored in plain text.',
        },
      };
    });
    await openSettings();
    const warning = await screen.findByRole('note', { name: 'Encryption warning' });
    expect(warning).toHaveTextContent(
      'Warning: No OS keyring: knock sequences are stored in plain text.',
    );
    expect(screen.getByText('basic_text')).toBeInTheDocument();
    expect(screen.getByText(/\(not a secure store\)/)).toBeInTheDocument();
  });

  it('saves a named terminal and the toggles', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openSettings();
    const terminal = await screen.findByRole('combobox', { name: 'Terminal' });
    expect(screen.getByRole('option', { name: 'kitty (not found)' })).toBeInTheDocument();
    fireEvent.change(terminal, { target: { value: 'gnome-terminal' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /notification/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Encrypt knock sequences on disk' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(fake.inputs('settings:save')).toEqual([
        {
          terminal: { kind: 'named', id: 'gnome-terminal' },
          notifications: false,
          encryptSequences: false,
          closeAfterMinutes: 0,
        },
      ]),
    );
    expect(await screen.findByRole('status')).toHaveTextContent('Settings saved.');
    expect(screen.getByText(/Knock sequences are stored in plain text/)).toBeInTheDocument();
  });

  it('takes a custom terminal command, says how it is run, and checks it', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openSettings();
    fireEvent.change(await screen.findByRole('combobox', { name: 'Terminal' }), {
      target: { value: 'custom' },
    });
    const command = screen.getByRole('textbox', { name: 'Terminal command' });
    expect(command).toHaveAccessibleDescription(/runs it as <command> -e ssh/);
    fireEvent.change(command, { target: { value: '-e evil' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(command).toHaveAccessibleDescription(
        /Terminal command: terminal command must not start with "-"/,
      ),
    );
    expect(fake.inputs('settings:save')).toEqual([]);
    fireEvent.change(command, { target: { value: '/opt/term/bin/term' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(fake.inputs('settings:save')[0]?.terminal).toEqual({
        kind: 'custom',
        command: '/opt/term/bin/term',
      }),
    );
  });

  it('shows a refused save as an alert', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openSettings();
    await screen.findByText('gnome_libsecret');
    fake.failures.set('settings:save', { code: 'io', message: 'settings.json is read-only' });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not save the settings: settings.json is read-only',
    );
  });

  it('saves the minutes after which the door closes, and refuses what is not a whole number', async () => {
    const { fake } = await renderApp(twoProfiles(), (f) => {
      f.settingsView = {
        ...f.settingsView,
        terminalInUse: { ok: true, label: 'Windows Terminal', waits: false },
      };
    });
    await openSettings();
    expect(
      await screen.findByText(
        /Open SSH uses Windows Terminal\. It does not tell Sesame when ssh ends/,
      ),
    ).toBeInTheDocument();
    const minutes = screen.getByLabelText('Close the door after (minutes)');
    fireEvent.change(minutes, { target: { value: '2.5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText(/Close after: a whole number of minutes/)).toBeInTheDocument();
    expect(fake.inputs('settings:save')).toEqual([]);
    fireEvent.change(minutes, { target: { value: '45' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() =>
      expect(fake.inputs('settings:save')[0]).toMatchObject({ closeAfterMinutes: 45 }),
    );
  });

  it('says next to Open SSH when the terminal cannot tell that ssh ended', async () => {
    await renderApp(twoProfiles(), (f) => {
      f.settingsView = {
        ...f.settingsView,
        settings: { ...f.settingsView.settings, closeAfterMinutes: 30 },
        terminalInUse: { ok: true, label: 'Windows Terminal', waits: false },
      };
    });
    const note =
      'Windows Terminal does not say when ssh ends: Open SSH closes the door after 30 min.';
    // web has a close sequence (the note applies), db has none.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Open SSH to web' })).toHaveAttribute(
        'title',
        note,
      ),
    );
    expect(screen.getByRole('button', { name: 'Open SSH to db' })).not.toHaveAttribute('title');
  });
});
