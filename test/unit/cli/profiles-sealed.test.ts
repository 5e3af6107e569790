import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { cliLockedMessage, fakeSealer, sealingStore } from '../node/sealed-fakes';
import { addWeb, root, sesame, stored, storeFile, useTempConfig } from './profiles-helpers';

useTempConfig();

const vault = {
  name: 'vault',
  host: 'vault.example.com',
  open: [{ port: 7111, protocol: 'tcp' as const }],
  close: [{ port: 9333, protocol: 'udp' as const }],
};

/** The app (with its sealer, "Encrypt sequences" on) saves "vault"; the CLI then adds "web". */
async function appSealsVault() {
  const logs: string[] = [];
  const { sealer } = fakeSealer();
  const app = sealingStore(storeFile, logs, { sealer, sealWrites: () => true });
  const added = app.add(vault);
  if (!added.ok) throw new Error(added.error.message);
  expect((await addWeb()).code).toBe(0);
  return app;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
  const code = await runCli(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

const refusal = `sesame: ${cliLockedMessage('vault')}\n`;

describe('sesame with profiles the app encrypted', () => {
  it('knock --profile and ssh say why they cannot use one, and send nothing', async () => {
    await appSealsVault();
    expect(await run('knock', '--profile', 'vault')).toEqual({ code: 1, out: '', err: refusal });
    expect(await run('knock', '--profile', 'VAULT', '--close')).toEqual({
      code: 1,
      out: '',
      err: refusal,
    });
    expect(await run('ssh', '--dry-run', 'vault')).toEqual({ code: 1, out: '', err: refusal });
    expect((await run('knock', '--profile', 'ghost')).err).toBe(
      'sesame: no profile named "ghost"\n',
    );
  });

  it('profiles show and edit refuse it with the same message; the file is unchanged', async () => {
    await appSealsVault();
    const before = stored();
    expect(await sesame('show', 'vault')).toEqual({ code: 1, out: '', err: refusal });
    expect(await sesame('show', 'vault', '--json')).toEqual({ code: 1, out: '', err: refusal });
    expect(await sesame('edit', 'vault', '--host', 'x.example.com')).toEqual({
      code: 1,
      out: '',
      err: refusal,
    });
    expect(stored()).toBe(before);
    expect((await sesame('show', 'web')).code).toBe(0);
  });

  it('profiles list marks it, and list --json leaves it out with a note', async () => {
    await appSealsVault();
    expect(await sesame('list')).toEqual({
      code: 0,
      err: '',
      out: [
        'NAME   HOST               OPEN                    CLOSE',
        'web    web.example.com    7000,8000:udp,9000      -',
        'vault  vault.example.com  (encrypted by the app)',
        '',
      ].join('\n'),
    });
    const json = await sesame('list', '--json');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.out) as { name: string }[]).map((p) => p.name)).toEqual(['web']);
    expect(json.err).toBe(`sesame: note: left out: ${cliLockedMessage('vault')}\n`);
  });

  it('profiles export writes the readable ones, names the one left out, and exits 1', async () => {
    await appSealsVault();
    const file = join(root, 'export.json');
    const result = await sesame('export', file);
    expect(result).toEqual({
      code: 1,
      out: `exported 1 profiles to ${file}\n`,
      err: `sesame: not exported: ${cliLockedMessage('vault')}\n`,
    });
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { name: string }[] };
    expect(exported.profiles.map((p) => p.name)).toEqual(['web']);
    expect(JSON.stringify(exported)).not.toContain('sealed');
  });

  it('keeps its name taken, removes it, and notes that profiles added here are plain', async () => {
    const app = await appSealsVault();
    const clash = await sesame('add', '--name', 'Vault', '--host', 'h', '--open', '1');
    expect(clash).toEqual({
      code: 1,
      out: '',
      err: 'sesame: profile name already taken: "vault"\n',
    });
    const sealedBefore = JSON.stringify(readRecords()[0]);
    const added = await sesame('add', '--name', 'db', '--host', 'db.example.com', '--open', '5');
    expect(added.code).toBe(0);
    expect(added.err).toBe(
      'sesame: note: the sequences of "db" are saved in plain text (this sesame cannot encrypt them) until the Sesame app saves the profiles again.\n',
    );
    expect(JSON.stringify(readRecords()[0])).toBe(sealedBefore);
    expect(app.load()).toMatchObject({
      ok: true,
      profiles: [{ name: 'vault', close: vault.close }, { name: 'web' }, { name: 'db' }],
    });
    expect(await sesame('remove', 'VAULT')).toEqual({
      code: 0,
      out: 'removed profile "vault"\n',
      err: '',
    });
    expect(readRecords().map((r) => r.name)).toEqual(['web', 'db']);
  });
});

function readRecords() {
  return (JSON.parse(stored() ?? '') as { profiles: Record<string, unknown>[] }).profiles;
}

describe('a rotating profile the app encrypted', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('keeps the secret out of the file, reads back whole in the app, and is locked for this CLI', async () => {
    const logs: string[] = [];
    const { sealer } = fakeSealer();
    const app = sealingStore(storeFile, logs, { sealer, sealWrites: () => true });
    const added = app.add({
      name: 'gate',
      host: 'gate.example.com',
      open: { secret, label: 'open' },
      close: { secret, label: 'close', stepSeconds: 60 },
    });
    expect(added.ok).toBe(true);
    expect(stored()).not.toContain(secret);
    expect(stored()).not.toContain('"label"');
    const again = sealingStore(storeFile, logs, { sealer, sealWrites: () => true });
    expect(again.load().ok).toBe(true);
    expect(again.list()[0]).toMatchObject({
      open: { secret, label: 'open', stepSeconds: 30 },
      close: { secret, label: 'close', stepSeconds: 60 },
    });
    expect(await run('knock', '--profile', 'gate')).toEqual({
      code: 1,
      out: '',
      err: `sesame: ${cliLockedMessage('gate')}\n`,
    });
  });
});
