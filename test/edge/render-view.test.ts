import { describe, expect, it } from 'vitest';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { visualTokensFor } from '../../protocol/profiles.ts';
import { needsFamilyCount, renderView } from '../../edge/renders/render-view.ts';
import type { StoredManifest } from '../../edge/storage/renders.ts';

const config = resolveRenderConfig({}) as NonNullable<StoredManifest['config']>;
const sha = 'a'.repeat(64);
const renderId = 'b'.repeat(64);

/** A manifest priced for glm-4.1v (Qwen3 text tokens): two 512 x 1536 pages. */
function manifest(overrides: Partial<StoredManifest> = {}): StoredManifest {
  const pages = [1, 2].map((n) => ({
    n,
    width: 512,
    height: 1536,
    visualTokens: visualTokensFor('glm-4.1v', 512, 1536),
    sha256: 'c'.repeat(64),
  }));
  const visualTokens = pages.reduce((s, p) => s + p.visualTokens, 0);
  return {
    textSha256: sha,
    configHash: 'd'.repeat(64),
    config,
    reflowed: true,
    textTokenizer: { family: 'qwen3', estimate: true },
    profile: 'glm-4.1v',
    chars: 9000,
    pages,
    totals: { pages: 2, visualTokens, textTokens: 5000, ratio: Math.round((5000 / visualTokens) * 100) / 100 },
    missingGlyphs: { count: 0, codePoints: [] },
    storedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('renderView', () => {
  it("reports the runner's profile as priced: config, reflowed, tokenizer, worthIt, page URLs under the render id", () => {
    const view = renderView({
      manifest: manifest(),
      renderId,
      profile: 'glm-4.1v',
      cached: true,
      origin: 'https://g.example',
      config,
    });
    expect(view.renderId).toBe(renderId);
    expect(view.pages[0]!.url).toBe(`https://g.example/v1/documents/${sha}/renders/${renderId}/pages/1`);
    expect(view.config).toEqual(config);
    expect(view.reflowed).toBe(true);
    expect(view.tokenizer).toEqual({ family: 'qwen3', estimate: true });
    expect(view.worthIt).toBe(5000 > view.totals.visualTokens);
    expect(needsFamilyCount(manifest(), 'qwen3-vl')).toBeUndefined();
  });

  it("another family's profile: its own count when given (o200k for gpt-4o), repriced pages, worthIt from both", () => {
    const m = manifest();
    expect(needsFamilyCount(m, 'gpt-4o')).toBe('o200k');
    const view = renderView({
      manifest: m,
      renderId,
      profile: 'gpt-4o',
      cached: true,
      origin: 'https://g.example',
      config,
      textTokens: 300,
    });
    const perPage = visualTokensFor('gpt-4o', 512, 1536);
    expect(view.totals).toEqual({
      pages: 2,
      visualTokens: 2 * perPage,
      textTokens: 300,
      ratio: Math.round((300 / (2 * perPage)) * 100) / 100,
    });
    expect(view.tokenizer).toEqual({ family: 'o200k', estimate: false });
    expect(view.worthIt).toBe(300 > 2 * perPage);
    // Without the count, the view says which family the count it shows is in.
    const unlabelled = renderView({
      manifest: m,
      renderId,
      profile: 'gpt-4o',
      cached: true,
      origin: 'https://g.example',
      config,
    });
    expect(unlabelled.tokenizer.family).toBe('qwen3');
    expect(unlabelled.totals.textTokens).toBe(5000);
  });

  it('a manifest stored before configs were kept reports the config it was asked with', () => {
    const { config: _dropped, ...old } = manifest();
    const view = renderView({
      manifest: old,
      renderId,
      profile: 'glm-4.1v',
      cached: true,
      origin: 'https://g.example',
      config,
    });
    expect(view.config).toEqual(config);
  });

  it('pagesRendered / pagesReused: none painted for a cached render, all for a fresh one, what the runner painted for an incremental one', () => {
    const view = (cached: boolean, pagesRendered?: number) =>
      renderView({
        manifest: manifest(),
        renderId,
        profile: 'glm-4.1v',
        cached,
        origin: 'https://g.example',
        config,
        ...(pagesRendered !== undefined ? { pagesRendered } : {}),
      });
    expect(view(true)).toMatchObject({ pagesRendered: 0, pagesReused: 2 });
    expect(view(false)).toMatchObject({ pagesRendered: 2, pagesReused: 0 });
    expect(view(false, 1)).toMatchObject({ pagesRendered: 1, pagesReused: 1 });
  });
});
