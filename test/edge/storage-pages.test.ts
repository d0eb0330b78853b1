/**
 * Where pages are stored (edge/storage/keys.ts, renders.ts, page-index.ts): by content, once per
 * tenant, for manifests that say so; per render for manifests committed before; a job's merged
 * manifest says what its ranges used. The page index reads a committed manifest once per isolate.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../edge/bindings.ts';
import { mergeParts, type RangePart } from '../../edge/jobs/merge.ts';
import { contentPageKey, pageKey } from '../../edge/storage/keys.ts';
import { committedPage, committedPages } from '../../edge/storage/page-index.ts';
import { storedPageKey, toStoredManifest, type StoredPage } from '../../edge/storage/renders.ts';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import type { RenderManifest } from '../../protocol/runner-api.ts';

const SHA = 'a'.repeat(64);
const RENDER = 'b'.repeat(64);
const png = (n: number) => n.toString(16).padStart(64, 'e');
const at = { tenant: 'acme', sha: SHA, configHash: RENDER };
const pages = (count: number): StoredPage[] =>
  Array.from({ length: count }, (_, i) => ({ n: i + 1, width: 10, height: 20, visualTokens: 3, sha256: png(i + 1) }));

describe('page keys', () => {
  it("content keys are the tenant's and the PNG's hash only; bad segments throw", () => {
    expect(contentPageKey('acme', png(7))).toBe(`t/acme/pages/${png(7)}.png`);
    expect(() => contentPageKey('acme', 'x'.repeat(64))).toThrow(/storage key: invalid page hash/);
    expect(() => contentPageKey('../b', png(7))).toThrow(/storage key: invalid tenant/);
  });

  it("a content manifest's page n is its hash's object; an older manifest's is page-000n.png beside it", () => {
    expect(storedPageKey(at, { pageStore: 'content', pages: pages(3) }, 2)).toBe(`t/acme/pages/${png(2)}.png`);
    expect(storedPageKey(at, { pages: pages(3) }, 2)).toBe(pageKey('acme', SHA, RENDER, 2));
    expect(pageKey('acme', SHA, RENDER, 2)).toBe(`t/acme/renders/${SHA}/${RENDER}/page-0002.png`);
    expect(storedPageKey(at, { pageStore: 'content', pages: pages(3) }, 4)).toBeNull();
    expect(storedPageKey(at, { pageStore: 'content', pages: pages(3) }, 0)).toBeNull();
  });
});

function runnerManifest(count: number): RenderManifest {
  return {
    textSha256: SHA,
    configHash: 'c'.repeat(64),
    config: resolveRenderConfig({}) as RenderManifest['config'],
    reflowed: false,
    textTokenizer: { family: 'qwen3', estimate: false },
    worthIt: true,
    profile: 'glm-4.1v',
    chars: 10,
    pages: pages(count).map(({ sha256: _, ...p }) => p),
    totals: { pages: count, visualTokens: 3 * count, textTokens: 40, ratio: 1 },
    layout: [],
    missingGlyphs: { count: 0, codePoints: [] },
  };
}

describe('manifests say where their pages are', () => {
  it('a render committed now is stored by content', () => {
    expect(toStoredManifest(runnerManifest(2), pages(2)).pageStore).toBe('content');
  });

  it("a job's merged manifest says what its ranges used, and refuses ranges of both layouts", () => {
    const { layout: _, pages: __, ...head } = runnerManifest(4);
    const part = (first: number, store: boolean): RangePart => ({
      manifest: head,
      pages: pages(4).slice(first - 1, first + 1),
      layout: [],
      ...(store ? { pageStore: 'content' as const } : {}),
    });
    expect(mergeParts([part(3, true), part(1, true)]).manifest.pageStore).toBe('content');
    expect(mergeParts([part(1, false), part(3, false)]).manifest.pageStore).toBeUndefined();
    expect(() => mergeParts([part(1, true), part(3, false)])).toThrow(/both page layouts/);
  });
});

describe('page index', () => {
  /** An Env whose RENDERS bucket holds one manifest and counts its reads. */
  function bucket(manifest: object | null): { env: Env; reads: () => number } {
    let reads = 0;
    const RENDERS = {
      get: async (key: string) => {
        if (!key.endsWith('/manifest.json') || !manifest) return null;
        reads++;
        return { json: async () => manifest };
      },
    };
    return { env: { RENDERS } as unknown as Env, reads: () => reads };
  }

  it("locates pages by the manifest's hashes, reading the manifest once; a render not committed is asked again", async () => {
    const committed = bucket({ ...toStoredManifest(runnerManifest(3), pages(3)) });
    const here = { ...at, sha: 'd'.repeat(64) };
    expect(await committedPage(committed.env, here, 1)).toEqual({ key: `t/acme/pages/${png(1)}.png`, sha256: png(1) });
    const located = await committedPages(committed.env, here, [2, 3, 4]);
    expect([...located!.entries()]).toEqual([
      [2, { key: `t/acme/pages/${png(2)}.png`, sha256: png(2) }],
      [3, { key: `t/acme/pages/${png(3)}.png`, sha256: png(3) }],
      [4, null],
    ]);
    expect(committed.reads()).toBe(1);

    const none = bucket(null);
    const elsewhere = { ...at, sha: 'f'.repeat(64) };
    expect(await committedPage(none.env, elsewhere, 1)).toBeNull();
    expect(await committedPages(none.env, elsewhere, [1])).toBeNull();
  });

  it('serves a render committed in the per-render layout from its page-000n.png keys, ETag the manifest hash', async () => {
    const { pageStore: _, ...older } = toStoredManifest(runnerManifest(2), pages(2));
    const old = bucket(older);
    const there = { ...at, sha: '1'.repeat(64) };
    expect(await committedPage(old.env, there, 2)).toEqual({
      key: pageKey('acme', there.sha, RENDER, 2),
      sha256: png(2),
    });
  });
});
