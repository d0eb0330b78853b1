import { describe, expect, it } from 'vitest';
import {
  PROFILE_NAMES,
  fitPage,
  fittedPageSizes,
  getProfile,
  isFittedPage,
  modelView,
  recommendedPageSize,
  visualTokensFor,
} from '../../protocol/profiles.ts';

// Every expected number below comes from a vendor's rule or code, named beside it; the tests of
// fittedPageSizes/fitPage check their output against those rules, not against the code under test.

describe('cost grid and no-resize limits, per profile', () => {
  it('glm-4.1v: 28-px cells (patch 14 × merge 2), 2 × h × w within 112² … 28² × 15000', () => {
    // transformers Glm4vImageProcessor: patch_size 14, merge_size 2, temporal_patch_size 2,
    // size = {shortest_edge: 112 * 112, longest_edge: 28 * 28 * 15000}; smart_resize scales a side
    // under 28 px up and rejects more than 200:1.
    const { grid, limits } = getProfile('glm-4.1v').geometry;
    expect(grid).toEqual({ kind: 'patches', step: 28, tokensPerCell: 1, baseTokens: 0 });
    expect(limits).toEqual({ minSide: 28, minPixels: 6272, maxPixels: 5_880_000, maxAspectRatio: 200 });
  });

  it('qwen2.5-vl: 28-px cells, h × w within 56² … 28² × 1280', () => {
    // transformers Qwen2VLImageProcessor defaults: patch 14, merge 2, min_pixels 56 * 56,
    // max_pixels 28 * 28 * 1280.
    const { grid, limits } = getProfile('qwen2.5-vl').geometry;
    expect(grid).toEqual({ kind: 'patches', step: 28, tokensPerCell: 1, baseTokens: 0 });
    expect(limits).toEqual({ minPixels: 3136, maxPixels: 1_003_520, maxAspectRatio: 200 });
  });

  it('qwen3-vl: 32-px cells (patch 16 × merge 2), h × w within 65 536 … 16 777 216', () => {
    // Qwen3-VL preprocessor_config.json: patch_size 16, merge_size 2,
    // size = {shortest_edge: 65536, longest_edge: 16777216}.
    const { grid, limits } = getProfile('qwen3-vl').geometry;
    expect(grid).toEqual({ kind: 'patches', step: 32, tokensPerCell: 1, baseTokens: 0 });
    expect(limits).toEqual({ minPixels: 65_536, maxPixels: 16_777_216, maxAspectRatio: 200 });
  });

  it('gpt-4o: 512-px tiles at 170 + 85 per image; short side ≤ 768, long side ≤ 2000', () => {
    // OpenAI vision guide: 170 tokens per 512px square, 85 added; "shortest side … 768px".
    // OpenAI image input requirements: high resolution "768px (short side) x 2000px (long side)".
    const { grid, limits } = getProfile('gpt-4o').geometry;
    expect(grid).toEqual({ kind: 'tiles', step: 512, tokensPerCell: 170, baseTokens: 85 });
    expect(limits).toEqual({ maxShortSide: 768, maxLongSide: 2000 });
  });

  it('claude: pixel area at 750 px a token on 28-px patches; long edge ≤ 1568, ≤ 1.15 MP', () => {
    // Anthropic vision docs: tokens = (width px * height px) / 750; long edge 1568; "no more than
    // 1.15 megapixels"; Claude sees 28 × 28-px patches, images padded to a multiple of 28.
    const { grid, limits } = getProfile('claude').geometry;
    expect(grid.kind).toBe('area');
    expect(grid.step).toBe(28);
    expect(grid.tokensPerCell).toBeCloseTo(784 / 750, 12);
    expect(limits).toEqual({ maxLongSide: 1568, maxPixels: 1_150_000 });
  });

  it('gemini: 768-px tiles at 258 tokens, no published downscale limit', () => {
    // Gemini API token docs: "tiles of 768x768 pixels, each counted as 258 tokens".
    const { grid, limits } = getProfile('gemini').geometry;
    expect(grid).toEqual({ kind: 'tiles', step: 768, tokensPerCell: 258, baseTokens: 0 });
    expect(limits).toEqual({});
  });
});

