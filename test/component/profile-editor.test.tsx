import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { twoProfiles } from './fixtures';
import { renderApp, row } from './render';

async function openNewProfile() {
  fireEvent.click(screen.getByRole('button', { name: 'New profile' }));
  return screen.findByRole('form', { name: 'New profile' });
}

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

function openPorts(): string[] {
  const hits = screen.getByRole('list', { name: 'Open sequence hits' });
  return within(hits)
    .getAllByLabelText(/^Open sequence hit \d+ port$/)
    .map((input) => (input as HTMLInputElement).value);
}

function protocolOf(sequence: 'Open' | 'Close', hit: number): string {
  const group = screen.getByRole('radiogroup', {
    name: `${sequence} sequence hit ${hit} protocol`,
  });
  const checked = within(group)
    .getAllByRole('radio')
    .find((r) => (r as HTMLInputElement).checked);
  return (checked as HTMLInputElement).value;
}

describe('profile editor', () => {
  it('saves a new profile with its sequences and ssh fields', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openNewProfile();
    type('Name', 'mail');
    type('Host', 'mail.example.org');
    type('Open sequence hit 1 port', '7100');
    fireEvent.click(screen.getByRole('button', { name: 'Add hit to open sequence' }));
    type('Open sequence hit 2 port', '7200');
    fireEvent.click(
      within(screen.getByRole('radiogroup', { name: 'Open sequence hit 2 protocol' })).getByRole(
        'radio',
        { name: 'UDP' },
      ),
    );
    type('Open sequence hit 2 delay in ms', '250');
    type('SSH user', 'alice');
    type('SSH port', '2222');
    type('Identity file', '~/.ssh/id_mail');
    fireEvent.change(screen.getByLabelText('Address family'), { target: { value: 'ipv6' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    expect(fake.inputs('profiles:save')[0]).toEqual({
      profile: {
        name: 'mail',
        host: 'mail.example.org',
        family: 'ipv6',
        open: [
          { port: 7100, protocol: 'tcp' },
          { port: 7200, protocol: 'udp', delayMs: 250 },
        ],
        delayMs: 0,
        servicePort: 22,
        ssh: { user: 'alice', port: 2222, identityFile: '~/.ssh/id_mail' },
      },
    });
    expect(await screen.findByText('mail.example.org')).toBeInTheDocument();
    // Back in the list, the new profile is selected and focused: Enter knocks it.
    expect(row('mail')).toHaveAttribute('aria-current', 'true');
    await waitFor(() => expect(row('mail')).toHaveFocus());
  });

  it('edits an existing profile under its id, keeping its close sequence', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    await screen.findByRole('form', { name: 'Edit web' });
    expect(openPorts()).toEqual(['7000', '8000', '9000']);
    type('Host', 'web2.example.org');
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    const sent = fake.inputs('profiles:save')[0];
    expect(sent?.id).toBe('web');
    expect(sent?.profile.host).toBe('web2.example.org');
    expect(sent?.profile.close).toEqual([
      { port: 9000, protocol: 'tcp' },
      { port: 7000, protocol: 'tcp' },
    ]);
  });

  it('names the field in each message as the user types', async () => {
    await renderApp(twoProfiles());
    await openNewProfile();
    type('Host', '-oProxyCommand=x');
    const host = screen.getByLabelText('Host');
    expect(host).toHaveAttribute('aria-invalid', 'true');
    expect(host).toHaveAccessibleDescription('Host: host must not start with "-"');
    type('Open sequence hit 1 port', '70000');
    expect(screen.getByLabelText('Open sequence hit 1 port')).toHaveAccessibleDescription(
      'Open sequence hit 1 port: port must be 1-65535',
    );
    type('Open sequence hit 1 port', '7o00');
    expect(
      screen.getByText('Open sequence hit 1 port: port "7o00" is not a whole number'),
    ).toBeInTheDocument();
    // Untouched fields say nothing yet.
    expect(screen.queryByText(/^Name:/)).not.toBeInTheDocument();
  });

  it('on Save shows every problem next to its field, focuses the first, and sends nothing', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openNewProfile();
    type('Service port', 'ssh');
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('fix the fields marked below');
    expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Name: name is empty');
    expect(screen.getByLabelText('Host')).toHaveAccessibleDescription('Host: host is empty');
    expect(screen.getByText('Open sequence hit 1 port: port is empty')).toBeInTheDocument();
    expect(screen.getByLabelText('Service port')).toHaveAccessibleDescription(
      /Service port: port "ssh" is not a whole number/,
    );
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveFocus());
    expect(fake.inputs('profiles:save')).toEqual([]);
  });

  it('shows the server’s problems (profile.* fields) next to their fields', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit db' }));
    await screen.findByRole('form', { name: 'Edit db' });
    fake.failures.set('profiles:save', {
      code: 'invalid',
      message: 'profiles:save: profile.open[1].port: port 8000 is the service port',
      problems: [
        { field: 'profile.open[1].port', message: 'port 8000 is the service port' },
        { field: 'profile.ssh.user', message: 'user is not allowed on this host' },
        { field: '', message: 'the profile file is read-only' },
      ],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('fix the fields marked below');
    expect(alert).toHaveTextContent('the profile file is read-only');
    expect(screen.getByLabelText('Open sequence hit 2 port')).toHaveAccessibleDescription(
      'Open sequence hit 2 port: port 8000 is the service port',
    );
    expect(screen.getByLabelText('SSH user')).toHaveAccessibleDescription(
      'SSH user: user is not allowed on this host',
    );
    // Editing the field clears the server's message there.
    type('SSH user', 'bob');
    expect(screen.getByLabelText('SSH user')).not.toHaveAccessibleDescription(/not allowed/);
  });

  it('shows a refused save without field problems in the alert', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit db' }));
    type('Name', 'web');
    fireEvent.click(await screen.findByRole('button', { name: 'Save profile' }));
    // The fake refuses a taken name with a problem on profile.name.
    await waitFor(() =>
      expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Name: "web" is taken'),
    );
    fake.failures.set('profiles:save', { code: 'io', message: 'EACCES: profiles.json' });
    type('Name', 'db2');
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent(
        'The profile was not saved: EACCES: profiles.json',
      ),
    );
  });

  it('the paste box fills the rows from knockd syntax', async () => {
    await renderApp(twoProfiles());
    await openNewProfile();
    type('Paste open sequence', '7000, 8000:udp,9000');
    fireEvent.click(screen.getByRole('button', { name: 'Fill open sequence from pasted text' }));
    expect(openPorts()).toEqual(['7000', '8000', '9000']);
    expect(protocolOf('Open', 1)).toBe('tcp');
    expect(protocolOf('Open', 2)).toBe('udp');
    expect(protocolOf('Open', 3)).toBe('tcp');
    expect(screen.getByLabelText('Paste open sequence')).toHaveValue('');
  });

  it('Enter in the paste box fills the close sequence and does not save', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openNewProfile();
    type('Paste close sequence', '9000:udp,7000');
    fireEvent.keyDown(screen.getByLabelText('Paste close sequence'), { key: 'Enter' });
    expect(screen.getByLabelText('Close sequence hit 1 port')).toHaveValue('9000');
    expect(protocolOf('Close', 1)).toBe('udp');
    expect(screen.getByLabelText('Close sequence hit 2 port')).toHaveValue('7000');
    expect(fake.inputs('profiles:save')).toEqual([]);
  });

  it('says what is wrong with pasted text and keeps the rows', async () => {
    await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    await screen.findByRole('form', { name: 'Edit web' });
    type('Paste open sequence', '7000,80x');
    fireEvent.click(screen.getByRole('button', { name: 'Fill open sequence from pasted text' }));
    expect(screen.getByLabelText('Paste open sequence')).toHaveAccessibleDescription(
      'Paste open sequence: element 2 "80x": "80x" is not a port number',
    );
    expect(openPorts()).toEqual(['7000', '8000', '9000']);
  });

  it('moves hits up and down and removes them', async () => {
    await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    await screen.findByRole('form', { name: 'Edit web' });
    expect(screen.getByRole('button', { name: 'Move open sequence hit 1 up' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Move open sequence hit 3 down' })).toBeDisabled();
    fireEvent.click(screen.getByRole('button', { name: 'Move open sequence hit 1 down' }));
    expect(openPorts()).toEqual(['8000', '7000', '9000']);
    expect(protocolOf('Open', 1)).toBe('udp');
    fireEvent.click(screen.getByRole('button', { name: 'Move open sequence hit 3 up' }));
    expect(openPorts()).toEqual(['8000', '9000', '7000']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove open sequence hit 1' }));
    expect(openPorts()).toEqual(['9000', '7000']);
  });

  it('generates a random sequence of unpredictable, unprivileged, distinct ports', async () => {
    const { browser } = await renderApp(twoProfiles());
    await openNewProfile();
    fireEvent.click(screen.getByRole('button', { name: 'Generate random open sequence' }));
    const first = openPorts().map(Number);
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    for (const port of first) {
      expect(port).toBeGreaterThanOrEqual(1024);
      expect(port).toBeLessThanOrEqual(65535);
      expect(port).not.toBe(22);
    }
    expect(browser.deps.random).toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Generate random open sequence' }));
    expect(openPorts().map(Number)).not.toEqual(first);
  });

  it('generates as many hits as the sequence has when it has more than three', async () => {
    await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    await screen.findByRole('form', { name: 'Edit web' });
    fireEvent.click(screen.getByRole('button', { name: 'Add hit to open sequence' }));
    fireEvent.click(screen.getByRole('button', { name: 'Generate random open sequence' }));
    const ports = openPorts().map(Number);
    expect(ports).toHaveLength(4);
    // The close sequence's ports (9000, 7000) are avoided, and the protocols of the rows are kept.
    expect(ports).not.toContain(9000);
    expect(ports).not.toContain(7000);
    expect(protocolOf('Open', 2)).toBe('udp');
  });

  it('Cancel leaves the editor without saving', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openNewProfile();
    type('Name', 'zzz');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByRole('list', { name: 'Profiles' })).toBeInTheDocument();
    expect(fake.inputs('profiles:save')).toEqual([]);
  });
});

