import { availableParallelism } from 'node:os';
import type { RenderConfig } from '../../protocol/render-config.ts';
import { layoutPages } from './layout.ts';
import {
  createPainter,
  paintPlaced,
  placePage,
  type MissingGlyphs,
  type PaintablePage,
  type Painter,
  type PlacedPage,
} from './paint.ts';
import { encodePng } from './png.ts';
import type { LayoutLine, RawPage } from './types.ts';

/** What a render produces per page: PNG bytes, raw pixels, or both. */
export type RenderOutput = 'png' | 'raw' | 'both';

/** Options of {@link renderPages} and {@link paintPlan}. */
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

/** One painted page. */
export interface PaintedPage {
  /** 0-based page index. */
  index: number;
  width: number;
  height: number;
  /** 1: 8-bit grayscale; 3: RGB (only when a color in use is not a gray). */
  channels: 1 | 3;
  png?: Uint8Array;
  raw?: RawPage;
}

/** One rendered page of {@link renderPages}, with its lines. */
export interface RenderedPage extends PaintedPage {
  /** The page's lines: box and source range of each. */
  lines: LayoutLine[];
}

/**
 * Paints placed pages in order and encodes them, up to the encode window at once (sharp encodes
 * on libuv's thread pool while the next page is painted here). `describe` adds what the caller's
 * pages carry beyond pixels (their lines).
 */
async function* paintInOrder<S extends PaintablePage, E>(
  pages: Iterable<S>,
  painter: Painter,
  options: RenderPagesOptions,
  describe: (page: S) => E,
): AsyncGenerator<PaintedPage & E> {
  const output = options.output ?? 'png';
  const window = Math.max(1, options.encodeConcurrency ?? 2 * availableParallelism());
  const inFlight: Array<Promise<PaintedPage & E>> = [];
  for (const page of pages) {
    const raw = paintPlaced(page, painter);
    const base = {
      index: page.index,
      width: page.width,
      height: page.height,
      channels: page.channels,
      ...describe(page),
    };
    if (output === 'raw') {
      yield { ...base, raw };
      continue;
    }
    inFlight.push(
      encodePng(raw, options.pngCompressionLevel).then((png) => ({
        ...base,
        png,
        ...(output === 'both' ? { raw } : {}),
      })),
    );
    if (inFlight.length >= window) yield await inFlight.shift()!;
  }
  while (inFlight.length) yield await inFlight.shift()!;
}

/**
 * A render in progress: iterate it for pages, in order, as they are ready. Memory stays bounded
 * by the encode window, whatever the document's length.
 */
export class PageStream implements AsyncIterable<RenderedPage> {
  /** Characters that no shipped font has: counted and listed, drawn as boxes, never dropped. */
  readonly missingGlyphs: MissingGlyphs = { count: 0, codePoints: [] };
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
    const painter = createPainter(this.config);
    yield* paintInOrder(this.placed(painter), painter, this.options, (p) => ({ lines: p.lines }));
  }

  /** The pages to paint, laid out and placed one at a time as the painter asks for them. */
  private *placed(painter: Painter): Generator<PlacedPage> {
    const range = this.options.range;
    for (const layout of layoutPages(this.text, this.config)) {
      this.consumed = layout.consumed;
      if (range && (layout.index < range.first || layout.index > range.last)) {
        if (layout.index > range.last) return;
        continue;
      }
      yield placePage(layout, painter, this.missingGlyphs);
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

/** The whole document's pages and layout map, computed without painting (a fraction of a render). */
export interface RenderPlan {
  pages: PlacedPage[];
  missingGlyphs: MissingGlyphs;
}

/**
 * Lays out and places every page without painting: page sizes (after auto-crop), the layout map
 * and every glyph's place, so that a manifest can be sent before the first page image and the
 * pages then painted from the plan ({@link paintPlan}) without laying the text out again.
 */
export function planPages(text: string, config: RenderConfig): RenderPlan {
  const painter = createPainter(config);
  const missingGlyphs: MissingGlyphs = { count: 0, codePoints: [] };
  const pages: PlacedPage[] = [];
  for (const layout of layoutPages(text, config)) pages.push(placePage(layout, painter, missingGlyphs));
  return { pages, missingGlyphs };
}

/**
 * Paints pages of a plan (made by {@link planPages} with the same `config`, in this thread or
 * another), in the order given: the same pixels {@link renderPages} paints. The pages are taken
 * from `pages` one at a time, so a generator can let each go once it is painted.
 */
export function paintPlan(
  pages: Iterable<PaintablePage>,
  config: RenderConfig,
  options: Omit<RenderPagesOptions, 'range'> = {},
): AsyncGenerator<PaintedPage> {
  return paintInOrder(pages, createPainter(config), options, () => ({}));
}
