// Windows .ico with PNG-compressed images (Windows Vista and later, rcedit and NSIS 3 read them).
// Layout: ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the PNG files.
// https://learn.microsoft.com/en-us/previous-versions/ms997538(v=msdn.10)
import { pngSize } from './png';

/** One image of an icon file: its pixel size and the PNG bytes. */
export interface IconImage {
  size: number;
  png: Buffer;
}

const HEADER = 6;
const ENTRY = 16;

/** Writes a PNG-in-ICO file holding every image (square, 1..256 px), smallest first. */
export function encodeIco(images: readonly IconImage[]): Buffer {
  const sorted = [...images].sort((a, b) => a.size - b.size);
  const header = Buffer.alloc(HEADER + ENTRY * sorted.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type 1: icon
  header.writeUInt16LE(sorted.length, 4);
  let offset = header.length;
  sorted.forEach((image, i) => {
    const { width, height } = pngSize(image.png);
    if (width !== image.size || height !== image.size || image.size > 256) {
      throw new Error(
        `encodeIco: image ${i} is ${width}x${height}, expected ${image.size}x${image.size} (at most 256)`,
      );
    }
    const at = HEADER + ENTRY * i;
    header[at] = image.size % 256; // 0 means 256
    header[at + 1] = image.size % 256;
    header[at + 2] = 0; // no palette
    header[at + 3] = 0; // reserved
    header.writeUInt16LE(1, at + 4); // colour planes
    header.writeUInt16LE(32, at + 6); // bits per pixel
    header.writeUInt32LE(image.png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += image.png.length;
  });
  return Buffer.concat([header, ...sorted.map((image) => image.png)]);
}

/** Reads the images back out of an .ico written by encodeIco (the icon check uses it). */
export function decodeIco(ico: Buffer, name = 'icon.ico'): IconImage[] {
  if (ico.length < HEADER || ico.readUInt16LE(0) !== 0 || ico.readUInt16LE(2) !== 1) {
    throw new Error(`${name}: not an icon file (bad ICONDIR header)`);
  }
  const count = ico.readUInt16LE(4);
  const images: IconImage[] = [];
  for (let i = 0; i < count; i++) {
    const at = HEADER + ENTRY * i;
    if (at + ENTRY > ico.length) throw new Error(`${name}: entry ${i} is cut short`);
    const size = ico[at] === 0 ? 256 : (ico[at] ?? 0);
    const length = ico.readUInt32LE(at + 8);
    const offset = ico.readUInt32LE(at + 12);
    if (offset + length > ico.length) {
      throw new Error(`${name}: entry ${i} (${size} px) points past the end of the file`);
    }
    images.push({ size, png: ico.subarray(offset, offset + length) });
  }
  return images;
}
