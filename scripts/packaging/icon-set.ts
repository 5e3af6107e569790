// What `npm run icons` makes from the SVG sources in assets/, and how a committed file is compared
// with a fresh render. Sizes 16 and 24 come from icon-small.svg (drawn on the 16 px grid); the
// macOS template images are the tray drawings' alpha in black, as macOS expects of `*Template`
// images (https://developer.apple.com/documentation/appkit/nsimage/istemplate).
import { encodeIcns, decodeIcns, ICNS_TYPES, type IcnsType } from './icns';
import { decodeIco, encodeIco } from './ico';
import { decodePng, encodePng, type Rgba } from './png';
import { errorMessage } from '../../shared/basics';

/** The SVG sources, each `assets/<name>.svg`. */
export const ICON_SOURCES = [
  'icon',
  'icon-small',
  'tray-idle',
  'tray-knocking',
  'tray-success',
  'tray-failure',
] as const;

/** One SVG source's name. */
export type IconSource = (typeof ICON_SOURCES)[number];

/** One rendered square: a source at a pixel size, optionally as a macOS template (black + alpha). */
export interface Render {
  source: IconSource;
  size: number;
  template?: boolean;
}

/** A generated file under assets/ and what it holds. */
export type IconOutput =
  | { kind: 'png'; path: string; render: Render }
  | { kind: 'ico'; path: string; renders: Render[] }
  | { kind: 'icns'; path: string; entries: { type: IcnsType; render: Render }[] };

/** Renders an SVG to a square of the given size (resvg in the script, a fake in some tests). */
export type Rasterize = (svg: string, size: number) => Rgba;

const appIcon = (size: number): Render => ({ source: size <= 24 ? 'icon-small' : 'icon', size });

/** Linux icon set (electron-builder's `linux.icon` folder, names must be NxN.png). */
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** The 16 pt @2x element shows the 16 px drawing, doubled; every other entry follows its size. */
const ICNS_ENTRIES: { type: IcnsType; render: Render }[] = (
  Object.entries(ICNS_TYPES) as [IcnsType, number][]
).map(([type, size]) => ({
  type,
  render: type === 'ic11' ? { source: 'icon-small', size } : appIcon(size),
}));

/**
 * One tray state at 16 px and @2x (Electron picks the file for the display's scale), named as
 * electron/main/tray-electron.ts loads them; with `template`, macOS's `…Template` pair as well.
 */
function trayImages(source: IconSource, template: boolean): IconOutput[] {
  return (template ? [false, true] : [false]).flatMap((asTemplate) =>
    [1, 2].map((scale): IconOutput => ({
      kind: 'png',
      path: `tray/${source}${asTemplate ? 'Template' : ''}${scale === 2 ? '@2x' : ''}.png`,
      render: { source, size: 16 * scale, template: asTemplate },
    })),
  );
}

/** Every file `npm run icons` writes, relative to assets/ (the check compares exactly these). */
export const ICON_OUTPUTS: readonly IconOutput[] = [
  ...LINUX_SIZES.map((size): IconOutput => ({
    kind: 'png',
    path: `icons/${size}x${size}.png`,
    render: appIcon(size),
  })),
  { kind: 'png', path: 'icon.png', render: appIcon(1024) },
  { kind: 'ico', path: 'icon.ico', renders: ICO_SIZES.map(appIcon) },
  { kind: 'icns', path: 'icon.icns', entries: ICNS_ENTRIES },
  ...trayImages('tray-idle', true),
  ...trayImages('tray-knocking', true),
  ...trayImages('tray-success', false),
  ...trayImages('tray-failure', false),
];

/** Folders under assets/ that hold only generated files (anything else there is stale). */
export const GENERATED_FOLDERS = ['icons', 'tray'] as const;

/** A macOS template image: the same alpha, every pixel black. */
export function toTemplate(image: Rgba): Rgba {
  const data = new Uint8Array(image.data.length);
  for (let i = 3; i < data.length; i += 4) data[i] = image.data[i] ?? 0;
  return { ...image, data };
}

