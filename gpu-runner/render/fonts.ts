import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as fontkit from 'fontkit';
import { GlobalFonts } from '@napi-rs/canvas';
import type { FontFamily } from '../../protocol/render-config.ts';

const require = createRequire(import.meta.url);

/** One font file the runner ships: parsed lazily, registered with Skia under a private alias. */
interface FontFace {
  /** Alias under which Skia knows this file (never a system family name, so no system fallback). */
  alias: string;
  path: string;
  /** Code points this file is meant for (Fontsource's unicode-range), when known without parsing. */
  ranges?: Array<[number, number]>;
  parsed?: fontkit.Font;
  registered?: boolean;
}

/** Metrics of one character in a font chain: which face draws it and its advance in em units. */
export interface CharInfo {
  /** Index of the face in the chain, or -1 when no face has the character. */
  face: number;
  /** Advance width in em (multiply by the font size in pixels). */
  advance: number;
}

/** Vertical metrics of the chain's primary face, in em. */
export interface VerticalMetrics {
  ascent: number;
  descent: number;
}

function dejavuPath(file: string): string {
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', file);
}

/**
 * Every 400-weight subset of a Fontsource Noto Sans CJK package, Latin subsets first, each with
 * the unicode-range Fontsource gives it (so a code point parses only the subset meant for it).
 */
function notoFaces(pkg: '@fontsource/noto-sans-sc' | '@fontsource/noto-sans-tc', prefix: string): FontFace[] {
  const root = dirname(require.resolve(`${pkg}/package.json`));
  const unicode = JSON.parse(readFileSync(join(root, 'unicode.json'), 'utf8')) as Record<string, string>;
  // Latin first so that Latin letters in Chinese text take Noto's Latin (as Source Han Sans does in Glyph).
  const keys = Object.keys(unicode).sort((a, b) => subsetOrder(a) - subsetOrder(b));
  return keys.map((key) => {
    const subset = key.replace(/^\[(\d+)\]$/, '$1');
    return {
      alias: `glyphgate-${prefix}-${subset}`,
      path: join(root, 'files', `${prefix}-${subset}-400-normal.woff2`),
      ranges: parseUnicodeRange(unicode[key]!),
    };
  });
}

function subsetOrder(key: string): number {
  const named = ['latin', 'latin-ext', 'cyrillic', 'vietnamese'].indexOf(key);
  return named >= 0 ? named : 10 + Number(key.replace(/\D/g, ''));
}

function parseUnicodeRange(spec: string): Array<[number, number]> {
  return spec.split(',').map((part) => {
    const [a, b] = part.trim().replace(/^U\+/i, '').split('-');
    const start = parseInt(a!, 16);
    return [start, b === undefined ? start : parseInt(b, 16)];
  });
}

/**
 * Faces the styled renderer draws with beyond the config's families: DejaVu's bold and oblique
 * cuts (headings, emphasis, syntax colours in bold). Not config families: a render config still
 * names one of `FONT_FAMILIES`; these are chosen per run by the styled layout.
 */
export const STYLED_FACES = [
  'DejaVu Sans Bold',
  'DejaVu Sans Oblique',
  'DejaVu Sans Bold Oblique',
  'DejaVu Sans Mono Bold',
  'DejaVu Sans Mono Oblique',
  'DejaVu Sans Mono Bold Oblique',
] as const;

/** A config family or one of the {@link STYLED_FACES}. */
export type FaceName = FontFamily | (typeof STYLED_FACES)[number];

const familyFaces = new Map<FaceName, () => FontFace[]>([
  ['DejaVu Sans Bold', () => [{ alias: 'glyphgate-dejavu-sans-bold', path: dejavuPath('DejaVuSans-Bold.ttf') }]],
  [
    'DejaVu Sans Oblique',
    () => [{ alias: 'glyphgate-dejavu-sans-oblique', path: dejavuPath('DejaVuSans-Oblique.ttf') }],
  ],
  [
    'DejaVu Sans Bold Oblique',
    () => [{ alias: 'glyphgate-dejavu-sans-bold-oblique', path: dejavuPath('DejaVuSans-BoldOblique.ttf') }],
  ],
  [
    'DejaVu Sans Mono Bold',
    () => [{ alias: 'glyphgate-dejavu-sans-mono-bold', path: dejavuPath('DejaVuSansMono-Bold.ttf') }],
  ],
  [
    'DejaVu Sans Mono Oblique',
    () => [{ alias: 'glyphgate-dejavu-sans-mono-oblique', path: dejavuPath('DejaVuSansMono-Oblique.ttf') }],
  ],
  [
    'DejaVu Sans Mono Bold Oblique',
    () => [{ alias: 'glyphgate-dejavu-sans-mono-bold-oblique', path: dejavuPath('DejaVuSansMono-BoldOblique.ttf') }],
  ],
  ['DejaVu Sans', () => [{ alias: 'glyphgate-dejavu-sans', path: dejavuPath('DejaVuSans.ttf') }]],
  ['DejaVu Serif', () => [{ alias: 'glyphgate-dejavu-serif', path: dejavuPath('DejaVuSerif.ttf') }]],
  ['DejaVu Sans Mono', () => [{ alias: 'glyphgate-dejavu-sans-mono', path: dejavuPath('DejaVuSansMono.ttf') }]],
  ['Noto Sans SC', () => notoFaces('@fontsource/noto-sans-sc', 'noto-sans-sc')],
]);

