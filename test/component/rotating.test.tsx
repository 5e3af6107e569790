import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { profileSchema } from '../../shared/profile/profile';
import { render } from '@testing-library/react';
import { App } from '../../renderer/src/App';
import { FakeSesame } from './fake-api';
import { fakeBrowser, renderApp } from './render';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const URI = `sesame://rotating?v=1&secret=${SECRET}&label=ssh&step=30&length=4&ports=10000-29999&protocols=tcp&host=gate.example.org`;
/** 12.5 s into step 58907520 of 30 s. */
const T0 = 1767225600_000 + 12_500;

/** A choice of "Open the door with" or "Close the door with". */
const way = (door: 'Open' | 'Close', name: string) =>
  within(screen.getByRole('radiogroup', { name: `${door} the door with` })).getByRole('radio', {
    name,
  });

afterEach(() => {
  vi.useRealTimers();
});

describe('rotating sequences in the editor', () => {
  it('fills in the open sequence and host from a pasted URI, shows this step with a countdown, and saves it', async () => {
    // Only Date is faked: the window's countdown and the fake main read the same clock, and
    // timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const { fake } = await renderApp([]);
    fireEvent.click(screen.getByRole('button', { name: 'New profile' }));
    await screen.findByRole('form', { name: 'New profile' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'gate' } });
    fireEvent.click(way('Open', 'Rotating sequence'));
    const group = screen.getByRole('group', { name: 'Open: rotating sequence' });
    fireEvent.change(within(group).getByLabelText('Provisioning URI'), { target: { value: URI } });
    expect(within(group).getByLabelText('Secret')).toHaveValue(SECRET);
    expect(within(group).getByLabelText('Secret')).toHaveAttribute('type', 'password');
    expect(within(group).getByLabelText('Label')).toHaveValue('ssh');
    expect(screen.getByLabelText('Host')).toHaveValue('gate.example.org');
    expect(group).toHaveTextContent('Filled in from the URI (host gate.example.org)');
    // The URI holds the secret: the field is emptied once it was read.
    expect(within(group).getByLabelText('Provisioning URI')).toHaveValue('');
    const now = within(group).getByLabelText('Open sequence now');
    await waitFor(() => expect(now).toHaveTextContent('This step: fake ssh step 58907520'));
    await waitFor(() =>
      expect(within(now).getByRole('timer')).toHaveTextContent('next step in 18 s'),
    );
    // The step ends: the countdown reaches it and the next step's knocks are asked for.
    vi.setSystemTime(T0 + 17_000);
    await waitFor(
      () => expect(within(now).getByRole('timer')).toHaveTextContent('next step in 1 s'),
      {
        timeout: 2000,
      },
    );
    vi.setSystemTime(T0 + 17_500);
    await waitFor(() => expect(now).toHaveTextContent('fake ssh step 58907521'), { timeout: 2000 });
    expect(within(now).getByRole('timer')).toHaveTextContent('next step in 30 s');
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    expect(fake.inputs('profiles:save')[0]?.profile).toMatchObject({
      name: 'gate',
      host: 'gate.example.org',
      open: { secret: SECRET, label: 'ssh', stepSeconds: 30, length: 4, protocols: 'tcp' },
    });
    expect(fake.inputs('profiles:save')[0]?.profile.close).toBeUndefined();
  });

  it('says what is wrong with a bad URI and with typed fields, and saves nothing', async () => {
    const { fake } = await renderApp([]);
    fireEvent.click(screen.getByRole('button', { name: 'New profile' }));
    await screen.findByRole('form', { name: 'New profile' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'gate' } });
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: 'gate.example.org' } });
    fireEvent.click(way('Open', 'Rotating sequence'));
    const group = screen.getByRole('group', { name: 'Open: rotating sequence' });
    fireEvent.change(within(group).getByLabelText('Provisioning URI'), {
      target: { value: 'sesame://rotating?v=2&secret=AA&label=x' },
    });
    expect(within(group).getByLabelText('Provisioning URI')).toHaveAccessibleDescription(
      /v: version "2" is not 1/,
    );
    fireEvent.change(within(group).getByLabelText('Secret'), {
      target: { value: 'JBSWY3DPEHPK3PXP' },
    });
    fireEvent.change(within(group).getByLabelText('Ports'), { target: { value: '80-90' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByText(/fix the fields marked below/)).toBeInTheDocument();
    expect(within(group).getByLabelText('Secret')).toHaveAccessibleDescription(
      /the secret has 80 bits; it needs at least 160/,
    );
    expect(within(group).getByLabelText('Ports')).toHaveAccessibleDescription(
      /must lie within 1024-65535/,
    );
    expect(within(group).getByLabelText('Open sequence now')).toHaveTextContent(
      'The current sequence shows once the fields are complete.',
    );
    expect(fake.inputs('profiles:save')).toHaveLength(0);
    expect(fake.inputs('rotating:preview')).toHaveLength(0);
  });

  it('edits a saved rotating profile: both doors shown rotating, the list describes them', async () => {
    const saved = profileSchema.parse({
      id: 'g',
      name: 'gate',
      host: 'gate.example.org',
      open: { secret: SECRET, label: 'open' },
      close: { secret: SECRET, label: 'close', stepSeconds: 60 },
    });
    const { fake } = await renderApp([saved]);
    expect(screen.getByText('Rotating sequence, a new one every 30 s')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Edit gate' }));
    await screen.findByRole('form', { name: 'Edit gate' });
    const close = screen.getByRole('group', { name: 'Close: rotating sequence' });
    expect(within(close).getByLabelText('Step (s)')).toHaveValue('60');
    fireEvent.change(within(close).getByLabelText('Knocks'), { target: { value: '6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    expect(fake.inputs('profiles:save')[0]?.profile).toMatchObject({
      open: { label: 'open' },
      close: { label: 'close', stepSeconds: 60, length: 6 },
    });
  });

  it('opens a new profile from a sesame:// link, saved only when the user saves it', async () => {
    const { fake } = await renderApp([]);
    act(() => fake.openLink(URI));
    const form = await screen.findByRole('form', { name: 'New profile' });
    expect(within(form).getByRole('status')).toHaveTextContent(
      /Filled in from a sesame:\/\/ link.*nothing is saved until you do/,
    );
    expect(screen.getByLabelText('Host')).toHaveValue('gate.example.org');
    expect(way('Open', 'Rotating sequence')).toBeChecked();
    expect(way('Close', 'Knock sequence')).toBeChecked();
    expect(fake.inputs('profiles:save')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.profiles).toEqual([]);
    act(() => fake.openLink('sesame://rotating?v=1&label=x'));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The sesame:// link that opened Sesame cannot be read: secret: missing',
    );
  });

  it('takes a link that was waiting before the window started', async () => {
    const fake = new FakeSesame([]);
    fake.pendingLinks = [URI];
    render(<App api={fake.api} browser={fakeBrowser().deps} />);
    expect(await screen.findByRole('form', { name: 'New profile' })).toBeInTheDocument();
    expect(screen.getByLabelText('Host')).toHaveValue('gate.example.org');
  });
});
