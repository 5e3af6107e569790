// electron-builder.config.ts checked with electron-builder's own code: its loader and JSON schema,
// its fuse mapping applied to a stand-in binary, and its Linux desktop-entry and deb/rpm defaults.
// The installers themselves need Electron's download and cannot be built here (docs/packaging.md).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flipFuses, getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { PlatformPackager } from 'app-builder-lib';
import type { Configuration } from 'app-builder-lib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import FpmTarget from 'app-builder-lib/out/targets/FpmTarget';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper';
import type { LinuxPackager } from 'app-builder-lib/out/linuxPackager';
import { DebugLogger } from 'builder-util';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../../electron-builder.config';
import { fakeLinuxPackager } from './linux-packager-fake';

const root = process.cwd();
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  name: string;
  description: string;
  desktopName: string;
};

const work = mkdtempSync(join(tmpdir(), 'sesame-builder-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('electron-builder.config.ts', () => {
  it('loads through electron-builder and passes its schema', async () => {
    const loaded = await getConfig(root, 'electron-builder.config.ts', null);
    expect(loaded.appId).toBe(config.appId);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('fails the schema on a misspelt key, so the check above is real', async () => {
    // electron-builder's message names the section (configuration.linux), not the key itself.
    const bad = { ...config, linux: { ...config.linux, categroy: 'Network' } } as Configuration;
    await expect(validateConfiguration(bad, new DebugLogger(false))).rejects.toThrow(
      /configuration\.linux/,
    );
    const badRoot = { ...config, appID: 'org.example' } as Configuration;
    await expect(validateConfiguration(badRoot, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('builds AppImage, deb and rpm, a dmg and an nsis installer', () => {
    expect(config.productName).toBe('Sesame');
    expect(config.linux?.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }]);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
  });

  it("keeps electron-builder's deb and rpm dependencies and adds libpcap", () => {
    const defaults = (target: string) =>
      (
        FpmTarget.prototype as unknown as { getDefaultDepends: (t: string) => string[] }
      ).getDefaultDepends(target);
    expect(config.deb?.depends).toEqual([...defaults('deb'), 'libpcap0.8 | libpcap0.8t64']);
    expect(config.rpm?.depends).toEqual([...defaults('rpm'), 'libpcap']);
  });

  it('rebuilds the native modules for Electron and unpacks them from the asar', () => {
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/sesame-capture/**',
        '**/node_modules/raw-socket/**',
        '**/*.node',
      ]),
    );
  });

  it('names only files that exist (icons, resources, install scripts)', () => {
    const resources = [
      config.extraResources,
      config.linux?.extraResources,
      config.mac?.extraResources,
      config.win?.extraResources,
    ]
      .flat()
      .map((r) => (typeof r === 'object' && r !== null && 'from' in r ? r.from : r))
      .filter((from): from is string => typeof from === 'string');
    const paths = [
      config.linux?.icon,
      config.mac?.icon,
      config.win?.icon,
      config.deb?.afterInstall,
      config.deb?.afterRemove,
      config.rpm?.afterInstall,
      config.rpm?.afterRemove,
      ...resources,
      'build/bin/sesame',
      'build/bin/sesame.cmd',
    ];
    for (const path of paths) {
      expect(path, 'a path in electron-builder.config.ts').toBeTypeOf('string');
      expect(existsSync(join(root, path ?? '')), `${path ?? ''} exists`).toBe(true);
    }
    expect(() => {
      accessSync(join(root, 'build/bin/sesame'), constants.X_OK);
    }, 'build/bin/sesame is executable').not.toThrow();
  });

  it('flips the fuses the design asks for on an Electron binary', async () => {
    // A stand-in binary: Electron's fuse sentinel, wire version 1, eight fuses as Electron ships
    // them (RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on, asar integrity
    // off, only-asar off, browser V8 snapshot off, file:// privileges on).
    const binary = join(work, 'electron');
    const wire = Buffer.from('10110001', 'latin1');
    writeFileSync(
      binary,
      Buffer.concat([
        Buffer.alloc(64, 7),
        Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX', 'latin1'),
        Buffer.from([1, wire.length]),
        wire,
        Buffer.alloc(64, 7),
      ]),
    );
    const toFuseConfig = (
      PlatformPackager.prototype as unknown as {
        generateFuseConfig: (
          fuses: Configuration['electronFuses'],
        ) => Promise<Parameters<typeof flipFuses>[1]>;
      }
    ).generateFuseConfig;
    await flipFuses(binary, await toFuseConfig(config.electronFuses));
    const fuses = await getCurrentFuseWire(binary);
    const on = 0x31;
    const off = 0x30;
    expect({
      runAsNode: fuses[FuseV1Options.RunAsNode],
      cookieEncryption: fuses[FuseV1Options.EnableCookieEncryption],
      nodeOptions: fuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: fuses[FuseV1Options.EnableNodeCliInspectArguments],
      asarIntegrity: fuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyAsar: fuses[FuseV1Options.OnlyLoadAppFromAsar],
      browserSnapshot: fuses[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot],
      fileProtocol: fuses[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      runAsNode: off,
      cookieEncryption: on,
      nodeOptions: off,
      inspect: off,
      asarIntegrity: on,
      onlyAsar: on,
      browserSnapshot: off, // untouched
      fileProtocol: off, // the renderer comes from the app's own scheme, never file://
    });
  });

  it('writes the desktop entry the menus need', async () => {
    const packager = fakeLinuxPackager(config, pkg, work) as unknown as LinuxPackager;
    const entry = await new LinuxTargetHelper(packager).computeDesktopEntry(config.linux ?? {});
    const keys = Object.fromEntries(
      entry
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(keys).toMatchObject({
      Name: 'Sesame',
      Comment: pkg.description,
      Exec: '/opt/Sesame/sesame %U',
      Icon: 'sesame',
      StartupWMClass: pkg.desktopName.replace(/\.desktop$/, ''),
      Categories: 'Network;',
      Type: 'Application',
      Terminal: 'false',
      // sesame://rotating links open the app (with the link in its argv: Exec's %U).
      MimeType: 'x-scheme-handler/sesame;',
    });
  });

  it('expands the deb/rpm install scripts to valid bash with no macro left', async () => {
    for (const target of ['deb', 'rpm']) {
      const packager = fakeLinuxPackager(config, pkg, work) as unknown as LinuxPackager;
      const fpm = new FpmTarget(target, packager, new LinuxTargetHelper(packager), work);
      const scripts = await (fpm as unknown as { scriptFiles: Promise<Record<string, string>> })
        .scriptFiles;
      for (const name of ['afterInstall', 'afterRemove'] as const) {
        const text = await readFile(scripts[name] ?? '', 'utf8');
        expect(text, `${target} ${name}`).toContain("'/opt/Sesame/");
        expect(text, `${target} ${name}`).not.toMatch(/\$\{[A-Za-z]+\}/);
        const check = spawnSync('bash', ['-n', scripts[name] ?? ''], { encoding: 'utf8' });
        expect(check.stderr, `${target} ${name}: bash -n`).toBe('');
        expect(check.status).toBe(0);
      }
    }
  });
});