describe('fitted pages: on the grid and never resized', () => {
  it('glm-4.1v / qwen2.5-vl: multiples of 28 inside the pixel budget', () => {
    // transformers smart_resize (Glm4vImageProcessor / Qwen2VLImageProcessor) returns these sizes
    // unchanged: 588x840 → 588x840 (630 tokens), 420x840 → 420x840 (450).
    for (const name of ['glm-4.1v', 'qwen2.5-vl'] as const) {
      expect(isFittedPage(name, 588, 840)).toBe(true);
      expect(visualTokensFor(name, 588, 840)).toBe(630);
      expect(isFittedPage(name, 420, 840)).toBe(true);
      // 595x842 is off the grid: smart_resize rounds it to 588x840.
      expect(isFittedPage(name, 595, 842)).toBe(false);
    }
    // Qwen2.5-VL's budget is 1280 tokens: 1008x1008 (1296 tokens) is resized to 980x980 by its
    // smart_resize, GLM-4.1V's (7500 tokens) keeps it.
    expect(isFittedPage('qwen2.5-vl', 1008, 1008)).toBe(false);
    expect(modelView('qwen2.5-vl', 1008, 1008)).toEqual({
      size: { width: 980, height: 980 },
      resizedDown: true,
      resizedUp: false,
    });
    expect(isFittedPage('glm-4.1v', 1008, 1008)).toBe(true);
    // GLM's smart_resize grows 56x56 (2 × 56² < 112²) to 84x84.
    expect(isFittedPage('glm-4.1v', 56, 56)).toBe(false);
    expect(modelView('glm-4.1v', 56, 56)).toEqual({
      size: { width: 84, height: 84 },
      resizedDown: false,
      resizedUp: true,
    });
  });

  it('qwen3-vl: multiples of 32, at least 65 536 px', () => {
    // Qwen2-VL smart_resize with Qwen3-VL's config: 608x832 stays (494 tokens); 588x840 becomes
    // 576x832; 224x224 (50 176 px) grows to 256x256.
    expect(isFittedPage('qwen3-vl', 608, 832)).toBe(true);
    expect(visualTokensFor('qwen3-vl', 608, 832)).toBe(494);
    expect(isFittedPage('qwen3-vl', 588, 840)).toBe(false);
    expect(modelView('qwen3-vl', 588, 840)?.size).toEqual({ width: 576, height: 832 });
    expect(isFittedPage('qwen3-vl', 224, 224)).toBe(false);
    expect(modelView('qwen3-vl', 224, 224)?.size).toEqual({ width: 256, height: 256 });
  });

  it('gpt-4o: one 512-px tile wide, up to three tall (e.g. 512x1536)', () => {
    // OpenAI vision guide rule: 512x1536 is neither over 2048 nor over 768 on its short side, so
    // it is cut into 3 tiles as is: 3 × 170 + 85 = 595.
    expect(fittedPageSizes('gpt-4o')).toEqual([
      { width: 1536, height: 512 },
      { width: 512, height: 1536 },
      { width: 1024, height: 512 },
      { width: 512, height: 1024 },
      { width: 512, height: 512 },
    ]);
    expect(visualTokensFor('gpt-4o', 512, 1536)).toBe(595);
    // 1024x1024 is scaled to 768x768 (OpenAI's worked example), so it is not a fitted page.
    expect(isFittedPage('gpt-4o', 1024, 1024)).toBe(false);
    expect(modelView('gpt-4o', 1024, 1024)?.resizedDown).toBe(true);
    // 768x1536 is unscaled but fills 1.5 tiles per row: off the grid.
    expect(isFittedPage('gpt-4o', 768, 1536)).toBe(false);
    expect(modelView('gpt-4o', 768, 1536)?.resizedDown).toBe(false);
  });

  it('claude: multiples of 28, long edge ≤ 1568, at most 1.15 MP', () => {
    // Anthropic vision docs: 1092x1092 (1.19 MP) is unresized but over the 1.15 MP advice;
    // 1008x1120 (1.13 MP) keeps to both and costs 1008 × 1120 / 750 = 1505.28 → 1506.
    expect(isFittedPage('claude', 1008, 1120)).toBe(true);
    expect(visualTokensFor('claude', 1008, 1120)).toBe(1506);
    expect(isFittedPage('claude', 1092, 1092)).toBe(false);
    expect(modelView('claude', 1092, 1092)?.resizedDown).toBe(false);
    // Long edge 1596 > 1568 is scaled down even though it is on the grid and small in area.
    expect(isFittedPage('claude', 560, 1596)).toBe(false);
    expect(modelView('claude', 560, 1596)?.resizedDown).toBe(true);
  });

  it('gemini: whole 768-px tiles (768x768 = 258 tokens)', () => {
    // Gemini API token docs: each 768x768 tile is 258 tokens.
    expect(isFittedPage('gemini', 768, 768)).toBe(true);
    expect(visualTokensFor('gemini', 768, 768)).toBe(258);
    expect(isFittedPage('gemini', 768, 1536)).toBe(true);
    expect(visualTokensFor('gemini', 768, 1536)).toBe(516);
    expect(isFittedPage('gemini', 800, 768)).toBe(false);
    expect(visualTokensFor('gemini', 800, 768)).toBe(516);
    expect(fittedPageSizes('gemini')).toHaveLength(4); // 768/1536 × 768/1536 within 2048
    expect(modelView('gemini', 768, 768)).toBeUndefined(); // no published resize rule
  });

  it('every listed fitted page is one the model keeps as is and fills whole cells of', () => {
    for (const name of PROFILE_NAMES) {
      const profile = getProfile(name);
      const { step, tokensPerCell, baseTokens } = profile.geometry.grid;
      const sizes = fittedPageSizes(name, { maxWidth: 1600, maxHeight: 1600 });
      expect(sizes.length, name).toBeGreaterThan(0);
      for (const { width, height } of sizes) {
        expect(width % step === 0 && height % step === 0, `${name} ${width}x${height}`).toBe(true);
        const view = modelView(name, width, height);
        if (view) expect(view.size, `${name} ${width}x${height}`).toEqual({ width, height });
        const cells = (width / step) * (height / step);
        const expected =
          profile.geometry.grid.kind === 'area'
            ? Math.ceil((width * height) / 750)
            : cells * tokensPerCell + baseTokens;
        expect(profile.visualTokens(width, height), `${name} ${width}x${height}`).toBe(expected);
      }
    }
  });
});

