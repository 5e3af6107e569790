// The icon script's own PNG, ICO and ICNS writers and readers, and electron-builder taking the
// committed icon files as they are (no conversion, which would need its icon tool's download).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { convertIcon } from 'app-builder-lib/out/util/iconConverter';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeIcns, encodeIcns } from '../../../scripts/packaging/icns';
import { decodeIco, encodeIco } from '../../../scripts/packaging/ico';
import { decodePng, encodePng, pngSize, type Rgba } from '../../../scripts/packaging/png';

/** A deterministic pseudo-random image with flat areas, gradients and noise (every filter wins somewhere). */
function sampleImage(width: number, height: number, seed: number): Rgba {
  const data = new Uint8Array(width * height * 4);
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state >> 16;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const region = (x >> 3) % 3;
      data[i] = region === 0 ? 40 : region === 1 ? x * 4 : next() & 0xff;
      data[i + 1] = region === 0 ? 200 : y * 3;
      data[i + 2] = (x + y) & 0xff;
      data[i + 3] = region === 2 ? next() & 0xff : 255 - y;
    }
  }
  return { width, height, data };
}

describe('PNG', () => {
  it('decodes exactly what it encodes', () => {
    for (const [w, h] of [
      [1, 1],
      [16, 16],
      [37, 23],
      [64, 48],
    ] as const) {
      const image = sampleImage(w, h, w * h);
      const png = encodePng(image);
      expect(pngSize(png)).toEqual({ width: w, height: h });
      const back = decodePng(png);
      expect(back.width).toBe(w);
      expect(back.height).toBe(h);
      expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);
    }
  });

  it('uses more than one row filter, so decoding of each is exercised', () => {
    const image = sampleImage(48, 48, 7);
    const png = encodePng(image);
    // Rebuild the filtered stream the same way decodePng reads it: the first byte of each row.
    const idatStart = png.indexOf('IDAT') + 4;
    const length = png.readUInt32BE(idatStart - 8);
    const raw = inflateSync(png.subarray(idatStart, idatStart + length));
    const filters = new Set<number>();
    for (let y = 0; y < 48; y++) filters.add(raw[y * (48 * 4 + 1)] ?? -1);
    expect(filters.size).toBeGreaterThan(1);
  });

  it('refuses what the icon check cannot compare, naming the file', () => {
    expect(() => decodePng(Buffer.from('GIF89a...'), 'assets/x.png')).toThrow(
      'assets/x.png: not a PNG file (bad signature)',
    );
    // A valid grey (colour type 0) PNG header.
    const grey = Buffer.from(encodePng(sampleImage(2, 2, 1)));
    grey[25] = 0;
    grey.writeUInt32BE(crc32(grey.subarray(12, 29)), 29); // IHDR's CRC, over type and data
    expect(() => decodePng(grey, 'grey.png')).toThrow(
      /grey\.png: expected 8-bit RGBA .* color type 0/,
    );
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(
      'encodePng: 2x2 needs 16 bytes, got 3',
    );
    const whole = encodePng(sampleImage(8, 8, 2));
    expect(() => decodePng(whole.subarray(0, whole.length - 20), 'cut.png')).toThrow(
      'cut.png: chunk IDAT is cut short',
    );
  });
});

describe('ICO', () => {
  const images = [16, 32, 256].map((size) => ({
    size,
    png: encodePng(sampleImage(size, size, size)),
  }));

  it('writes an ICONDIR with one 32-bit entry per image, 256 px written as 0', () => {
    const ico = encodeIco(images);
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 3]);
    const entry = (i: number) => ico.subarray(6 + 16 * i, 6 + 16 * (i + 1));
    expect([entry(0)[0], entry(1)[0], entry(2)[0], entry(2)[1]]).toEqual([16, 32, 0, 0]);
    expect(entry(0).readUInt16LE(4)).toBe(1); // planes
    expect(entry(0).readUInt16LE(6)).toBe(32); // bits per pixel
    expect(entry(0).readUInt32LE(12)).toBe(6 + 16 * 3); // first image right after the directory
  });

  it('reads back every image byte for byte', () => {
    const back = decodeIco(encodeIco([...images].reverse()));
    expect(back.map((i) => i.size)).toEqual([16, 32, 256]);
    back.forEach((image, i) => {
      expect(image.png.equals(images[i]?.png ?? Buffer.alloc(0))).toBe(true);
    });
  });

  it('refuses an image whose size does not match its entry', () => {
    expect(() => encodeIco([{ size: 48, png: images[0]?.png ?? Buffer.alloc(0) }])).toThrow(
      'encodeIco: image 0 is 16x16, expected 48x48',
    );
    expect(() => decodeIco(Buffer.from([0, 0, 2, 0, 0, 0]), 'x.ico')).toThrow(
      'x.ico: not an icon file',
    );
  });
});

describe('ICNS', () => {
  const ic07 = encodePng(sampleImage(128, 128, 3));
  const icp4 = encodePng(sampleImage(16, 16, 4));

  it("writes 'icns', the total length, then type + length + PNG per element", () => {
    const icns = encodeIcns([
      { type: 'icp4', png: icp4 },
      { type: 'ic07', png: ic07 },
    ]);
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.toString('latin1', 8, 12)).toBe('icp4');
    expect(icns.readUInt32BE(12)).toBe(icp4.length + 8);
    const back = decodeIcns(icns);
    expect(back.map((e) => e.type)).toEqual(['icp4', 'ic07']);
    expect(back[1]?.png.equals(ic07)).toBe(true);
  });

  it('refuses a PNG of the wrong size for its type', () => {
    expect(() => encodeIcns([{ type: 'ic08', png: ic07 }])).toThrow(
      'encodeIcns: ic08 needs 256x256, got 128x128',
    );
    const icns = encodeIcns([{ type: 'icp4', png: icp4 }]);
    icns.writeUInt32BE(icns.length + 1, 4);
    expect(() => decodeIcns(icns, 'x.icns')).toThrow(/x\.icns: header says/);
  });
});

describe('electron-builder takes the committed icons as they are', () => {
  const out = mkdtempSync(join(tmpdir(), 'sesame-icons-'));
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
  });
  const roots = [join(process.cwd(), 'build'), process.cwd()];

  it('icon.ico (Windows) and icon.icns (macOS), without converting them', async () => {
    const ico = await convertIcon({
      sources: ['assets/icon.ico'],
      fallbackSources: [],
      roots,
      format: 'ico',
      outDir: out,
    });
    expect(ico.icons).toEqual([{ file: join(process.cwd(), 'assets/icon.ico'), size: 256 }]);
    const icns = await convertIcon({
      sources: ['assets/icon.icns'],
      fallbackSources: [],
      roots,
      format: 'icns',
      outDir: out,
    });
    expect(icns.icons.map((i) => i.file)).toEqual([join(process.cwd(), 'assets/icon.icns')]);
  });

  it('assets/icons/ as the Linux set, every size from 16 to 512', async () => {
    const set = await convertIcon({
      sources: ['assets/icons'],
      fallbackSources: [],
      roots,
      format: 'set',
      outDir: out,
    });
    expect(set.icons.map((i) => i.size)).toEqual([16, 24, 32, 48, 64, 128, 256, 512]);
    for (const icon of set.icons) {
      expect(pngSize(readFileSync(icon.file))).toEqual({ width: icon.size, height: icon.size });
    }
  });
});
