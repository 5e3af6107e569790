import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { safeStorageSealer } from '../../../electron/main/encryption';
import { headlessSealing } from '../../../electron/main/headless-sealing';
import { runHeadless } from '../../../electron/main/headless';
import { useCliSealing } from '../../../electron/cli/profile-lookup';
import { sealProfile } from '../../../electron/node/profile-sealing';
import { profileSchema } from '../../../shared/profile/profile';
import { FakeSafeStorage, app } from '../../mocks/electron';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sesame-headless-'));
  vi.stubEnv('SESAME_CONFIG_DIR', dir);
});
afterEach(() => {
  useCliSealing(undefined);
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

function writeSealedProfile() {
  const sealing = safeStorageSealer(new FakeSafeStorage(), 'linux');
  if (!sealing) throw new Error('no sealer');
  const profile = profileSchema.parse({
    id: 'lab',
    name: 'lab',
    host: '198.18.0.1',
    open: [{ port: 7113, protocol: 'udp' }],
  });
  fs.writeFileSync(
    path.join(dir, 'profiles.json'),
    JSON.stringify({ version: 2, profiles: [sealProfile(profile, sealing.sealer)] }),
  );
  return sealing;
}

function captureOutput() {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  return out;
}

describe('the app binary as the CLI (--cli, --server)', () => {
  it('runs the command after app ready and exits with its code', async () => {
    const out = captureOutput();
    const before = app.exitCodes.length;
    await runHeadless(app, ['check-config', path.join(dir, 'missing.conf')], () => undefined);
    expect(app.exitCodes.slice(before)).toEqual([1]);
    expect(out.join('')).toMatch(/missing\.conf/);
  });

  it('reads profiles the app sealed, which the plain CLI cannot', async () => {
    const sealing = writeSealedProfile();
    const out = captureOutput();
    await runHeadless(app, ['profiles', 'show', 'lab'], () => undefined);
    expect(app.exitCodes.at(-1)).toBe(1);
    expect(out.join('')).toMatch(/encrypted by the Sesame app/);
    out.length = 0;
    await runHeadless(app, ['profiles', 'show', 'lab'], () =>
      headlessSealing(sealing, { read: () => undefined }),
    );
    expect(app.exitCodes.at(-1)).toBe(0);
    expect(out.join('')).toMatch(/7113/);
  });

  it('seals what it writes only with a real keyring and encryption on', () => {
    const sealing = safeStorageSealer(new FakeSafeStorage(), 'linux');
    expect(headlessSealing(sealing, { read: () => undefined })?.sealWrites()).toBe(true);
    expect(
      headlessSealing(sealing, { read: () => ({ encryptSequences: false }) })?.sealWrites(),
    ).toBe(false);
    const weak = new FakeSafeStorage();
    weak.backend = 'basic_text';
    expect(
      headlessSealing(safeStorageSealer(weak, 'linux'), { read: () => undefined })?.sealWrites(),
    ).toBe(false);
    expect(headlessSealing(undefined, { read: () => undefined })).toBeUndefined();
  });
});