describe('recommended pages for dense text', () => {
  it('names one fitted page per profile, with its vendor price', () => {
    const expected = {
      // smart_resize of Glyph's 595x842 page (transformers Glm4vImageProcessor / Qwen2VLImageProcessor).
      'glm-4.1v': [588, 840, 630],
      'qwen2.5-vl': [588, 840, 630],
      // Qwen2-VL smart_resize with Qwen3-VL's patch 16: 19 × 26 cells.
      'qwen3-vl': [608, 832, 494],
      // OpenAI vision guide: 3 tiles × 170 + 85.
      'gpt-4o': [512, 1536, 595],
      // Anthropic vision docs: ceil(896 × 1260 / 750) = ceil(1505.28).
      claude: [896, 1260, 1506],
      // Gemini API token docs: one 768-px tile.
      gemini: [768, 768, 258],
    } as const;
    for (const name of PROFILE_NAMES) {
      const page = recommendedPageSize(name);
      const [w, h, tokens] = expected[name];
      expect(page, name).toEqual({ width: w, height: h });
      expect(isFittedPage(name, w, h), name).toBe(true);
      expect(visualTokensFor(name, w, h), name).toBe(tokens);
      expect(getProfile(name).geometry.recommendedBecause.length).toBeGreaterThan(0);
    }
  });
});

describe('fitPage', () => {
  it('snaps a box down to the largest fitted page inside it', () => {
    // Glyph's A4 72-dpi page: 28-px grid → 588x840 (GLM/Qwen2.5), 32-px grid → 576x832 (Qwen3).
    expect(fitPage('glm-4.1v', { width: 595, height: 842 })).toEqual({ width: 588, height: 840 });
    expect(fitPage('qwen3-vl', { width: 595, height: 842 })).toEqual({ width: 576, height: 832 });
    // GPT-4o: a box up to 1000 x 2048 holds at most one tile across (two would be 1024 wide) and
    // three down (four, 2048, exceed the 2000-px input limit).
    expect(fitPage('gpt-4o', { width: 1000, height: 2048 })).toEqual({ width: 512, height: 1536 });
    // Claude: 1568 x 1568 is capped by 1.15 MP; the largest 28-multiple page inside is square-ish.
    const c = fitPage('claude', { width: 1568, height: 1568 });
    expect(c.width * c.height).toBeLessThanOrEqual(1_150_000);
    expect((c.width % 28) + (c.height % 28)).toBe(0);
    expect(c.width * c.height).toBeGreaterThan(1_100_000);
    // Gemini has nothing smaller than one 768-px tile on its grid.
    expect(() => fitPage('gemini', { width: 595, height: 842 })).toThrowError(RangeError);
    expect(fitPage('gemini', { width: 1600, height: 1000 })).toEqual({ width: 1536, height: 768 });
  });

  it('finds the largest page of a shape within a pixel budget', () => {
    // A4's shape (1 : √2) within the recommended page's area gives the recommended page back.
    expect(fitPage('glm-4.1v', { aspect: Math.SQRT1_2 })).toEqual({ width: 588, height: 840 });
    expect(fitPage('claude', { aspect: Math.SQRT1_2 })).toEqual({ width: 896, height: 1260 });
    // A square within 1 MP on Qwen3-VL's 32-px grid: 992x992 (31 cells a side; 32 would be 1 048 576 px).
    expect(fitPage('qwen3-vl', { aspect: 1, maxPixels: 1_000_000 })).toEqual({ width: 992, height: 992 });
    // GPT-4o has only 1:1, 1:2, 1:3 pages; 1:3 is closest to a 1:2.8 request.
    expect(fitPage('gpt-4o', { aspect: 1 / 2.8, maxPixels: 1 << 20 })).toEqual({ width: 512, height: 1536 });
    expect(() => fitPage('gpt-4o', { aspect: 0 })).toThrowError(RangeError);
  });
});
