import { describe, expect, it } from 'vitest';
import { FontChain } from '../../gpu-runner/render/fonts.ts';
import { planPages } from '../../gpu-runner/render/index.ts';
import { config, fixture, renderAll, sha256 } from './render-helpers.ts';

// Traditional characters that Fontsource's Noto Sans SC subsets lack (seen as boxes in a
// classical Chinese render): 牿 餱 縟 諍 纊.
const TRADITIONAL_ONLY = [0x727f, 0x9931, 0x7e1f, 0x8acd, 0x7e8a];

describe('traditional Chinese glyphs', () => {
  it('a classical Chinese text (traditional) renders with no missing glyph at glyph-zh', () => {
    const plan = planPages(fixture('texts/shen-yin-yu-excerpt.txt'), config({}, 'glyph-zh'));
    expect(plan.missingGlyphs).toEqual({ count: 0, codePoints: [] });
  });

  it('characters only Noto Sans TC has come from its subsets, in every chain', () => {
    for (const family of ['Noto Sans SC', 'DejaVu Sans'] as const) {
      const chain = FontChain.for(family);
      for (const cp of TRADITIONAL_ONLY) {
        const { face } = chain.char(cp);
        expect(face, `U+${cp.toString(16)}`).toBeGreaterThanOrEqual(0);
        expect(chain.faces[face]!.alias).toMatch(/^glyphgate-noto-sans-tc-/);
      }
    }
  });

  it('Noto Sans SC stays the face of every character it has, traditional ones included', () => {
    const chain = FontChain.for('Noto Sans SC');
    for (const c of '的妇随聖謂')
      expect(chain.faces[chain.char(c.codePointAt(0)!).face]!.alias, c).toMatch(/^glyphgate-noto-sans-sc-/);
  });

  it('paints the fallback glyph, not the .notdef box a character no font has gets', async () => {
    const page = async (text: string) => {
      const { pages, missing } = await renderAll(text, config({ 'auto-crop-width': false }, 'glyph-zh'));
      return { pixels: sha256(pages[0]!.raw!.data), missing: missing.count };
    };
    // U+3F78 (CJK Extension A) is in no shipped font: it is drawn as the box.
    const box = await page('\u{3F78}');
    expect(box.missing).toBe(1);
    const drawn = await Promise.all(['縟', '纊', '諍'].map(page));
    expect(drawn.map((d) => d.missing)).toEqual([0, 0, 0]);
    expect(new Set([box, ...drawn].map((d) => d.pixels)).size).toBe(4);
  });
});
