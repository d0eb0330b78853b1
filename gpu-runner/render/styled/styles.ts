/**
 * The faces, sizes and colours a styled document is drawn in: each distinct (face, pixel size,
 * colour) a run uses becomes one entry of the document's style table, and every placed glyph
 * names its entry by index. The table is small (a few dozen entries) and travels with each page,
 * so a page can be painted in another thread from the plan alone.
 */
import type { RenderConfig } from '../../../protocol/render-config.ts';
import type { FontFamily as RunFamily, RunStyle } from '../../kinds/model.ts';
import type { FaceName } from '../fonts.ts';

/** One entry of a style table: the face, the font size in pixels and the ink colour (`#rrggbb`). */
export interface StyleSpec {
  face: FaceName;
  px: number;
  color: string;
}

/**
 * Monospace runs are drawn this much larger than the body size. At the body size (9 px in
 * glyph-en) DejaVu Sans Mono's narrow letters blur: a reader takes `O` for `0` and the dotted
 * zero for `θ` (OCR read-back of the code fixture 96.3 %, of the log fixture 97.7 %; at 1.15×
 * 97.1 % and 98.5 %, measured with the kinds runner test).
 */
export const MONO_SCALE = 1.15;

/** Colour of the continuation mark of a wrapped line and of rules: muted, clearly not text. */
export const MUTED_COLOR = '#6e7781';

/** The face a run is drawn in: DejaVu's cuts for sans/mono, the config's family for other scripts. */
export function faceOf(family: RunFamily, bold: boolean, italic: boolean, config: RenderConfig): FaceName {
  if (family === 'mono') return dejavuCut('DejaVu Sans Mono', bold, italic);
  // A config family other than DejaVu Sans (Noto Sans SC for Chinese text, DejaVu Serif) stays
  // the body face; only DejaVu Sans has the bold and oblique cuts shipped.
  if (config['font-family'] !== 'DejaVu Sans') return config['font-family'];
  return dejavuCut('DejaVu Sans', bold, italic);
}

function dejavuCut(base: 'DejaVu Sans' | 'DejaVu Sans Mono', bold: boolean, italic: boolean): FaceName {
  if (bold && italic) return `${base} Bold Oblique`;
  if (bold) return `${base} Bold`;
  if (italic) return `${base} Oblique`;
  return base;
}

/** A style table under construction: specs in first-use order, looked up by their key. */
export class StyleTable {
  readonly specs: StyleSpec[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly config: RenderConfig) {}

  /** Index of the spec for a run style at body size `fontPx`. */
  of(style: RunStyle, fontPx: number): number {
    const face = faceOf(style.family, style.bold, style.italic, this.config);
    const px = fontPx * style.scale * (style.family === 'mono' ? MONO_SCALE : 1);
    return this.spec(face, px, style.color ?? this.config['font-color']);
  }

  /** Index of an explicit spec (the continuation mark). */
  spec(face: FaceName, px: number, color: string): number {
    const key = `${face}|${px}|${color.toLowerCase()}`;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.specs.length;
      this.specs.push({ face, px, color: color.toLowerCase() });
      this.index.set(key, i);
    }
    return i;
  }
}
