// What `npm run icons` makes from the SVG sources in assets/, and how a committed file is compared
// with a fresh render. Sizes 16 and 24 come from icon-small.svg (drawn on the 16 px grid); the
// macOS template images are the tray drawings' alpha in black, as macOS expects of `*Template`
// images (https://developer.apple.com/documentation/appkit/nsimage/istemplate). The Windows .ico
// and macOS .icns are not here: electron-builder makes them from icon.png when it packages.
import { decode } from 'fast-png';
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

/** A generated PNG under assets/ and what it holds. */
export interface IconOutput {
  path: string;
  render: Render;
}

/** A fresh render: premultiplied RGBA pixels, and the PNG file of them (resvg writes it). */
export interface RenderedIcon {
  width: number;
  height: number;
  pixels: Uint8Array;
  asPng: () => Buffer;
}

/** Renders an SVG to a square of the given size (resvg in the script). */
export type Rasterize = (svg: string, size: number) => RenderedIcon;

const appIcon = (size: number): Render => ({ source: size <= 24 ? 'icon-small' : 'icon', size });

/** Linux icon set (electron-builder's `linux.icon` folder, names must be NxN.png). */
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

/**
 * One tray state at 16 px and @2x (Electron picks the file for the display's scale), named as
 * electron/main/tray-electron.ts loads them; with `template`, macOS's `…Template` pair as well.
 */
function trayImages(source: IconSource, template: boolean): IconOutput[] {
  return (template ? [false, true] : [false]).flatMap((asTemplate) =>
    [1, 2].map((scale) => ({
      path: `tray/${source}${asTemplate ? 'Template' : ''}${scale === 2 ? '@2x' : ''}.png`,
      render: { source, size: 16 * scale, template: asTemplate },
    })),
  );
}

/** Every file `npm run icons` writes, relative to assets/ (the check compares exactly these). */
export const ICON_OUTPUTS: readonly IconOutput[] = [
  ...LINUX_SIZES.map((size) => ({ path: `icons/${size}x${size}.png`, render: appIcon(size) })),
  // macOS and Windows: electron-builder converts it to .icns and .ico (electron-builder.config.ts).
  { path: 'icon.png', render: appIcon(1024) },
  ...trayImages('tray-idle', true),
  ...trayImages('tray-knocking', true),
  ...trayImages('tray-success', false),
  ...trayImages('tray-failure', false),
];

/** Folders under assets/ that hold only generated files (anything else there is stale). */
export const GENERATED_FOLDERS = ['icons', 'tray'] as const;

const TEMPLATE_FILTER =
  '<filter id="sesame-template" filterUnits="userSpaceOnUse" x="0" y="0" width="100%" height="100%">' +
  '<feColorMatrix type="matrix" values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 1 0"/></filter>';

/** A macOS template of an SVG drawing: the same alpha, every pixel black (an SVG colour matrix). */
export function templateSvg(svg: string): string {
  const open = /<svg\b[^>]*>/.exec(svg);
  const close = svg.lastIndexOf('</svg>');
  if (!open || close < open.index)
    throw new Error('templateSvg: the source is not an <svg> document');
  const start = open.index + open[0].length;
  return (
    `${svg.slice(0, start)}${TEMPLATE_FILTER}<g filter="url(#sesame-template)">` +
    `${svg.slice(start, close)}</g>${svg.slice(close)}`
  );
}

/** Renders every output from the SVG texts: path under assets/ -> fresh render. */
export function renderIconSet(
  sources: Readonly<Record<IconSource, string>>,
  rasterize: Rasterize,
): Map<string, RenderedIcon> {
  return new Map(
    ICON_OUTPUTS.map(({ path, render }) => {
      const svg = sources[render.source];
      return [path, rasterize(render.template ? templateSvg(svg) : svg, render.size)];
    }),
  );
}

/**
 * Largest per-channel difference allowed between a committed image and a fresh render, on
 * premultiplied values: resvg's anti-aliasing may differ by a unit or two between CPUs.
 */
export const PIXEL_TOLERANCE = 3;

/** Compares a committed PNG with its fresh render; returns what differs, or undefined if none. */
export function compareIconFile(
  path: string,
  fresh: RenderedIcon,
  committed: Uint8Array,
): string | undefined {
  const name = `assets/${path}`;
  let got;
  try {
    got = decode(committed, { checkCrc: true });
  } catch (error) {
    const cause = error instanceof Error && error.cause ? ` ${errorMessage(error.cause)}` : '';
    return `${name} is not a readable PNG (${errorMessage(error)}${cause})`;
  }
  if (got.depth !== 8 || got.channels !== 4) {
    return `${name} is ${got.depth}-bit with ${got.channels} channels, expected 8-bit RGBA`;
  }
  if (got.width !== fresh.width || got.height !== fresh.height) {
    return `${name} is ${got.width}x${got.height}, the source renders ${fresh.width}x${fresh.height}`;
  }
  // The file holds straight RGBA, resvg's pixels are premultiplied: compare premultiplied.
  const want = fresh.pixels; // a getter that copies out of resvg: read it once
  let worst = 0;
  let where = 0;
  for (let i = 0; i < want.length; i += 4) {
    const alpha = got.data[i + 3] ?? 0;
    for (let c = 0; c < 4; c++) {
      const value = got.data[i + c] ?? 0;
      const diff = Math.abs((c === 3 ? value : (value * alpha) / 255) - (want[i + c] ?? 0));
      if (diff > worst) {
        worst = diff;
        where = i / 4;
      }
    }
  }
  if (worst <= PIXEL_TOLERANCE) return undefined;
  const x = where % fresh.width;
  const y = Math.floor(where / fresh.width);
  return `${name} differs from its source: pixel (${x}, ${y}) is off by ${Math.round(worst)} (tolerance ${PIXEL_TOLERANCE})`;
}
