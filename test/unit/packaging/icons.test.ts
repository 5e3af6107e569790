// `npm run icons -- --check` on the committed assets/, and on copies with a file changed, missing
// or left over, to show the check catches each; plus what the images must be (sizes, templates).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decode, encode } from 'fast-png';
import { ICON_OUTPUTS, templateSvg } from '../../../scripts/packaging/icon-set';
import { nodeIconsDeps, runIcons, type IconsDeps } from '../../../scripts/packaging/icons-command';
import { rasterizeSvg } from '../../../scripts/packaging/rasterize';

const assets = join(process.cwd(), 'assets');
const work = mkdtempSync(join(tmpdir(), 'sesame-assets-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** nodeIconsDeps with the output captured. */
function captured(dir: string): IconsDeps & { text: () => string } {
  let text = '';
  return {
    ...nodeIconsDeps(dir),
    out: (t) => (text += t),
    err: (t) => (text += t),
    text: () => text,
  };
}

/** A copy of assets/ to spoil. */
function copyOfAssets(name: string): string {
  const dir = join(work, name);
  cpSync(assets, dir, { recursive: true });
  return dir;
}

describe('npm run icons -- --check', () => {
  it('passes on the committed assets (they were generated from the SVG sources)', () => {
    const deps = captured(assets);
    expect(runIcons(['--check'], deps), deps.text()).toBe(0);
    expect(deps.text()).toBe(`icons: all ${ICON_OUTPUTS.length} files match their SVG sources\n`);
  });

  it('names a PNG whose pixels differ from its source', () => {
    const dir = copyOfAssets('changed');
    const file = join(dir, 'icons/32x32.png');
    const image = decode(readFileSync(file));
    image.data.fill(255, (16 * 32 + 16) * 4, (16 * 32 + 20) * 4); // four white pixels mid-door
    writeFileSync(file, encode(image));
    const deps = captured(dir);
    expect(runIcons(['--check'], deps)).toBe(1);
    expect(deps.text()).toContain('assets/icons/32x32.png differs from its source: pixel (');
    expect(deps.text()).not.toContain('16x16');
  });

  it('names a damaged, cut short, wrongly sized, missing or stale file', () => {
    const dir = copyOfAssets('spoilt');
    const damaged = readFileSync(join(dir, 'icons/256x256.png'));
    damaged[damaged.length - 40] = (damaged[damaged.length - 40] ?? 0) ^ 0xff; // in the image data
    writeFileSync(join(dir, 'icons/256x256.png'), damaged);
    writeFileSync(join(dir, 'icon.png'), readFileSync(join(dir, 'icon.png')).subarray(0, 100));
    writeFileSync(join(dir, 'icons/48x48.png'), readFileSync(join(dir, 'icons/32x32.png')));
    rmSync(join(dir, 'tray/tray-idleTemplate@2x.png'));
    writeFileSync(join(dir, 'tray/old.png'), 'x');
    const deps = captured(dir);
    expect(runIcons(['--check'], deps)).toBe(1);
    const text = deps.text();
    expect(text).toContain('icons: 5 file(s) do not match the SVG sources; run npm run icons');
    expect(text).toMatch(/assets\/icons\/256x256\.png is not a readable PNG \(.*CRC/);
    expect(text).toContain('assets/icon.png is not a readable PNG (');
    expect(text).toContain('assets/icons/48x48.png is 32x32, the source renders 48x48');
    expect(text).toContain('assets/tray/tray-idleTemplate@2x.png is missing');
    expect(text).toContain('assets/tray/old.png is not generated from any source (stale?)');
  });

  it('regenerates what is wrong and leaves matching files alone', () => {
    const dir = copyOfAssets('regenerate');
    rmSync(join(dir, 'icons/64x64.png'));
    writeFileSync(join(dir, 'tray/old.png'), 'x');
    const before = readFileSync(join(dir, 'icon.png'));
    const deps = captured(dir);
    expect(runIcons([], deps)).toBe(0);
    expect(deps.text()).toBe(
      `icons: 1 written, ${ICON_OUTPUTS.length - 1} already up to date, 1 stale removed\n`,
    );
    expect(readFileSync(join(dir, 'icon.png')).equals(before)).toBe(true);
    const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
    const written = readFileSync(join(dir, 'icons/64x64.png'));
    expect(written.equals(rasterizeSvg(svg, 64).asPng()), "resvg's own PNG").toBe(true);
    const again = captured(dir);
    expect(runIcons(['--check'], again), again.text()).toBe(0);
  });

  it('refuses unknown arguments', () => {
    const deps = captured(assets);
    expect(runIcons(['--chek'], deps)).toBe(1);
    expect(deps.text()).toContain('icons: unknown argument --chek');
  });
});

describe('the icon set', () => {
  const png = (path: string) => decode(readFileSync(join(assets, path)));

  it('has every Linux size and a 1024 px PNG, all 8-bit RGBA; no .ico or .icns', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(png(`icons/${size}x${size}.png`)).toMatchObject({
        width: size,
        height: size,
        depth: 8,
        channels: 4,
      });
    }
    expect(png('icon.png')).toMatchObject({ width: 1024, height: 1024 });
    // electron-builder makes them from icon.png (builder-icons.test.ts).
    expect(existsSync(join(assets, 'icon.ico'))).toBe(false);
    expect(existsSync(join(assets, 'icon.icns'))).toBe(false);
  });

  it('gives every tray state a 1x and @2x image, and macOS black-and-alpha templates', () => {
    for (const state of ['idle', 'knocking', 'success', 'failure']) {
      expect(png(`tray/tray-${state}.png`).width).toBe(16);
      expect(png(`tray/tray-${state}@2x.png`).width).toBe(32);
    }
    for (const name of ['tray-idleTemplate', 'tray-knockingTemplate']) {
      for (const suffix of ['', '@2x']) {
        const template = png(`tray/${name}${suffix}.png`);
        const colour = png(`tray/${name.replace('Template', '')}${suffix}.png`);
        let visible = 0;
        for (let i = 0; i < template.data.length; i += 4) {
          expect([template.data[i], template.data[i + 1], template.data[i + 2]]).toEqual([0, 0, 0]);
          expect(template.data[i + 3]).toBe(colour.data[i + 3]);
          if ((template.data[i + 3] ?? 0) > 0) visible += 1;
        }
        expect(visible, `${name}${suffix} draws something`).toBeGreaterThan(template.width * 2);
      }
    }
  });

  it('makes a template from an SVG as the same alpha in black', () => {
    const svg = readFileSync(join(assets, 'tray-knocking.svg'), 'utf8');
    const colour = rasterizeSvg(svg, 32).pixels;
    const template = rasterizeSvg(templateSvg(svg), 32).pixels;
    for (let i = 0; i < colour.length; i += 4) {
      expect([template[i], template[i + 1], template[i + 2]]).toEqual([0, 0, 0]);
      expect(template[i + 3]).toBe(colour[i + 3]);
    }
    expect(() => templateSvg('<g/>')).toThrow('templateSvg: the source is not an <svg> document');
  });

  it('fills the 16 px app icon edge to edge, door in gold at the centre', () => {
    const icon = png('icons/16x16.png');
    const at = (x: number, y: number) => [
      ...icon.data.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4),
    ];
    expect(at(8, 1)[3]).toBe(255); // the tile reaches the top edge
    const [r, g, b] = at(5, 12); // the door, beside the keyhole
    expect((r ?? 0) > 200 && (g ?? 0) > 150 && (b ?? 255) < 140).toBe(true);
  });
});
