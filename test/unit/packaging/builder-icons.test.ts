// electron-builder's own icon code on the icons electron-builder.config.ts names: the Linux set is
// taken as it is, and icon.png is what it converts to the macOS .icns and the Windows .ico. The
// conversion itself is electron-builder's icon tool, downloaded at packaging (docs/packaging.md):
// here a stand-in tool records what electron-builder hands it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertIcon } from 'app-builder-lib/out/util/iconConverter';
import { decode } from 'fast-png';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import config from '../../../electron-builder.config';

const root = process.cwd();
const roots = [join(root, 'build'), root];
const work = mkdtempSync(join(tmpdir(), 'sesame-icons-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** electron-builder's convertIcon for one configured source, as its packagers call it. */
function convert(source: string | null | undefined, format: 'set' | 'icns' | 'ico') {
  return convertIcon({
    sources: source ? [source] : [],
    fallbackSources: [],
    roots,
    format,
    outDir: join(work, `out-${format}`),
  });
}

describe('electron-builder and the icons in its config', () => {
  it('takes assets/icons/ as the Linux set, every size from 16 to 512', async () => {
    const set = await convert(config.linux?.icon, 'set');
    expect(set.icons.map((i) => i.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
    for (const icon of set.icons) {
      const png = decode(readFileSync(icon.file));
      expect([png.width, png.height]).toEqual([icon.size, icon.size]);
    }
  });

  describe('converts icon.png for macOS and Windows', () => {
    const tool = join(work, 'icons-tool');
    const calls = join(work, 'calls.txt');
    beforeAll(() => {
      // electron-builder runs `<toolset>/icon-tool.js --input=... --format=... --out=...`; the
      // stand-in writes the file electron-builder then picks up, and notes its arguments.
      mkdirSync(tool, { recursive: true });
      writeFileSync(
        join(tool, 'icon-tool.js'),
        `const fs = require('node:fs');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.slice(2).split('=')));
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify(args) + '\\n');
fs.writeFileSync(require('node:path').join(args.out, 'icon.' + args.format), Buffer.from([0, 0, 1, 0, 0, 0]));
`,
      );
      vi.stubEnv('ELECTRON_BUILDER_ICONS_TOOLSET_DIR', tool);
    });
    afterEach(() => {
      rmSync(calls, { force: true });
    });
    afterAll(() => {
      vi.unstubAllEnvs();
    });
    const called = () =>
      readFileSync(calls, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, string>);

    it('names the same 1024 px PNG for both', () => {
      expect(config.mac?.icon).toBe('assets/icon.png');
      expect(config.win?.icon).toBe('assets/icon.png');
      const png = decode(readFileSync(join(root, 'assets/icon.png')));
      expect([png.width, png.height]).toEqual([1024, 1024]);
    });

    it('hands icon.png to its icon tool for the .icns and the .ico', async () => {
      const icns = await convert(config.mac?.icon, 'icns');
      expect(icns.isFallback).toBe(false);
      expect(icns.icons).toEqual([{ file: join(work, 'out-icns', 'icon.icns'), size: 1024 }]);
      const ico = await convert(config.win?.icon, 'ico');
      expect(ico.icons.map((i) => i.file)).toEqual([join(work, 'out-ico', 'icon.ico')]);
      expect(called()).toEqual([
        { input: join(root, 'assets/icon.png'), format: 'icns', out: join(work, 'out-icns') },
        { input: join(root, 'assets/icon.png'), format: 'ico', out: join(work, 'out-ico') },
      ]);
    });

    it('refuses a PNG too small for the .icns (so the size check above is real)', async () => {
      await expect(convert('assets/icons/256x256.png', 'icns')).rejects.toThrow(
        'Icon must be at least 512x512 pixels, provided: 256x256',
      );
    });
  });
});
