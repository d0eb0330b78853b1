import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import {
  GLM_41V_RULE,
  PROFILE_NAMES,
  QWEN25_VL_RULE,
  QWEN3_VL_RULE,
  getProfile,
  isProfileName,
  visualTokensFor,
  type ProfileName,
  type SmartResizeRule,
} from '../../protocol/profiles.ts';

// A Glyph page at 72 dpi (A4), and the same page after cropping the side margins.
const PAGE = { width: 595, height: 842 } as const;
const CROPPED = { width: 420, height: 842 } as const;

function resized(name: ProfileName, width: number, height: number): [number, number] {
  const size = getProfile(name).resizedTo!(width, height);
  return [size.width, size.height];
}

describe('profile registry', () => {
  it('lists the six profiles the design names', () => {
    expect(PROFILE_NAMES).toEqual(['glm-4.1v', 'qwen2.5-vl', 'qwen3-vl', 'gpt-4o', 'claude', 'gemini']);
    for (const name of PROFILE_NAMES) {
      expect(isProfileName(name)).toBe(true);
      const profile = getProfile(name);
      expect(profile.name).toBe(name);
      expect(profile.description.length).toBeGreaterThan(0);
      expect(profile.source).toMatch(/^https:\/\//);
    }
  });

  it('rejects unknown names, naming the name and the allowed ones', () => {
    for (const bad of ['gpt-5', 'GLM-4.1V', '', 'constructor', '__proto__']) {
      expect(isProfileName(bad)).toBe(false);
      expect(() => getProfile(bad)).toThrowError(Error);
    }
    expect(() => getProfile('gpt-5')).toThrowError(
      'unknown visual-token profile "gpt-5"; expected one of: glm-4.1v, qwen2.5-vl, qwen3-vl, gpt-4o, claude, gemini',
    );
    expect(() => visualTokensFor('llava', 100, 100)).toThrowError(/"llava".*glm-4\.1v/);
  });

  it("visualTokensFor prices a Glyph A4 72-dpi page (595x842) by each vendor's rule", () => {
    // transformers Glm4vImageProcessor / Qwen2VLImageProcessor smart_resize run on 595x842:
    // 588x840 → 630 (GLM, Qwen2.5), 608x832 → 494 (Qwen3-VL patch 16).
    expect(visualTokensFor('glm-4.1v', PAGE.width, PAGE.height)).toBe(630);
    expect(visualTokensFor('qwen2.5-vl', PAGE.width, PAGE.height)).toBe(630);
    expect(visualTokensFor('qwen3-vl', PAGE.width, PAGE.height)).toBe(494);
    // OpenAI vision guide: 2 × 2 tiles of 512 px → 170 × 4 + 85.
    expect(visualTokensFor('gpt-4o', PAGE.width, PAGE.height)).toBe(765);
    // Anthropic vision docs: ceil(595 × 842 / 750) = ceil(667.99).
    expect(visualTokensFor('claude', PAGE.width, PAGE.height)).toBe(668);
    // Gemini token docs: 1 × 2 tiles of 768 px × 258.
    expect(visualTokensFor('gemini', PAGE.width, PAGE.height)).toBe(516);
  });

  it('throws RangeError for sizes that are not positive whole pixels, in every profile', () => {
    const bad: Array<[number, number]> = [
      [0, 842],
      [595, 0],
      [-1, 10],
      [Number.NaN, 10],
      [10, Number.POSITIVE_INFINITY],
      [10.5, 20],
      [2 ** 53, 10],
    ];
    for (const name of PROFILE_NAMES) {
      const profile = getProfile(name);
      for (const [w, h] of bad) {
        expect(() => profile.visualTokens(w, h), `${name} ${w}x${h}`).toThrowError(RangeError);
        if (profile.resizedTo) expect(() => profile.resizedTo!(w, h)).toThrowError(RangeError);
      }
    }
  });
});

// Source of every expected size for the three smart_resize models: transformers' own smart_resize
// functions (glm4v/image_processing_glm4v.py with Glm4vImageProcessor's size defaults,
// qwen2_vl/image_processing_qwen2_vl.py with the Qwen2VLImageProcessor defaults, and with Qwen3-VL's
// preprocessor_config.json: patch 16, 65 536 – 16 777 216 px), run in Python on each size listed.
describe('glm-4.1v (transformers Glm4vImageProcessor)', () => {
  const tokens = (w: number, h: number) => visualTokensFor('glm-4.1v', w, h);

  it('prices a Glyph page: 595x842 → 588x840 → 42 × 60 patches → 630 tokens', () => {
    expect(resized('glm-4.1v', PAGE.width, PAGE.height)).toEqual([588, 840]);
    expect(tokens(PAGE.width, PAGE.height)).toBe(630);
    expect(resized('glm-4.1v', CROPPED.width, CROPPED.height)).toEqual([420, 840]);
    expect(tokens(CROPPED.width, CROPPED.height)).toBe(450);
    expect(tokens(500, 842)).toBe(540);
  });

  it('rounds sides to multiples of 28 the way Python does (half to even)', () => {
    // 210 / 28 = 7.5 → 8; 1050 / 28 = 37.5 → 38 (both even); half-up would agree here…
    expect(resized('glm-4.1v', 210, 1050)).toEqual([224, 1064]);
    expect(tokens(210, 1050)).toBe(304);
    // …and differ here: 238 / 28 = 8.5 → 8, where Math.round would give 9 (252 px).
    expect(resized('glm-4.1v', 238, 238)).toEqual([224, 224]);
    expect(tokens(1000, 1000)).toBe(1296); // 35.7 → 36 → 1008 px
    expect(tokens(1024, 1024)).toBe(1369); // 36.6 → 37 → 1036 px
  });

  it('counts a still image as 2 frames against min_pixels: tiny images grow to 84x84 (9 tokens)', () => {
    // 2 × 28 × 28 < 112 × 112, so smart_resize scales up: ceil(28 × 2√2 / 28) × 28 = 84.
    for (const side of [1, 10, 28, 42, 70]) expect(resized('glm-4.1v', side, side)).toEqual([84, 84]);
    expect(tokens(1, 1)).toBe(9);
    expect(tokens(98, 98)).toBe(16);
    // A side under 28 px is first scaled up to 28 (aspect kept), then smart-resized.
    expect(resized('glm-4.1v', 20, 500)).toEqual([28, 700]);
    expect(resized('glm-4.1v', 10, 1000)).toEqual([28, 2800]);
  });

  it('caps very tall and very large images at 2 × h × w ≤ 28 × 28 × 15000', () => {
    expect(resized('glm-4.1v', 595, 20_000)).toEqual([392, 14_056]);
    expect(tokens(595, 20_000)).toBe(7028);
    expect(resized('glm-4.1v', 4000, 4000)).toEqual([2408, 2408]);
    expect(tokens(4000, 4000)).toBe(7396);
    expect(tokens(2048, 4096)).toBe(7442);
  });

  it('rejects aspect ratios over 200:1 as the processor does; exactly 200:1 passes', () => {
    expect(() => tokens(6, 1400)).toThrowError(RangeError);
    expect(() => tokens(1400, 6)).toThrowError(/200:1/);
    expect(tokens(7, 1400)).toBe(200);
  });
});

describe('qwen2.5-vl (transformers Qwen2VLImageProcessor defaults)', () => {
  const tokens = (w: number, h: number) => visualTokensFor('qwen2.5-vl', w, h);

  it('prices a Glyph page like GLM-4.1V (same 28-px factor, budget not reached)', () => {
    expect(resized('qwen2.5-vl', PAGE.width, PAGE.height)).toEqual([588, 840]);
    expect(tokens(PAGE.width, PAGE.height)).toBe(630);
    expect(tokens(CROPPED.width, CROPPED.height)).toBe(450);
    expect(tokens(300, 200)).toBe(77);
  });

  it('caps at max_pixels = 28 × 28 × 1280: 1000x1000 → 980x980 → 1225 tokens', () => {
    expect(resized('qwen2.5-vl', 1000, 1000)).toEqual([980, 980]);
    expect(tokens(1000, 1000)).toBe(1225);
    expect(tokens(4000, 4000)).toBe(1225);
    expect(resized('qwen2.5-vl', 2048, 4096)).toEqual([700, 1400]);
    expect(tokens(2048, 4096)).toBe(1250);
    expect(resized('qwen2.5-vl', 595, 20_000)).toEqual([168, 5796]);
    expect(tokens(595, 20_000)).toBe(1242);
  });

  it('grows tiny images to min_pixels = 56 × 56 (4 tokens) and rounds half to even', () => {
    // Qwen2.5-VL model card: "the number of visual tokens per image … is 4-16384" (4 = 56² / 28²).
    expect(resized('qwen2.5-vl', 1, 1)).toEqual([56, 56]);
    expect(tokens(1, 1)).toBe(4);
    expect(tokens(64, 64)).toBe(4);
    expect(resized('qwen2.5-vl', 20, 500)).toEqual([28, 504]);
    expect(resized('qwen2.5-vl', 238, 238)).toEqual([224, 224]);
    expect(() => tokens(1400, 6)).toThrowError(RangeError);
  });
});

describe('qwen3-vl (Qwen2-VL processor with patch 16, merge 2, Qwen3-VL budget)', () => {
  const tokens = (w: number, h: number) => visualTokensFor('qwen3-vl', w, h);

  it('prices a Glyph page on a 32-px grid: 595x842 → 608x832 → 494 tokens', () => {
    expect(resized('qwen3-vl', PAGE.width, PAGE.height)).toEqual([608, 832]);
    expect(tokens(PAGE.width, PAGE.height)).toBe(494);
    expect(resized('qwen3-vl', CROPPED.width, CROPPED.height)).toEqual([416, 832]);
    expect(tokens(CROPPED.width, CROPPED.height)).toBe(338);
  });

  it('keeps large images whole up to 16 777 216 px: 1024² → 1024 tokens, 2048x4096 → 8192', () => {
    expect(tokens(1024, 1024)).toBe(1024);
    expect(tokens(2048, 4096)).toBe(8192);
    expect(resized('qwen3-vl', 3000, 3000)).toEqual([3008, 3008]);
    expect(resized('qwen3-vl', 5000, 6000)).toEqual([3712, 4480]);
    expect(tokens(5000, 6000)).toBe(16_240);
  });

  it('grows tiny images to min 65 536 px: 256x256 → 64 tokens', () => {
    expect(resized('qwen3-vl', 1, 1)).toEqual([256, 256]);
    expect(tokens(1, 1)).toBe(64);
    expect(tokens(100, 100)).toBe(64);
  });
});

describe('smart_resize invariants (property)', () => {
  const rules: Array<[ProfileName, SmartResizeRule]> = [
    ['glm-4.1v', GLM_41V_RULE],
    ['qwen2.5-vl', QWEN25_VL_RULE],
    ['qwen3-vl', QWEN3_VL_RULE],
  ];
  const size = fc
    .tuple(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }))
    .filter(([w, h]) => Math.max(w, h) / Math.min(w, h) <= 100);

  it('resizes to multiples of patch × merge, within the pixel budget, to a size it keeps', {
    timeout: fuzzTimeoutMs(),
  }, () => {
    for (const [name, rule] of rules) {
      const factor = rule.patchSize * rule.mergeSize;
      fc.assert(
        fc.property(size, ([w, h]) => {
          const [rw, rh] = resized(name, w, h);
          expect(rw % factor).toBe(0);
          expect(rh % factor).toBe(0);
          expect(rule.framesPerImage * rw * rh).toBeLessThanOrEqual(rule.maxPixels);
          expect(Number.isInteger(visualTokensFor(name, w, h))).toBe(true);
          // smart_resize of its own output is that output: a resized image is not resized again.
          expect(resized(name, rw, rh)).toEqual([rw, rh]);
        }),
        fuzzParameters(300, rules.length),
      );
    }
  });
});