describe('Use with ssh, scp and git (the editor of a saved profile)', () => {
  it('shows the Host block, adds it to the ssh config and removes it again', async () => {
    const { fake } = await renderApp(twoProfiles());
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const form = await screen.findByRole('form', { name: 'Edit web' });
    const state = await within(form).findByRole('status', { name: 'ssh config state' });
    expect(state.textContent).toBe('Not in /home/user/.ssh/config yet.');
    const block = within(form).getByLabelText('Host block');
    expect(block.textContent).toMatch(/^Host web\n {4}HostName /);
    expect(block.textContent).toContain('ProxyCommand "/usr/bin/sesame" proxy --profile web %h %p');
    expect(within(form).getByRole('button', { name: 'Remove from ssh config' })).toHaveProperty(
      'disabled',
      true,
    );

    fireEvent.click(within(form).getByRole('button', { name: 'Add to ssh config' }));
    await waitFor(() =>
      expect(state.textContent).toMatch(/^In \/home\/user\/\.ssh\/config: ssh web/),
    );
    expect(fake.sshConfigText).toContain('Host web\n');
    expect(within(form).getByText('Wrote Host web to /home/user/.ssh/config.')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Add to ssh config' })).toHaveProperty(
      'disabled',
      true,
    );

    fireEvent.click(within(form).getByRole('button', { name: 'Remove from ssh config' }));
    await waitFor(() => expect(state.textContent).toBe('Not in /home/user/.ssh/config yet.'));
    expect(fake.sshConfigText).toBe('');
    expect(fake.inputs('sshConfig:add')).toEqual([{ id: fake.profiles[0]?.id }]);
  });

  it('offers to update an older block, and says unsaved edits are not in it', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.sshConfigText = 'Host x\n';
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const form = await screen.findByRole('form', { name: 'Edit web' });
    fireEvent.click(await within(form).findByRole('button', { name: 'Add to ssh config' }));
    await waitFor(() => expect(fake.sshConfigText).toContain('Host web'));
    fake.sshConfigText = fake.sshConfigText.replace('Port 22', 'Port 2200');
    fireEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const again = await screen.findByRole('form', { name: 'Edit web' });
    const update = await within(again).findByRole('button', { name: 'Update in ssh config' });
    expect(within(again).getByRole('status', { name: 'ssh config state' }).textContent).toMatch(
      /has an older block for web/,
    );
    type('SSH port', '2022');
    expect(within(again).getByText(/save your changes first/)).toBeTruthy();
    fireEvent.click(update);
    await waitFor(() => expect(fake.sshConfigText).toContain('    Port 22\n'));
    expect(fake.sshConfigText.startsWith('# >>> sesame managed')).toBe(true);
    expect(fake.sshConfigText.endsWith('Host x\n')).toBe(true);
  });

  it('says why a profile has no block, and shows a refused write', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.sshConfigText = 'Host web\n    User me\n';
    fireEvent.click(screen.getByRole('button', { name: 'Edit web' }));
    const form = await screen.findByRole('form', { name: 'Edit web' });
    fireEvent.click(await within(form).findByRole('button', { name: 'Add to ssh config' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toMatch(
      /Host web is already defined there, outside Sesame's section/,
    );
    expect(screen.queryByRole('form', { name: 'New profile' })).toBeNull();
  });

  it('is not offered for a new profile (nothing saved to point at yet)', async () => {
    await renderApp(twoProfiles());
    const form = await openNewProfile();
    expect(within(form).queryByText('Use with ssh, scp and git')).toBeNull();
  });
});
