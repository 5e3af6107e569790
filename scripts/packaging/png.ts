// A small PNG codec for the icon set: 8-bit RGBA only, which is all the icon script writes.
// Encoding is byte-deterministic for given pixels and zlib; the check compares decoded pixels, so
// committed files stay valid when another zlib build compresses the same pixels differently.
// Format: https://www.w3.org/TR/png-3/
import { deflateSync, inflateSync } from 'node:zlib';
import { errorMessage } from '../../shared/basics';

/** Straight (not premultiplied) RGBA pixels, row by row, 4 bytes a pixel. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGBA = 6;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** The filter predictor for byte i of a row (left a, up b, up-left c), per PNG filter type. */
function predict(type: number, a: number, b: number, c: number): number {
  switch (type) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >>> 1;
    case 4:
      return paeth(a, b, c);
    default:
      throw new Error(`unknown PNG filter type ${type}`);
  }
}

/** Filters one row with the given type (bpp 4); prev is the previous raw row (zeros for the first). */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array): Uint8Array {
  const out = new Uint8Array(row.length + 1);
  out[0] = type;
  for (let i = 0; i < row.length; i++) {
    const a = i >= 4 ? (row[i - 4] ?? 0) : 0;
    const c = i >= 4 ? (prev[i - 4] ?? 0) : 0;
    out[i + 1] = ((row[i] ?? 0) - predict(type, a, prev[i] ?? 0, c)) & 0xff;
  }
  return out;
}

/** Sum of the filtered bytes as signed values: the usual heuristic for picking a row's filter. */
function cost(filtered: Uint8Array): number {
  let sum = 0;
  for (let i = 1; i < filtered.length; i++) {
    const v = filtered[i] ?? 0;
    sum += v < 128 ? v : 256 - v;
  }
  return sum;
}

/** Encodes straight RGBA pixels as an 8-bit RGBA PNG (the icon script's only output format). */
export function encodePng(image: Rgba): Buffer {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) {
    throw new Error(
      `encodePng: ${width}x${height} needs ${width * height * 4} bytes, got ${data.length}`,
    );
  }
  const stride = width * 4;
  const rows: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    let best = filterRow(0, row, prev);
    for (let type = 1; type <= 4; type++) {
      const candidate = filterRow(type, row, prev);
      if (cost(candidate) < cost(best)) best = candidate;
    }
    rows.push(best);
    prev = row;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE_RGBA;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Decodes a PNG written by encodePng (8-bit RGBA, not interlaced); anything else is an error. */
export function decodePng(png: Uint8Array, name = 'PNG'): Rgba {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error(`${name}: not a PNG file (bad signature)`);
  }
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  let offset = 8;
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length || offset + 12 + length > buf.length) {
      throw new Error(`${name}: chunk ${type} is cut short`);
    }
    if (
      crc32(buf.subarray(offset + 4, offset + 8 + length)) !== buf.readUInt32BE(offset + 8 + length)
    ) {
      throw new Error(`${name}: chunk ${type} fails its CRC (the file is damaged)`);
    }
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, color, , , interlace] = data.subarray(8, 13);
      if (depth !== 8 || color !== COLOR_TYPE_RGBA || interlace !== 0) {
        throw new Error(
          `${name}: expected 8-bit RGBA without interlace, found bit depth ${depth}, color type ${color}, interlace ${interlace}`,
        );
      }
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (width === 0 || height === 0) throw new Error(`${name}: no IHDR chunk`);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    throw new Error(`${name}: image data does not inflate (${errorMessage(error)})`, {
      cause: error,
    });
  }
  const stride = width * 4;
  if (raw.length !== height * (stride + 1)) {
    throw new Error(
      `${name}: image data is ${raw.length} bytes, expected ${height * (stride + 1)}`,
    );
  }
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)] ?? 0;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const rowStart = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= 4 ? (out[rowStart + i - 4] ?? 0) : 0;
      const b = y > 0 ? (out[rowStart - stride + i] ?? 0) : 0;
      const c = y > 0 && i >= 4 ? (out[rowStart - stride + i - 4] ?? 0) : 0;
      out[rowStart + i] = ((line[i] ?? 0) + predict(type, a, b, c)) & 0xff;
    }
  }
  return { width, height, data: out };
}

/** Width and height from a PNG's header, without decoding it (ICO and ICNS entries need them). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 24 || !buf.subarray(0, 8).equals(SIGNATURE)) {
    throw new Error('pngSize: not a PNG file (bad signature)');
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}