describe('gpt-4o (OpenAI "detail: high")', () => {
  const tokens = (w: number, h: number) => visualTokensFor('gpt-4o', w, h);

  it("matches OpenAI's worked examples", () => {
    // "1024 x 1024 … scale the image down to 768 x 768. 4 512px square tiles … 170 * 4 + 85 = 765."
    expect(resized('gpt-4o', 1024, 1024)).toEqual([768, 768]);
    expect(tokens(1024, 1024)).toBe(765);
    // "2048 x 4096 … scale down to 1024 x 2048 … further scale down to 768 x 1536. 6 512px tiles … 1105."
    expect(resized('gpt-4o', 2048, 4096)).toEqual([768, 1536]);
    expect(tokens(2048, 4096)).toBe(1105);
  });

  it('only shrinks: small images are tiled as they are', () => {
    // OpenAI vision guide's rule: each 512-px square costs 170, plus 85 per image; both resize
    // steps ("fit within 2048 x 2048", "shortest side 768") only apply to larger images.
    expect(resized('gpt-4o', 128, 64)).toEqual([128, 64]);
    expect(tokens(128, 64)).toBe(255);
    expect(tokens(512, 512)).toBe(255);
    expect(tokens(513, 512)).toBe(425);
    expect(tokens(PAGE.width, PAGE.height)).toBe(765); // 2 × 2 tiles
    expect(tokens(CROPPED.width, CROPPED.height)).toBe(425); // 1 × 2 tiles
  });

  it('fits a very tall image in 2048 px first', () => {
    // OpenAI vision guide: "scaled to fit within a 2048 x 2048 square, maintaining their aspect ratio".
    expect(resized('gpt-4o', 595, 20_000)).toEqual([60, 2048]);
    expect(tokens(595, 20_000)).toBe(4 * 170 + 85);
    expect(tokens(1, 1)).toBe(255);
  });
});

