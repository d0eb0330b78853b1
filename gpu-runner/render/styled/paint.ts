/**
 * Paints a styled page from its plan: background, rules and quote bars, then every glyph from
 * its style's atlas in its style's colour (syntax colours, muted continuation marks).
 */
import type { GlyphAtlas } from '../glyph-atlas.ts';
import { blend, fill, rgb, type PaintablePage, type Painter, type Rgb, type StyledPaint } from '../paint.ts';
import type { RawPage } from '../types.ts';
import { atlasOf, inkThreshold } from './atlases.ts';
import { MUTED_COLOR } from './styles.ts';

/** Gray of a rule: the muted colour's luminance, so a gray page stays one channel. */
const RULE_GRAY = Math.round(0.299 * rgb(MUTED_COLOR)[0] + 0.587 * rgb(MUTED_COLOR)[1] + 0.114 * rgb(MUTED_COLOR)[2]);

/** The raw pixels of a styled page (`page.channels` channels). */
export function paintStyled(page: PaintablePage, styled: StyledPaint, p: Painter): RawPage {
  const { width, height, channels } = page;
  const raw: RawPage = { width, height, channels, data: new Uint8Array(width * height * channels) };
  fill(raw, 0, 0, width, height, p.bg);
  const ruleColor: Rgb = [RULE_GRAY, RULE_GRAY, RULE_GRAY];
  for (const r of styled.rules) {
    fill(raw, Math.round(r.x), Math.round(r.y), Math.round(r.x + r.width), Math.round(r.y + r.height), ruleColor);
  }
  const threshold = inkThreshold(p.fg, p.bg);
  const atlases: GlyphAtlas[] = styled.styles.map((spec) => atlasOf(spec, p.hScale, threshold));
  const colors: Rgb[] = styled.styles.map((spec) => (channels === 1 ? grayOf(rgb(spec.color)) : rgb(spec.color)));
  const { codes, xy } = page.glyphs;
  for (let i = 0; i < codes.length; i++) {
    const style = styled.styleOf[i]!;
    blend(raw, atlases[style]!.byKey(codes[i]! >>> 1), xy[2 * i]!, xy[2 * i + 1]!, colors[style]!);
  }
  return raw;
}

function grayOf(c: Rgb): Rgb {
  const g = Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
  return [g, g, g];
}
