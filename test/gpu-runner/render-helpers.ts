import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import { renderPages, type RenderedPage, type RenderPagesOptions } from '../../gpu-runner/render/index.ts';

/** Reads a committed fixture under test/fixtures. */
export function fixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8');
}

/** A glyph-en (or `preset`) config with overrides. */
export function config(overrides: Record<string, unknown> = {}, preset = 'glyph-en'): RenderConfig {
  return resolveRenderConfig({ preset, config: overrides });
}

/** Renders every page into memory. */
export async function renderAll(text: string, cfg: RenderConfig, options: RenderPagesOptions = { output: 'raw' }) {
  const stream = renderPages(text, cfg, options);
  const pages: RenderedPage[] = [];
  for await (const page of stream) pages.push(page);
  return { pages, missing: stream.missingGlyphs };
}

/** sha256 of a buffer, hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** PNG IHDR fields: width, height, bit depth, color type (0 gray, 2 RGB). */
export function pngHeader(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20), bitDepth: png[24], colorType: png[25] };
}

/** Columns [min, max] and rows [min, max] that hold a pixel differing from `bg` (gray pages). */
export function inkExtent(page: RenderedPage, bg = 255) {
  const raw = page.raw!;
  let x0 = Infinity,
    x1 = -1,
    y0 = Infinity,
    y1 = -1;
  for (let y = 0; y < raw.height; y++) {
    for (let x = 0; x < raw.width; x++) {
      const o = (y * raw.width + x) * raw.channels;
      if (raw.data[o] !== bg || (raw.channels === 3 && (raw.data[o + 1] !== bg || raw.data[o + 2] !== bg))) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return { x0, x1, y0, y1 };
}
