// macOS .icns with PNG-based entries (macOS 10.7 and later): 'icns' + total length, then one
// element per image: a 4-byte type, its length including this 8-byte header, and the PNG file.
// Types and sizes: https://en.wikipedia.org/wiki/Apple_Icon_Image_format#Icon_types
import { pngSize } from './png';

/** The PNG-based icns element types and the pixel size each holds (@2x types are Retina). */
export const ICNS_TYPES = {
  icp4: 16,
  icp5: 32,
  ic11: 32, // 16 pt @2x
  ic12: 64, // 32 pt @2x
  ic07: 128,
  ic13: 256, // 128 pt @2x
  ic08: 256,
  ic14: 512, // 256 pt @2x
  ic09: 512,
  ic10: 1024, // 512 pt @2x
} as const;

/** An icns element type this writer knows. */
export type IcnsType = keyof typeof ICNS_TYPES;

/** One element of an icns file. */
export interface IcnsEntry {
  type: IcnsType;
  png: Buffer;
}

function isIcnsType(type: string): type is IcnsType {
  return Object.hasOwn(ICNS_TYPES, type);
}

/** Writes an .icns file from PNG entries, in the order given. */
export function encodeIcns(entries: readonly IcnsEntry[]): Buffer {
  const elements = entries.map((entry) => {
    const { width, height } = pngSize(entry.png);
    const size = ICNS_TYPES[entry.type];
    if (width !== size || height !== size) {
      throw new Error(`encodeIcns: ${entry.type} needs ${size}x${size}, got ${width}x${height}`);
    }
    const head = Buffer.alloc(8);
    head.write(entry.type, 0, 'latin1');
    head.writeUInt32BE(entry.png.length + 8, 4);
    return Buffer.concat([head, entry.png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + elements.reduce((sum, e) => sum + e.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

/** Reads the elements back out of an .icns written by encodeIcns (the icon check uses it). */
export function decodeIcns(icns: Buffer, name = 'icon.icns'): IcnsEntry[] {
  if (icns.length < 8 || icns.toString('latin1', 0, 4) !== 'icns') {
    throw new Error(`${name}: not an icns file (no 'icns' magic)`);
  }
  if (icns.readUInt32BE(4) !== icns.length) {
    throw new Error(`${name}: header says ${icns.readUInt32BE(4)} bytes, file has ${icns.length}`);
  }
  const entries: IcnsEntry[] = [];
  let offset = 8;
  while (offset < icns.length) {
    const type = icns.toString('latin1', offset, offset + 4);
    const length = icns.readUInt32BE(offset + 4);
    if (length < 8 || offset + length > icns.length) {
      throw new Error(`${name}: element ${type} at byte ${offset} has a bad length ${length}`);
    }
    if (!isIcnsType(type)) throw new Error(`${name}: unexpected element type ${type}`);
    entries.push({ type, png: icns.subarray(offset + 8, offset + length) });
    offset += length;
  }
  return entries;
}
