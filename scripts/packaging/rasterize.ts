// The icon script's one rasterizer: resvg (Rust, prebuilt for each platform on the npm registry),
// so the icons come from the SVG sources on any machine without Inkscape or ImageMagick.
import { Resvg } from '@resvg/resvg-js';
import type { Rgba } from './png';

/** Renders an SVG to a square of `size` pixels; resvg's premultiplied pixels made straight. */
export function rasterizeSvg(svg: string, size: number): Rgba {
  const rendered = new Resvg(svg, {
    fitTo: { mode: 'width', value: size },
    font: { loadSystemFonts: false }, // the sources have no text: never depend on the fonts here
    logLevel: 'error',
  }).render();
  if (rendered.width !== size || rendered.height !== size) {
    throw new Error(
      `rasterizeSvg: rendered ${rendered.width}x${rendered.height}, expected a square of ${size}`,
    );
  }
  const data = new Uint8Array(rendered.pixels);
  for (let i = 0; i < data.length; i += 4) {
    const alpha = data[i + 3] ?? 0;
    if (alpha === 0 || alpha === 255) continue;
    for (let c = i; c < i + 3; c++)
      data[c] = Math.min(255, Math.round(((data[c] ?? 0) * 255) / alpha));
  }
  return { width: size, height: size, data };
}
