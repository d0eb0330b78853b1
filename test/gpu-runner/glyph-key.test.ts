import { describe, expect, it } from 'vitest';
import { glyphKey, MAX_FACES, SUBPIXEL_STEPS, splitGlyphKey } from '../../gpu-runner/render/glyph-atlas.ts';
import { FontChain } from '../../gpu-runner/render/fonts.ts';

describe('glyph keys', () => {
  it('round-trip every face, the .notdef box and the last code point, and fit a Uint32 with the marker bit', () => {
    for (const cp of [0x20, 0x4e00, 0x3f78, 0x10ffff]) {
      for (const face of [-1, 0, 1, 127, 128, MAX_FACES - 2]) {
        for (let phase = 0; phase < SUBPIXEL_STEPS; phase++) {
          const key = glyphKey(face, cp, phase);
          expect(splitGlyphKey(key)).toEqual({ face, cp, phase });
          expect(key * 2 + 1).toBeLessThan(2 ** 32);
        }
      }
    }
  });

  it('gives distinct keys to one code point in two faces past the 128th (Noto Sans TC subsets)', () => {
    expect(glyphKey(130, 0x7e1f, 0)).not.toBe(glyphKey(2, 0x7e1f + 1, 0));
    expect(new Set([0, 127, 128, 200].map((face) => glyphKey(face, 0x7e1f, 0))).size).toBe(4);
  });

  it('every shipped font chain fits the key space', () => {
    for (const family of ['Noto Sans SC', 'DejaVu Sans'] as const)
      expect(FontChain.for(family).faces.length).toBeLessThan(MAX_FACES);
  });
});