/** Renders every output from the SVG texts: path under assets/ -> file bytes. */
export function renderIconSet(
  sources: Readonly<Record<IconSource, string>>,
  rasterize: Rasterize,
): Map<string, Buffer> {
  const pngs = new Map<string, Buffer>();
  const png = (render: Render): Buffer => {
    const key = `${render.source}@${render.size}${render.template ? 'T' : ''}`;
    let bytes = pngs.get(key);
    if (!bytes) {
      const image = rasterize(sources[render.source], render.size);
      bytes = encodePng(render.template ? toTemplate(image) : image);
      pngs.set(key, bytes);
    }
    return bytes;
  };
  const files = new Map<string, Buffer>();
  for (const output of ICON_OUTPUTS) {
    switch (output.kind) {
      case 'png':
        files.set(output.path, png(output.render));
        break;
      case 'ico':
        files.set(
          output.path,
          encodeIco(output.renders.map((r) => ({ size: r.size, png: png(r) }))),
        );
        break;
      case 'icns':
        files.set(
          output.path,
          encodeIcns(output.entries.map((e) => ({ type: e.type, png: png(e.render) }))),
        );
        break;
    }
  }
  return files;
}

/**
 * Largest per-channel difference allowed between a committed image and a fresh render, on
 * premultiplied values: resvg's anti-aliasing may differ by a unit or two between CPUs.
 */
export const PIXEL_TOLERANCE = 3;

function comparePngs(name: string, expected: Buffer, actual: Buffer): string | undefined {
  const want = decodePng(expected, `${name} (fresh render)`);
  const got = decodePng(actual, name);
  if (want.width !== got.width || want.height !== got.height) {
    return `${name} is ${got.width}x${got.height}, the source renders ${want.width}x${want.height}`;
  }
  let worst = 0;
  let where = 0;
  for (let i = 0; i < want.data.length; i += 4) {
    const wa = want.data[i + 3] ?? 0;
    const ga = got.data[i + 3] ?? 0;
    for (let c = 0; c < 4; c++) {
      const w = c === 3 ? wa : ((want.data[i + c] ?? 0) * wa) / 255;
      const g = c === 3 ? ga : ((got.data[i + c] ?? 0) * ga) / 255;
      const diff = Math.abs(w - g);
      if (diff > worst) {
        worst = diff;
        where = i / 4;
      }
    }
  }
  if (worst <= PIXEL_TOLERANCE) return undefined;
  const x = where % want.width;
  const y = Math.floor(where / want.width);
  return `${name} differs from its source: pixel (${x}, ${y}) is off by ${Math.round(worst)} (tolerance ${PIXEL_TOLERANCE})`;
}

function compareLists(
  name: string,
  expected: { label: string; png: Buffer }[],
  actual: { label: string; png: Buffer }[],
): string | undefined {
  const want = expected.map((e) => e.label).join(', ');
  const got = actual.map((e) => e.label).join(', ');
  if (want !== got) return `${name} holds [${got}], expected [${want}]`;
  for (const [i, entry] of expected.entries()) {
    const other = actual[i];
    if (!other) continue;
    const problem = comparePngs(`${name} ${entry.label}`, entry.png, other.png);
    if (problem) return problem;
  }
  return undefined;
}

/** Compares a committed file with its fresh render; returns what differs, or undefined if none. */
export function compareIconFile(
  path: string,
  expected: Buffer,
  actual: Buffer,
): string | undefined {
  const name = `assets/${path}`;
  try {
    if (path.endsWith('.ico')) {
      const entries = (ico: Buffer, label: string) =>
        decodeIco(ico, label).map((image) => ({ label: `${image.size}px`, png: image.png }));
      return compareLists(name, entries(expected, `${name} (fresh render)`), entries(actual, name));
    }
    if (path.endsWith('.icns')) {
      const entries = (icns: Buffer, label: string) =>
        decodeIcns(icns, label).map((entry) => ({ label: entry.type, png: entry.png }));
      return compareLists(name, entries(expected, `${name} (fresh render)`), entries(actual, name));
    }
    return comparePngs(name, expected, actual);
  } catch (error) {
    return errorMessage(error);
  }
}
