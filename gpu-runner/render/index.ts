/** The renderer: text → Glyph-style page images and a layout map (also used by the `glyph` CLI). */
export {
  renderPages,
  planPages,
  PageStream,
  type PlannedPage,
  type RenderPlan,
  type RenderPagesOptions,
  type RenderedPage,
  type RenderOutput,
} from './render-pages.ts';
export { layoutPages, pageGeometry, type PageLayout } from './layout.ts';
export { encodePng } from './png.ts';
export type { MissingGlyphs } from './paint.ts';
export type { LayoutLine, PixelBox, RawPage } from './types.ts';
