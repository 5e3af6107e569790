// The `sesame` command of the desktop installs (build/bin/sesame): run through the links and
// folders each package lays out, with a stand-in app binary that prints its arguments. As root,
// the deb/rpm install scripts (as electron-builder expands them) run in a private mount namespace
// over a stand-in /opt/Sesame and /usr/bin.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import type { LinuxPackager } from 'app-builder-lib/out/linuxPackager';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../../electron-builder.config';
import { describeRoot } from '../../support/root';
import { fakeLinuxPackager, type PackageFields } from './linux-packager-fake';

const wrapper = join(process.cwd(), 'build/bin/sesame');
const work = mkdtempSync(join(tmpdir(), 'sesame-wrapper-'));
chmodSync(work, 0o755);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A stand-in app binary: prints each argument on its own line and exits 3. */
const FAKE_APP = '#!/bin/sh\nfor a in "$@"; do printf \'%s\\n\' "$a"; done\nexit 3\n';

function put(path: string, text: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, mode);
}

/** Lays out an installed app under `base` the way the deb/rpm (linux) or the dmg (mac) does. */
function install(base: string, layout: 'linux' | 'mac'): string {
  const resources =
    layout === 'linux'
      ? join(base, 'opt/Sesame/resources')
      : join(base, 'Sesame.app/Contents/Resources');
  put(
    layout === 'linux'
      ? join(base, 'opt/Sesame/sesame')
      : join(base, 'Sesame.app/Contents/MacOS/Sesame'),
    FAKE_APP,
    0o755,
  );
  mkdirSync(join(resources, 'bin'), { recursive: true });
  copyFileSync(wrapper, join(resources, 'bin/sesame'));
  chmodSync(join(resources, 'bin/sesame'), 0o755);
  return join(resources, 'bin/sesame');
}

function run(command: string, args: string[]) {
  return spawnSync(command, args, { encoding: 'utf8' });
}

describe('build/bin/sesame', () => {
  const args = ['knock', '-v', 'host with space', '7000:udp', ''];

  it('runs /opt/Sesame/sesame --cli with every argument, through the /usr/bin link', () => {
    const base = join(work, 'linux');
    const cli = install(base, 'linux');
    mkdirSync(join(base, 'usr/bin'), { recursive: true });
    symlinkSync(cli, join(base, 'usr/bin/sesame'));
    const result = run(join(base, 'usr/bin/sesame'), args);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(['--cli', ...args].map((a) => `${a}\n`).join(''));
    expect(result.status).toBe(3);
  });

  it('follows a chain of relative links', () => {
    const base = join(work, 'relative');
    install(base, 'linux');
    mkdirSync(join(base, 'bin'), { recursive: true });
    symlinkSync('../opt/Sesame/resources/bin/sesame', join(base, 'bin/sesame-1'));
    symlinkSync('sesame-1', join(base, 'bin/sesame'));
    const result = run(join(base, 'bin/sesame'), ['version']);
    expect(result.stdout).toBe('--cli\nversion\n');
    expect(result.status).toBe(3);
  });

  it('finds Sesame.app/Contents/MacOS/Sesame from Contents/Resources/bin', () => {
    const cli = install(join(work, 'mac'), 'mac');
    const result = run(cli, ['probe', 'example.org', '22']);
    expect(result.stdout).toBe('--cli\nprobe\nexample.org\n22\n');
    expect(result.status).toBe(3);
  });

  it('says where it looked and exits 127 when the app binary is missing', () => {
    const base = join(work, 'lonely');
    put(join(base, 'resources/bin/sesame'), readFileSync(wrapper, 'utf8'), 0o755);
    const result = run(join(base, 'resources/bin/sesame'), ['help']);
    expect(result.status).toBe(127);
    expect(result.stderr).toContain(
      `cannot find the Sesame app binary next to ${join(base, 'resources')}`,
    );
  });
});

describe('build/bin/sesame.cmd', () => {
  const text = readFileSync(join(process.cwd(), 'build/bin/sesame.cmd'), 'latin1');

  it('runs Sesame.exe two folders up with --cli and passes its exit code on', () => {
    expect(text).toContain('set "app=%~dp0..\\..\\Sesame.exe"');
    expect(text).toContain('"%app%" --cli %*');
    expect(text).toContain('exit /b %ERRORLEVEL%');
  });

  it('keeps CRLF line endings, as cmd.exe expects', () => {
    expect(
      text
        .split('\n')
        .slice(0, -1)
        .every((line) => line.endsWith('\r')),
    ).toBe(true);
  });
});

const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as PackageFields;

/** The deb's install scripts as electron-builder writes them into the package. */
async function expandedScripts(): Promise<{ afterInstall: string; afterRemove: string }> {
  const packager = fakeLinuxPackager(config, pkg, work) as unknown as LinuxPackager;
  const fpm = new FpmTarget('deb', packager, new LinuxTargetHelper(packager), work);
  const files = await (fpm as unknown as { scriptFiles: Promise<Record<string, string>> })
    .scriptFiles;
  return { afterInstall: files.afterInstall ?? '', afterRemove: files.afterRemove ?? '' };
}

describeRoot(
  'deb/rpm install scripts (root: mount namespace)',
  { commands: ['unshare', 'mount'] },
  () => {
    it('link /usr/bin/sesame to the CLI, set up chrome-sandbox, and remove the link again', async () => {
      const scripts = await expandedScripts();
      const fake = join(work, 'root');
      install(fake, 'linux');
      chmodSync(join(fake, 'opt/Sesame/resources/bin/sesame'), 0o644); // the script makes it executable
      put(join(fake, 'opt/Sesame/chrome-sandbox'), '', 0o644);
      mkdirSync(join(fake, 'upper'), { recursive: true });
      mkdirSync(join(fake, 'overlay-work'), { recursive: true });
      // Everything below happens in a private mount namespace: /opt is the stand-in tree and
      // /usr/bin an overlay whose changes land in $fake/upper, so the host's /usr/bin is untouched.
      const steps = `
      set -e
      mount --bind '${fake}/opt' /opt
      mount -t overlay overlay -o lowerdir=/usr/bin,upperdir='${fake}/upper',workdir='${fake}/overlay-work' /usr/bin
      bash '${scripts.afterInstall}' configure
      echo "link=$(readlink /usr/bin/sesame)"
      set +e; /usr/bin/sesame knock 'a b' 7000; echo "status=$?"; set -e
      bash '${scripts.afterRemove}' upgrade 0.2.0
      echo "after-upgrade=$(readlink /usr/bin/sesame)"
      bash '${scripts.afterRemove}' remove
      if [ -e /usr/bin/sesame ] || [ -L /usr/bin/sesame ]; then echo removed=no; else echo removed=yes; fi
    `;
      const result = spawnSync(
        'unshare',
        ['--mount', '--propagation', 'private', 'bash', '-c', steps],
        {
          encoding: 'utf8',
        },
      );
      expect(result.stderr).toBe('');
      expect(result.stdout.split('\n')).toEqual([
        'link=/opt/Sesame/resources/bin/sesame',
        '--cli',
        'knock',
        'a b',
        '7000',
        'status=3',
        'after-upgrade=/opt/Sesame/resources/bin/sesame',
        'removed=yes',
        '',
      ]);
      const userns =
        spawnSync('runuser', ['-u', 'nobody', '--', 'unshare', '--user', 'true']).status === 0;
      expect(statSync(join(fake, 'opt/Sesame/chrome-sandbox')).mode & 0o7777).toBe(
        userns ? 0o755 : 0o4755,
      );
    });
  },
);
