import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knockCommand, type ProfileLookup } from '../../../electron/cli/knock';
import type { RotatingClock } from '../../../electron/cli/knock-rotating';
import { runCli } from '../../../electron/cli/main';
import { parseProvisioningUri } from '../../../shared/rotating/uri';
import { decodeBase32 } from '../../../shared/rotating/base32';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const folder = mkdtempSync(path.join(tmpdir(), 'sesame-rotating-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function secretFile(name: string, text: string, mode = 0o600): string {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  chmodSync(file, mode);
  return file;
}

const vectors = secretFile('vectors.secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n');

async function cli(...args: string[]) {
  const c = capture();
  const code = await runCli(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('sesame rotating show', () => {
  it('prints the spec vectors in knockd syntax', async () => {
    expect(
      await cli(
        'rotating',
        'show',
        '--secret-file',
        vectors,
        '--label',
        'open',
        '--at',
        '1767225600',
      ),
    ).toEqual({ code: 0, out: '12066,11448,27804,27932\n', err: '' });
    const mixed = await cli(
      'rotating',
      'show',
      '--secret-file',
      vectors,
      '--label',
      'ssh',
      '--protocols',
      'mixed',
      '--at',
      '1767225600',
    );
    expect(mixed.out).toBe('17734,20523:udp,28906:udp,13397\n');
  });

  it('refuses a secret file that group or others can read, naming the file and the fix', async () => {
    const open = secretFile('open.secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n', 0o640);
    const result = await cli('rotating', 'show', '--secret-file', open, '--label', 'a');
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      `sesame: rotating secret file ${open} has mode 0640: group and others must have no access (chmod 600 ${open})\n`,
    );
  });

  it('refuses a short or garbled secret and bad parameters', async () => {
    const short = secretFile('short.secret', 'JBSWY3DPEHPK3PXP\n');
    expect((await cli('rotating', 'show', '--secret-file', short, '--label', 'a')).err).toBe(
      `sesame: rotating secret file ${short}: the secret has 80 bits; it needs at least 160\n`,
    );
    const bad = await cli(
      'rotating',
      'show',
      '--secret-file',
      vectors,
      '--label',
      'a',
      '--ports',
      '80-90',
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(
      /^sesame: rotating show: --ports: port range "80-90" must lie within 1024-65535/,
    );
    expect((await cli('rotating', 'show', '--secret-file', vectors)).err).toMatch(
      /--label NAME is required/,
    );
    expect(
      (await cli('rotating', 'show', '--secret-file', vectors, '--label', 'a', '--at', 'noon')).err,
    ).toMatch(/--at "noon" is not a unix time/);
  });
});

describe('sesame rotating new', () => {
  it('writes a 0600 secret, a door for the server and a URI holding that secret', async () => {
    const out = path.join(folder, 'new.secret');
    const result = await cli(
      'rotating',
      'new',
      '--label',
      'ssh',
      '--out',
      out,
      '--host',
      'gate.example.org',
      '--step',
      '60',
    );
    expect(result.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(result.out).toContain(`[ssh]\n    Rotating_Secret_File = ${out}\n`);
    expect(result.out).toContain('Rotating_Step        = 60\n');
    const uri = result.out.split('\n').find((line) => line.startsWith('sesame://')) ?? '';
    const parsed = parseProvisioningUri(uri);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value).toMatchObject({
      label: 'ssh',
      host: 'gate.example.org',
      params: { stepSeconds: 60 },
    });
    expect(decodeBase32(readFileSync(out, 'utf8'))).toEqual({
      ok: true,
      value: parsed.value.secret,
    });
    expect(parsed.value.secret).toHaveLength(32);
    // Never replaces a secret.
    const again = await cli('rotating', 'new', '--out', out);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/exists already/);
  });
});

const noProfiles: ProfileLookup = (name) =>
  Promise.resolve({ ok: false, error: `no profile named "${name}"` });

/** A clock at a fixed time that records its sleeps and moves on by them. */
function fakeClock(startMs: number) {
  let now = startMs;
  const sleeps: number[] = [];
  const clock: RotatingClock = {
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
  return { clock, sleeps };
}

async function knockAt(startMs: number, ...extra: string[]) {
  const { clock, sleeps } = fakeClock(startMs);
  const c = capture();
  const args = [
    '-v',
    '--secret-file',
    vectors,
    '--label',
    'open',
    '--protocols',
    'udp',
    ...extra,
    '127.0.0.1',
  ];
  const code = await knockCommand(noProfiles, undefined, clock)(args, c.io);
  return { code, out: c.out(), err: c.err(), sleeps };
}

const hits = (sequence: string) =>
  sequence
    .split(',')
    .map((k) => `hitting udp 127.0.0.1:${k.replace(':udp', '')}\n`)
    .join('');

describe('sesame knock --secret-file', () => {
  it('sends the current step sequence (mid-step: no wait)', async () => {
    const result = await knockAt(1767225610_000);
    expect(result).toMatchObject({ code: 0, err: '', sleeps: [] });
    const shown = await cli(
      'rotating',
      'show',
      '--secret-file',
      vectors,
      '--label',
      'open',
      '--protocols',
      'udp',
      '--at',
      '1767225610',
    );
    expect(result.out).toBe(hits(shown.out.trim()));
  });

  it('waits for the next step when the knock would cross the boundary, then sends that step', async () => {
    const result = await knockAt(1767225629_500);
    expect(result.sleeps).toEqual([1500]);
    const next = await cli(
      'rotating',
      'show',
      '--secret-file',
      vectors,
      '--label',
      'open',
      '--protocols',
      'udp',
      '--at',
      '1767225630',
    );
    expect(result.out).toBe(
      `waiting 1500 ms: the knock would cross a step boundary\n${hits(next.out.trim())}`,
    );
  });

  it('waits just after a boundary too', async () => {
    expect((await knockAt(1767225630_200)).sleeps).toEqual([800]);
  });

  it('refuses ports, -u and --profile with --secret-file, and a knock longer than a step', async () => {
    const c = capture();
    const knock = knockCommand(noProfiles);
    await expect(
      knock(['--secret-file', vectors, '--label', 'a', 'h', '7000'], c.io),
    ).rejects.toThrow(/takes one HOST and no PORT/);
    await expect(
      knock(['-u', '--secret-file', vectors, '--label', 'a', 'h'], c.io),
    ).rejects.toThrow(/--udp cannot be combined with --secret-file/);
    await expect(
      knock(['--secret-file', vectors, '--label', 'a', '-d', '9000', 'h'], c.io),
    ).rejects.toThrow(/too long for a step of 30 s/);
  });
});

describe('sesame check-config with rotating doors', () => {
  it('checks the secret file and says that knockd would refuse the keys', async () => {
    const conf = path.join(folder, 'rot.conf');
    writeFileSync(conf, `[ssh]\n  rotating_secret_file = ${vectors}\n  command = true\n`);
    const good = await cli('check-config', conf);
    expect(good.code).toBe(0);
    expect(good.out).toBe(
      `${conf}: OK, 1 door(s): ssh\nnote: ssh: rotating door(s) (Rotating_* keys). sesame server reads them; knockd itself would refuse these keys ("syntax error"): for knockd, render its knockd.conf with sesame knockd-rotate --template FILE\n`,
    );
    const open = secretFile('group.secret', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n', 0o604);
    writeFileSync(conf, `[ssh]\n  rotating_secret_file = ${open}\n  command = true\n`);
    const bad = await cli('check-config', conf);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(
      `config: section ssh: rotating secret file ${open} has mode 0604: group and others must have no access (chmod 600 ${open}) (in ${conf}, line 1)\n`,
    );
    writeFileSync(conf, `[ssh]\n  rotating_secret_file = ${vectors}\n  rotating_step = 1\n`);
    expect((await cli('check-config', conf)).err).toBe(
      `config: line 3: Rotating_Step: step "1" is not a whole number of seconds from 10 to 86400 (in ${conf})\n`,
    );
  });
});