/**
 * Noto Sans TC, the last fallback of every chain: Fontsource's SC subsets leave out traditional
 * characters that classical and Taiwanese/Hong Kong text uses (牿 餱 縟 諍 纊 …), which would
 * otherwise be drawn as boxes. A fallback rather than a per-text choice of family: SC stays the
 * face of every character it has, so pages of text that rendered fully before are unchanged
 * (same bytes for the same config), and only characters that were boxes now get a glyph; both
 * are the same Source Han Sans design at the same metrics, so mixing them on a line is seamless.
 */
function traditionalFaces(): FontFace[] {
  traditionalCache ??= notoFaces('@fontsource/noto-sans-tc', 'noto-sans-tc');
  return traditionalCache;
}
let traditionalCache: FontFace[] | undefined;

const faceCache = new Map<FaceName, FontFace[]>();
function facesOf(family: FaceName): FontFace[] {
  let faces = faceCache.get(family);
  if (!faces) {
    faces = familyFaces.get(family)!();
    faceCache.set(family, faces);
  }
  return faces;
}

/**
 * A font chain: the primary family, then DejaVu Sans, Noto Sans SC and Noto Sans TC as per-glyph fallback.
 * Resolves each code point to the first face that has it; results are cached per chain, and
 * font files are parsed (and registered with Skia) only when a character first needs them.
 */
export class FontChain {
  readonly faces: FontFace[];
  private readonly chars = new Map<number, CharInfo>();
  readonly vertical: VerticalMetrics;

  private constructor(faces: FontFace[]) {
    this.faces = faces;
    const primary = this.parse(0);
    this.vertical = { ascent: primary.ascent / primary.unitsPerEm, descent: -primary.descent / primary.unitsPerEm };
  }

  /** The chain for a config's `font-family` (shared: chains are immutable apart from caches). */
  static for(family: FaceName): FontChain {
    let chain = chains.get(family);
    if (!chain) {
      const order: FaceName[] = [family, 'DejaVu Sans', 'Noto Sans SC'];
      const faces = [...[...new Set(order)].flatMap(facesOf), ...traditionalFaces()];
      chain = new FontChain(faces);
      chains.set(family, chain);
    }
    return chain;
  }

  /** Face and advance of a code point; face -1 when no shipped font has it. */
  char(cp: number): CharInfo {
    let info = this.chars.get(cp);
    if (!info) {
      info = this.resolve(cp);
      this.chars.set(cp, info);
    }
    return info;
  }

  /** Skia family alias of face `i`, registering the file on first use. */
  alias(i: number): string {
    const face = this.faces[i]!;
    if (!face.registered) {
      GlobalFonts.registerFromPath(face.path, face.alias);
      face.registered = true;
    }
    return face.alias;
  }

  private resolve(cp: number): CharInfo {
    for (let i = 0; i < this.faces.length; i++) {
      const face = this.faces[i]!;
      if (face.ranges && !inRanges(face.ranges, cp)) continue;
      const font = this.parse(i);
      if (font.hasGlyphForCodePoint(cp)) {
        return { face: i, advance: font.glyphForCodePoint(cp).advanceWidth / font.unitsPerEm };
      }
    }
    // Drawn as the primary face's .notdef box, so the reader sees that something is there.
    const primary = this.parse(0);
    return { face: -1, advance: primary.getGlyph(0).advanceWidth / primary.unitsPerEm };
  }

  private parse(i: number): fontkit.Font {
    const face = this.faces[i]!;
    if (!face.parsed) {
      const parsed = fontkit.create(readFileSync(face.path));
      face.parsed = 'fonts' in parsed ? parsed.fonts[0]! : parsed;
    }
    return face.parsed;
  }
}

const chains = new Map<FaceName, FontChain>();

function inRanges(ranges: Array<[number, number]>, cp: number): boolean {
  for (const [a, b] of ranges) if (cp >= a && cp <= b) return true;
  return false;
}
