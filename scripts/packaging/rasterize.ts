// The icon script's one rasterizer and PNG writer: resvg (Rust, prebuilt for each platform on the
// npm registry), so the icons come from the SVG sources on any machine without Inkscape or ImageMagick.
import { Resvg } from '@resvg/resvg-js';
import type { RenderedIcon } from './icon-set';

/** Renders an SVG to a square of `size` pixels (resvg's RenderedImage: pixels and asPng). */
export function rasterizeSvg(svg: string, size: number): RenderedIcon {
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
  return rendered;
}
