import { describe, expect, it } from 'vitest';
import { visualTokensFor } from '../../protocol/profiles.ts';
import { compressDecision, worthIt } from '../../protocol/worth-it.ts';

describe('worthIt', () => {
  it("says a 47-character text (11 tokens) is not worth one gpt-4o page (255 tokens): issue 11's example", () => {
    // One page of a 47-character text is a single 512-px tile under OpenAI's rule: 170 + 85.
    const visualTokens = visualTokensFor('gpt-4o', 512, 512);
    expect(visualTokens).toBe(255);
    expect(worthIt({ textTokens: 11, visualTokens })).toEqual({ worthIt: false, ratio: 0.04, tokensSaved: -244 });
  });

  it('is worth it only when the pages cost strictly fewer tokens', () => {
    expect(worthIt({ textTokens: 2510, visualTokens: 1000 })).toEqual({
      worthIt: true,
      ratio: 2.51,
      tokensSaved: 1510,
    });
    expect(worthIt({ textTokens: 256, visualTokens: 255 }).worthIt).toBe(true);
    expect(worthIt({ textTokens: 255, visualTokens: 255 })).toEqual({ worthIt: false, ratio: 1, tokensSaved: 0 });
    expect(worthIt({ textTokens: 0, visualTokens: 255 }).worthIt).toBe(false);
  });

  it('rejects counts that are not whole numbers >= 0, and pages that cost nothing', () => {
    for (const [t, v] of [
      [-1, 10],
      [10, -1],
      [1.5, 10],
      [10, Number.NaN],
      [Number.POSITIVE_INFINITY, 10],
      [10, 0],
    ]) {
      expect(() => worthIt({ textTokens: t!, visualTokens: v! }), `${t} ${v}`).toThrowError(RangeError);
    }
  });
});

describe('compressDecision', () => {
  it('passes the text through when pages do not pay', () => {
    expect(compressDecision({ textTokens: 11, visualTokens: 255 })).toEqual({
      worthIt: false,
      ratio: 0.04,
      tokensSaved: -244,
      passthrough: true,
    });
    expect(compressDecision({ textTokens: 255, visualTokens: 255 }).passthrough).toBe(true);
  });

  it('returns pages when they pay', () => {
    expect(compressDecision({ textTokens: 5010, visualTokens: 1000 })).toEqual({
      worthIt: true,
      ratio: 5.01,
      tokensSaved: 4010,
      passthrough: false,
    });
  });

  it('returns pages anyway when the caller does not allow passthrough', () => {
    const d = compressDecision({ textTokens: 11, visualTokens: 255 }, { allowPassthrough: false });
    expect(d.worthIt).toBe(false);
    expect(d.passthrough).toBe(false);
  });
});
