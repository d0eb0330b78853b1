/** The renderer: text → Glyph-style page images and a layout map (also used by the `glyph` CLI). */
export {
  renderPages,
  planPages,
  paintPlan,
  PageStream,
  type PaintedPage,
  type RenderPlan,
  type RenderPagesOptions,
  type RenderedPage,
  type RenderOutput,
} from './render-pages.ts';
export { layoutPages, pageGeometry, type PageLayout, type ParagraphBox } from './layout.ts';
export { decodePng, encodePng } from './png.ts';
export type { MissingGlyphs, PaintablePage, PlacedGlyphs, PlacedPage } from './paint.ts';
export type { LayoutLine, PixelBox, RawPage } from './types.ts';
