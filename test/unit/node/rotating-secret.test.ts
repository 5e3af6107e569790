import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSecretFile, writeSecretFile } from '../../../electron/node/rotating-secret';

const folder = mkdtempSync(path.join(tmpdir(), 'sesame-secret-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const me = { uid: process.getuid?.() };

function file(name: string, text: string, mode = 0o600): string {
  const where = path.join(folder, name);
  writeFileSync(where, text);
  chmodSync(where, mode);
  return where;
}

describe.runIf(me.uid !== undefined)('readSecretFile', () => {
  it('reads a 0600 file of this user, base32 with spaces and a line break', () => {
    const secret = file('ok.secret', 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP\n');
    const read = readSecretFile(secret, me);
    expect(read.ok && Buffer.from(read.value).toString('hex')).toBe(
      Buffer.from('Hello!\xde\xad\xbe\xefHello!\xde\xad\xbe\xef', 'latin1').toString('hex'),
    );
    expect(
      readSecretFile(file('ro.secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 0o400), me).ok,
    ).toBe(true);
  });

  it('refuses another owner, any group or other bit, a folder, a big file, a missing file', () => {
    const secret = file('theirs.secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n');
    expect(readSecretFile(secret, { uid: 4242 })).toEqual({
      ok: false,
      error: `rotating secret file ${secret} is owned by uid ${statSync(secret).uid}, not by this user (uid 4242): chown it`,
    });
    for (const mode of [0o604, 0o620, 0o601, 0o640]) {
      const open = file(
        `mode-${mode.toString(8)}.secret`,
        'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        mode,
      );
      expect(readSecretFile(open, me).ok).toBe(false);
    }
    const dir = path.join(folder, 'dir.secret');
    mkdirSync(dir, { mode: 0o700 });
    expect(readSecretFile(dir, me)).toEqual({
      ok: false,
      error: `rotating secret file ${dir} is not a regular file`,
    });
    const big = file('big.secret', 'A'.repeat(5000));
    expect(readSecretFile(big, me)).toEqual({
      ok: false,
      error: `rotating secret file ${big} is larger than 4096 bytes`,
    });
    const missing = path.join(folder, 'missing.secret');
    expect(readSecretFile(missing, me)).toEqual({
      ok: false,
      error: `cannot read rotating secret file ${missing}: ENOENT`,
    });
  });

  it('writes a new file 0600 whatever the umask, and never over an existing one', () => {
    const out = path.join(folder, 'new.secret');
    const old = process.umask(0o022);
    try {
      expect(writeSecretFile(out, new Uint8Array(32))).toEqual({ ok: true, value: undefined });
    } finally {
      process.umask(old);
    }
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readSecretFile(out, me)).toEqual({ ok: true, value: new Uint8Array(32) });
    expect(writeSecretFile(out, new Uint8Array(32))).toMatchObject({ ok: false });
  });
});
