import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from './render';

const KEY = 'a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=';
const HMAC = 'aG1hY2htYWNobWFjaG1hY2htYWNobWFjaG1hY2htYWM=';
const RC = `[gate]
SPA_SERVER 192.0.2.10
ACCESS tcp/22
ALLOW_IP source
KEY_BASE64 ${KEY}
HMAC_KEY_BASE64 ${HMAC}
`;

async function importRc() {
  const app = await renderApp([]);
  fireEvent.click(screen.getByRole('button', { name: 'Import & export' }));
  await screen.findByRole('heading', { name: 'Import & export' });
  fireEvent.click(screen.getByRole('radio', { name: '.fwknoprc (SPA)' }));
  fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: RC } });
  fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
  const preview = await screen.findByRole('region', { name: 'Import preview' });
  expect(preview).toHaveTextContent('gate on 192.0.2.10: open SPA tcp/22 (fwknopd udp/62201)');
  expect(app.fake.inputs('profiles:import')[0]).toMatchObject({ format: 'fwknoprc', dryRun: true });
  fireEvent.click(screen.getByRole('button', { name: 'Import 1 profile' }));
  await screen.findByRole('region', { name: 'Import result' });
  return app;
}

describe('SPA profiles in the app', () => {
  it('imports a .fwknoprc stanza as a profile that opens with SPA, shown so in the list', async () => {
    const { fake } = await importRc();
    expect(fake.profiles).toMatchObject([
      { name: 'gate', host: '192.0.2.10', spa: { key: { value: KEY }, hmacKey: HMAC } },
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Profiles' }));
    expect(await screen.findByText('SPA tcp/22 (fwknopd udp/62201)')).toBeInTheDocument();
    const close = screen.getByRole('button', { name: 'Close gate' });
    expect(close).toBeDisabled();
    expect(close).toHaveAttribute(
      'title',
      'fwknopd removes its rule by itself when its timeout ends',
    );
  });

  it('shows the SPA request in the editor, keys as dots, and keeps it on save', async () => {
    const { fake } = await importRc();
    fireEvent.click(screen.getByRole('button', { name: 'Profiles' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Edit gate' }));
    await screen.findByRole('form', { name: 'Edit gate' });
    const spa = screen.getByRole('group', { name: 'Open: SPA request' });
    expect(within(spa).getByLabelText('Access')).toHaveValue('tcp/22');
    expect(within(spa).getByLabelText('fwknopd port')).toHaveValue('62201');
    const key = within(spa).getByLabelText('Key');
    expect(key).toHaveAttribute('type', 'password');
    expect(within(spa).getByLabelText('HMAC key')).toHaveAttribute('type', 'password');
    expect(spa).not.toHaveTextContent(KEY);
    expect(screen.getByRole('radio', { name: 'SPA request (fwknop)' })).toBeChecked();
    expect(screen.queryByRole('list', { name: 'Open sequence hits' })).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    const saved = fake.inputs('profiles:save')[0]?.profile;
    expect(saved?.open).toBeUndefined();
    expect(saved?.spa).toMatchObject({ key: { value: KEY }, hmacKey: HMAC });
  });

  it('makes a new profile that opens with SPA, typed in the editor', async () => {
    const { fake } = await renderApp([]);
    fireEvent.click(screen.getByRole('button', { name: 'New profile' }));
    await screen.findByRole('form', { name: 'New profile' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'vault' } });
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: '192.0.2.20' } });
    fireEvent.click(screen.getByRole('radio', { name: 'SPA request (fwknop)' }));
    const spa = screen.getByRole('group', { name: 'Open: SPA request' });
    fireEvent.change(within(spa).getByLabelText('Access'), { target: { value: 'tcp/22,udp/53' } });
    fireEvent.change(within(spa).getByLabelText('Key'), { target: { value: KEY } });
    fireEvent.change(within(spa).getByLabelText('HMAC key'), { target: { value: HMAC } });
    fireEvent.change(within(spa).getByLabelText('HMAC digest'), { target: { value: 'sha512' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(fake.inputs('profiles:save')).toHaveLength(1));
    const saved = fake.inputs('profiles:save')[0]?.profile;
    expect(saved?.open).toBeUndefined();
    expect(saved?.spa).toEqual({
      access: [
        { protocol: 'tcp', port: 22 },
        { protocol: 'udp', port: 53 },
      ],
      port: 62201,
      key: { encoding: 'base64', value: KEY },
      hmacKey: HMAC,
      hmacDigest: 'sha512',
      digest: 'sha256',
    });
  });

  it('names the SPA field that is wrong and saves nothing', async () => {
    const { fake } = await renderApp([]);
    fireEvent.click(screen.getByRole('button', { name: 'New profile' }));
    await screen.findByRole('form', { name: 'New profile' });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'vault' } });
    fireEvent.change(screen.getByLabelText('Host'), { target: { value: '192.0.2.20' } });
    fireEvent.click(screen.getByRole('radio', { name: 'SPA request (fwknop)' }));
    const spa = screen.getByRole('group', { name: 'Open: SPA request' });
    fireEvent.change(within(spa).getByLabelText('Access'), { target: { value: 'tcp' } });
    fireEvent.change(within(spa).getByLabelText('Key'), { target: { value: 'not base64!' } });
    fireEvent.change(within(spa).getByLabelText('Address to allow'), {
      target: { value: '2001:db8::1' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save profile' }));
    expect(await within(spa).findByText(/access "tcp" is not PROTO\/PORT/)).toBeInTheDocument();
    expect(within(spa).getByText(/the key must be base64/)).toBeInTheDocument();
    expect(within(spa).getByText(/allow address must be an IPv4 address/)).toBeInTheDocument();
    expect(within(spa).getByLabelText('Key')).toHaveAttribute('aria-invalid', 'true');
    expect(fake.inputs('profiles:save')).toHaveLength(0);
  });
});