describe('claude (Anthropic vision docs)', () => {
  const tokens = (w: number, h: number) => visualTokensFor('claude', w, h);

  it("matches the docs' table: 200² → ~54, 1000² → ~1334, 1092² → ~1590", () => {
    // Anthropic vision docs, "Calculate image costs": tokens = (width × height) / 750.
    expect(tokens(200, 200)).toBe(54);
    expect(tokens(1000, 1000)).toBe(1334);
    expect(tokens(1092, 1092)).toBe(1590);
  });

  it('leaves the docs\' "largest sizes not resized" as they are, for every aspect ratio listed', () => {
    // Anthropic vision docs, table of maximum image sizes that will not be resized.
    for (const [w, h] of [
      [1092, 1092], // 1:1
      [951, 1268], // 3:4
      [896, 1344], // 2:3
      [819, 1456], // 9:16
      [784, 1568], // 1:2
    ] as const) {
      expect(resized('claude', w, h), `${w}x${h}`).toEqual([w, h]);
      expect(resized('claude', h, w), `${h}x${w}`).toEqual([h, w]);
    }
  });

  it('scales down anything larger than those: a side over 1568 px, or a square over 1092', () => {
    // "If your image's long edge is more than 1568 pixels … it will first be scaled down,
    // preserving aspect ratio" (Anthropic vision docs).
    expect(resized('claude', 595, 20_000)).toEqual([46, 1568]);
    expect(resized('claude', 768, 2048)).toEqual([588, 1568]);
    // 1093² is over the 1:1 maximum of 1092², so it comes back at that maximum.
    expect(resized('claude', 1093, 1093)).toEqual([1092, 1092]);
    expect(resized('claude', 4000, 4000)).toEqual([1092, 1092]);
    expect(tokens(4000, 4000)).toBe(1590);
    // Any image ends at about the ~1600-token ceiling the docs give, never far above it.
    expect(tokens(5000, 6000)).toBeGreaterThan(1500);
    expect(tokens(5000, 6000)).toBeLessThanOrEqual(1640);
  });

  it('prices a Glyph page at (595 × 842) / 750, rounded up', () => {
    expect(tokens(PAGE.width, PAGE.height)).toBe(668);
    expect(tokens(1, 1)).toBe(1);
  });
});

describe('gemini (Gemini API token docs)', () => {
  const tokens = (w: number, h: number) => visualTokensFor('gemini', w, h);

  it('charges 258 tokens when both sides are ≤ 384 px', () => {
    // Gemini API token docs: "image inputs with both dimensions <=384 pixels are counted as 258 tokens".
    expect(tokens(384, 384)).toBe(258);
    expect(tokens(1, 1)).toBe(258);
    expect(tokens(100, 384)).toBe(258);
  });

  it('otherwise charges 258 per 768x768 tile', () => {
    // Gemini API token docs: larger images are "cropped and scaled as needed into tiles of
    // 768x768 pixels, each counted as 258 tokens".
    expect(tokens(385, 100)).toBe(258); // one tile
    expect(tokens(768, 768)).toBe(258);
    expect(tokens(769, 768)).toBe(516);
    expect(tokens(1000, 1000)).toBe(1032);
    expect(tokens(PAGE.width, PAGE.height)).toBe(516);
    expect(tokens(595, 20_000)).toBe(27 * 258);
  });

  it('does not claim a resize rule Google does not publish', () => {
    expect(getProfile('gemini').resizedTo).toBeUndefined();
  });
});
