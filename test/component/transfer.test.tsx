import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { profile, twoProfiles } from './fixtures';
import { renderApp } from './render';
import knockdConf from '../fixtures/knockd/debian-default.conf?raw';

async function openTransfer() {
  fireEvent.click(screen.getByRole('button', { name: 'Import & export' }));
  await screen.findByRole('heading', { name: 'Import & export' });
}

function importJson(): string {
  return JSON.stringify({
    version: 1,
    profiles: [profile({ id: 'x1', name: 'backup', host: 'backup.example.org' })],
  });
}

describe('import', () => {
  it('previews a JSON export, then imports exactly that', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openTransfer();
    const importButton = screen.getByRole('button', { name: 'Import' });
    expect(importButton).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: importJson() } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(preview).toHaveTextContent('Would import 1 profile');
    expect(preview).toHaveTextContent('backup on backup.example.org: open 7000,8000:udp,9000');
    expect(fake.inputs('profiles:import')).toEqual([
      { format: 'json', text: importJson(), replace: false, dryRun: true },
    ]);
    expect(fake.profiles).toHaveLength(2);

    fireEvent.click(screen.getByRole('button', { name: 'Import 1 profile' }));
    const result = await screen.findByRole('region', { name: 'Import result' });
    expect(result).toHaveTextContent('Imported 1 profile');
    expect(fake.inputs('profiles:import')[1]).toEqual({
      format: 'json',
      text: importJson(),
      replace: false,
      dryRun: false,
    });
    expect(fake.profiles.map((p) => p.name)).toEqual(['web', 'db', 'backup']);
  });

  it('asks for the host of a knockd.conf, then previews its doors and imports them', async () => {
    const { fake } = await renderApp([]);
    await openTransfer();
    fireEvent.click(screen.getByRole('radio', { name: 'knockd.conf' }));
    fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: knockdConf } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const host = screen.getByRole('textbox', { name: 'Host the doors are on' });
    expect(host).toHaveAccessibleDescription('Host: enter the host the knockd.conf doors are on');
    expect(fake.inputs('profiles:import')).toEqual([]);

    fireEvent.change(host, { target: { value: 'gw.example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(preview).toHaveTextContent('Would import 2 profiles');
    expect(preview).toHaveTextContent(
      'on gw.example.org: open 7000,8000,9000, close 9000,8000,7000',
    );
    expect(fake.inputs('profiles:import')[0]).toMatchObject({
      format: 'knockd',
      host: 'gw.example.org',
      dryRun: true,
    });

    fireEvent.click(screen.getByRole('button', { name: 'Import 2 profiles' }));
    await screen.findByRole('region', { name: 'Import result' });
    expect(fake.profiles.map((p) => p.host)).toEqual(['gw.example.org', 'gw.example.org']);
  });

  it('reads the file chosen with File.text() and picks the format from its name', async () => {
    const { fake } = await renderApp([]);
    await openTransfer();
    const file = new File([knockdConf], 'knockd.conf', { type: 'text/plain' });
    fireEvent.change(screen.getByLabelText('Read from a file'), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByLabelText('Text to import')).toHaveValue(knockdConf));
    expect(screen.getByRole('radio', { name: 'knockd.conf' })).toBeChecked();
    expect(fake.inputs('profiles:import')).toEqual([]);
  });

  it('needs a new preview after the text changes', async () => {
    await renderApp(twoProfiles());
    await openTransfer();
    fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: importJson() } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByRole('button', { name: 'Import 1 profile' });
    fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: '[]' } });
    expect(screen.getByRole('button', { name: 'Import' })).toBeDisabled();
    expect(screen.queryByRole('region', { name: 'Import preview' })).not.toBeInTheDocument();
  });

  it('shows a refused preview as an alert, and replaces on request', async () => {
    const { fake } = await renderApp(twoProfiles());
    await openTransfer();
    const clash = JSON.stringify([profile({ id: 'w2', name: 'web', host: 'new.example.org' })]);
    fireEvent.change(screen.getByLabelText('Text to import'), { target: { value: clash } });
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Preview failed: profile name already taken: "web"',
    );
    fireEvent.click(screen.getByRole('checkbox', { name: /Replace saved profiles/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    const preview = await screen.findByRole('region', { name: 'Import preview' });
    expect(preview).toHaveTextContent('Would import 1 profile, replacing web');
    fireEvent.click(screen.getByRole('button', { name: 'Import 1 profile' }));
    await screen.findByRole('region', { name: 'Import result' });
    expect(fake.profiles.find((p) => p.name === 'web')?.host).toBe('new.example.org');
  });
});

describe('export', () => {
  it('downloads the JSON as sesame-profiles.json and offers a copy', async () => {
    const { fake, browser } = await renderApp(twoProfiles());
    await openTransfer();
    fireEvent.click(screen.getByRole('button', { name: 'Export all profiles' }));
    await waitFor(() => expect(browser.deps.download).toHaveBeenCalledTimes(1));
    const [url, filename] = browser.deps.download.mock.calls[0] ?? [];
    expect(filename).toBe('sesame-profiles.json');
    const blob = browser.blobs.get(url ?? '');
    expect(blob?.type).toBe('application/json');
    const text = await blob?.text();
    expect(JSON.parse(text ?? '')).toEqual({
      format: 'sesame-profiles',
      version: 2,
      profiles: fake.profiles,
    });

    const link = screen.getByRole('link', { name: 'Save sesame-profiles.json' });
    expect(link).toHaveAttribute('href', url);
    expect(link).toHaveAttribute('download', 'sesame-profiles.json');
    expect(screen.getByRole('status')).toHaveTextContent('Exported 2 profiles.');
    expect(screen.getByRole('textbox', { name: 'Exported JSON' })).toHaveValue(text);

    fireEvent.click(screen.getByRole('button', { name: 'Copy JSON' }));
    await waitFor(() => expect(browser.deps.copyText).toHaveBeenCalledWith(text));
    expect(await screen.findByText(/JSON copied to the clipboard/)).toBeInTheDocument();
  });

  it('frees the old download URL when exporting again', async () => {
    const { browser } = await renderApp(twoProfiles());
    await openTransfer();
    fireEvent.click(screen.getByRole('button', { name: 'Export all profiles' }));
    await waitFor(() => expect(browser.deps.download).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByRole('button', { name: 'Export all profiles' }));
    await waitFor(() => expect(browser.deps.download).toHaveBeenCalledTimes(2));
    expect(browser.deps.revokeObjectURL).toHaveBeenCalledWith('blob:fake/1');
  });

  it('shows a refused export as an alert', async () => {
    const { fake } = await renderApp(twoProfiles());
    fake.failures.set('profiles:export', { code: 'locked', message: 'sequences are sealed' });
    await openTransfer();
    fireEvent.click(screen.getByRole('button', { name: 'Export all profiles' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Export failed: sequences are sealed');
    expect(within(alert.parentElement as HTMLElement).queryByRole('link')).not.toBeInTheDocument();
  });
});
