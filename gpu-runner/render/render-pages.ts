import { availableParallelism } from 'node:os';
import type { RenderConfig } from '../../protocol/render-config.ts';
import { layoutPages } from './layout.ts';
import { createPainter, paintPlaced, placePage, type MissingGlyphs } from './paint.ts';
import { encodePng } from './png.ts';
import type { LayoutLine, RawPage } from './types.ts';

/** What a render produces per page: PNG bytes, raw pixels, or both. */
export type RenderOutput = 'png' | 'raw' | 'both';

/** Options of {@link renderPages}. */
export interface RenderPagesOptions {
  /** `png` (default), `raw` (pixels for in-process consumers, no PNG round trip) or `both`. */
  output?: RenderOutput;
  /** PNG encodes in flight at once; bounds memory to this many pages. Default: 2 × cores. */
  encodeConcurrency?: number;
  /** zlib level 0–9 of the PNGs. */
  pngCompressionLevel?: number;
  /** Paint only pages first..last (0-based, inclusive); the others are laid out, not painted. */
  range?: { first: number; last: number };
}

/** One rendered page. */
export interface RenderedPage {
  /** 0-based page index. */
  index: number;
  width: number;
  height: number;
  /** 1: 8-bit grayscale; 3: RGB (only when a color in use is not a gray). */
  channels: 1 | 3;
  png?: Uint8Array;
  raw?: RawPage;
  /** The page's lines: box and source range of each. */
  lines: LayoutLine[];
}

/**
 * A render in progress: iterate it for pages, in order, as they are ready. Memory stays bounded
 * by the encode window, whatever the document's length.
 */
export class PageStream implements AsyncIterable<RenderedPage> {
  /** Characters that no shipped font has: counted and listed, drawn as boxes, never dropped. */
  readonly missingGlyphs: MissingGlyphs = { count: 0, codePoints: [] };
  /** Pages yielded so far. */
  pagesRendered = 0;
  private consumed = 0;
  private started = false;

  constructor(
    private readonly text: string,
    private readonly config: RenderConfig,
    private readonly options: RenderPagesOptions,
  ) {}

  /** Share of the text laid out so far, 0–1 (for progress bars: the page count is not known ahead). */
  get progress(): number {
    return this.text.length ? this.consumed / this.text.length : 1;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RenderedPage> {
    if (this.started) throw new Error('a PageStream can be iterated only once');
    this.started = true;
    const output = this.options.output ?? 'png';
    const window = Math.max(1, this.options.encodeConcurrency ?? 2 * availableParallelism());
    const painter = createPainter(this.config);
    const inFlight: Array<Promise<RenderedPage>> = [];
    const range = this.options.range;
    for (const layout of layoutPages(this.text, this.config)) {
      this.consumed = layout.consumed;
      if (range && (layout.index < range.first || layout.index > range.last)) {
        if (layout.index > range.last) break;
        continue;
      }
      const placed = placePage(layout, painter, this.missingGlyphs);
      const raw = paintPlaced(placed, painter);
      const { index, width, height, channels, lines } = placed;
      const base = { index, width, height, channels, lines };
      if (output === 'raw') {
        this.pagesRendered += 1;
        yield { ...base, raw };
        continue;
      }
      inFlight.push(
        encodePng(raw, this.options.pngCompressionLevel).then((png) => ({
          ...base,
          png,
          ...(output === 'both' ? { raw } : {}),
        })),
      );
      if (inFlight.length >= window) {
        this.pagesRendered += 1;
        yield await inFlight.shift()!;
      }
    }
    while (inFlight.length) {
      this.pagesRendered += 1;
      yield await inFlight.shift()!;
    }
  }
}

/**
 * Renders `text` into page images with a resolved Glyph config: deterministic (same text and
 * config → byte-identical pages), streaming, PNG encoding off the main thread and in parallel.
 */
export function renderPages(text: string, config: RenderConfig, options: RenderPagesOptions = {}): PageStream {
  return new PageStream(text, config, options);
}

/** A page's size and lines, known without painting it. */
export interface PlannedPage {
  index: number;
  width: number;
  height: number;
  channels: 1 | 3;
  lines: LayoutLine[];
}

/** The whole document's pages and layout map, computed without painting (a fraction of a render). */
export interface RenderPlan {
  pages: PlannedPage[];
  missingGlyphs: MissingGlyphs;
}

/**
 * Lays out and places every page without painting: page sizes (after auto-crop) and the layout
 * map, so that a manifest can be sent before the first page image. A later `renderPages` with
 * the same text and config gives exactly these pages (rendering is deterministic).
 */
export function planPages(text: string, config: RenderConfig): RenderPlan {
  const painter = createPainter(config);
  const missingGlyphs: MissingGlyphs = { count: 0, codePoints: [] };
  const pages: PlannedPage[] = [];
  for (const layout of layoutPages(text, config)) {
    const { index, width, height, channels, lines } = placePage(layout, painter, missingGlyphs);
    pages.push({ index, width, height, channels, lines });
  }
  return { pages, missingGlyphs };
}
