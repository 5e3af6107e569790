// The npm package (`npm pack`, then `npm install -g sesame-<version>.tgz` on a server): what it holds,
// and that its `sesame` bin needs nothing from node_modules that `npm install -g` would not bring.
// npm pack runs on a copy of the project with a freshly built CLI, so the result does not depend
// on what an earlier build left in out/ (out/renderer and a source map are put in the copy to show
// that they stay out).
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../support/cli';

const run = promisify(execFile);
const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  optionalDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
};

/** Top-level entries never copied: installed or built things, and the repository's metadata. */
const SKIP = new Set([
  'node_modules',
  'out',
  'dist',
  '.git',
  'release',
  'coverage',
  'test-results',
]);

let stage = '';
let cli = '';
/** The built CLI's files: sesame.js and the chunks it loads (build-cli.mjs splits the bundle). */
let cliFiles: string[] = [];
beforeAll(async () => {
  cli = await buildCli();
  stage = mkdtempSync(join(tmpdir(), 'sesame-pack-'));
  cpSync(root, stage, {
    recursive: true,
    filter: (source) => {
      const top = relative(root, source).split('/')[0] ?? '';
      return !SKIP.has(top) && !relative(root, source).startsWith('.ci/node');
    },
  });
  mkdirSync(join(stage, 'out/cli'), { recursive: true });
  mkdirSync(join(stage, 'out/main'), { recursive: true });
  mkdirSync(join(stage, 'out/renderer'), { recursive: true });
  cliFiles = readdirSync(dirname(cli)).filter((f) => f.endsWith('.js'));
  for (const file of cliFiles) cpSync(join(dirname(cli), file), join(stage, 'out/cli', file));
  writeFileSync(join(stage, 'out/cli/sesame.js.map'), '{}');
  writeFileSync(join(stage, 'out/main/index.js'), '');
  writeFileSync(join(stage, 'out/renderer/index.html'), '');
  // What npm install makes of the file: dependency, so that the pack bundles the capture addon.
  mkdirSync(join(stage, 'node_modules'));
  symlinkSync('../native/capture', join(stage, 'node_modules/sesame-capture'));
}, 60_000);
afterAll(() => {
  if (stage) rmSync(stage, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('holds the built CLI, the systemd unit, the server guide, README, LICENSE and package.json only', async () => {
    // npm always packs the `main` file too: the Electron entry, a few kB the CLI never loads.
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: stage,
    });
    const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    expect(report.files.map((f) => f.path).sort()).toEqual(
      [
        'LICENSE',
        'README.md',
        'build/sesame-knockd-rotate.service',
        'build/sesame-server.service',
        'docs/server.md',
        // The capture addon's source, built by node-gyp where the package is installed.
        'node_modules/sesame-capture/binding.gyp',
        'node_modules/sesame-capture/index.js',
        'node_modules/sesame-capture/package.json',
        'node_modules/sesame-capture/src/capture.c',
        'node_modules/sesame-capture/src/code-pages.c',
        'node_modules/sesame-capture/src/code-pages.h',
        ...cliFiles.map((f) => `out/cli/${f}`),
        'out/main/index.js',
        'package.json',
      ].sort(),
    );
    expect(cliFiles).toContain('sesame.js');
    // node-gyp builds the addon where it is installed: every source binding.gyp names, and every
    // header those include with quotes, must be in the package.
    const packed = new Set(report.files.map((f) => f.path));
    const addon = 'node_modules/sesame-capture';
    const gyp = JSON.parse(readFileSync(join(stage, addon, 'binding.gyp'), 'utf8')) as {
      targets: { sources: string[] }[];
    };
    const sources = gyp.targets.flatMap((target) => target.sources);
    const headers = sources.flatMap((source) =>
      [...readFileSync(join(stage, addon, source), 'utf8').matchAll(/#include "([^"]+)"/g)].map(
        (m) => `src/${m[1] ?? ''}`,
      ),
    );
    for (const file of [...sources, ...headers]) expect(packed).toContain(`${addon}/${file}`);
    expect(pkg.bin.sesame).toBe('out/cli/sesame.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  }, 60_000);

  it('keeps Electron and the build tools out of what npm install -g installs', () => {
    const installed = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.optionalDependencies)];
    for (const tool of ['electron', 'electron-builder', 'electron-vite', 'react', 'react-dom']) {
      expect(installed, `${tool} is not installed with the CLI`).not.toContain(tool);
      expect(Object.keys(pkg.devDependencies)).toContain(tool);
    }
  });
});

describe('the sesame bin (out/cli/sesame.js)', () => {
  /** Bare package names the bundle loads, split into static imports and lazy require() calls. */
  function packagesLoaded(code: string): { imported: Set<string>; required: Set<string> } {
    const bare = (spec: string) =>
      !spec.startsWith('node:') && !spec.startsWith('.') && !spec.startsWith('/');
    const name = (spec: string) =>
      spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/');
    const pick = (re: RegExp) =>
      new Set(
        [...code.matchAll(re)]
          .map((m) => m[1] ?? m[2] ?? '')
          .filter(bare)
          .map(name),
      );
    return {
      imported: pick(/(?:^|\n)\s*import\s[^;]*?from\s*"([^"]+)"|(?:^|\n)\s*import\s*"([^"]+)"/g),
      required: pick(
        /(?:\brequire\d*|createRequire\d*\([^)]*\))\(\s*"([^"]+)"\s*\)|\bimport\(\s*"([^"]+)"\s*\)/g,
      ),
    };
  }

  it('imports only runtime dependencies, and loads the native modules lazily', () => {
    const code = cliFiles.map((f) => readFileSync(join(dirname(cli), f), 'utf8')).join('\n');
    const { imported, required } = packagesLoaded(code);
    expect(imported.size).toBeGreaterThan(0); // the patterns do find imports (zod at least)
    for (const name of imported) {
      expect(Object.keys(pkg.dependencies), `"${name}" is imported at start-up`).toContain(name);
    }
    expect([...required].sort()).toEqual(Object.keys(pkg.optionalDependencies).sort());
  });
});
