/**
 * Incremental renders, the pieces that need no Worker (edge/coordinator/reuse.ts): which earlier
 * renders offer pages to keep (stored by content, a plan hash on every page), and how the kept
 * pages of a new manifest get the earlier render's objects, and what renderIntoR2 asks and stores
 * (against a stand-in runner client). The whole path, with a real runner, is
 * test/edge/worker-incremental.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../edge/bindings.ts';
import { renderIntoR2, ReusedConfigMismatch } from '../../edge/coordinator/render-stream.ts';
import { reusablePages, reusedStoredPages } from '../../edge/coordinator/reuse.ts';
import type { RunnerClient } from '../../edge/runners/runner-client.ts';
import type { StoredManifest, StoredPage } from '../../edge/storage/renders.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { ManifestPage, RenderManifest, RenderRequest } from '../../protocol/runner-api.ts';

const hex = (c: string) => c.repeat(64);
const plan = (n: number) => n.toString(16).padStart(64, '0');
const png = (n: number) => (1000 + n).toString(16).padStart(64, 'f');

function page(n: number, extra: Partial<StoredPage> = {}): StoredPage {
  return { n, width: 100, height: 200, visualTokens: 10, sha256: png(n), planSha256: plan(n), ...extra };
}

function stored(pages: StoredPage[], extra: Partial<StoredManifest> = {}): StoredManifest {
  return {
    textSha256: hex('a'),
    configHash: hex('c'),
    reflowed: false,
    textTokenizer: { family: 'qwen3', estimate: false },
    profile: 'glm-4.1v',
    chars: 10,
    pages,
    totals: { pages: pages.length, visualTokens: 10 * pages.length, textTokens: 50, ratio: 1 },
    missingGlyphs: { count: 0, codePoints: [] },
    storedAt: '2026-12-01T00:00:00.000Z',
    pageStore: 'content',
    ...extra,
  };
}

describe('reusablePages', () => {
  it('offers every page of a render stored by content with plan hashes, plans in page order', () => {
    const offer = reusablePages(stored([page(1), page(2), page(3)]));
    expect(offer).toEqual({
      configHash: hex('c'),
      pages: [page(1), page(2), page(3)],
      plans: [plan(1), plan(2), plan(3)],
    });
  });

  it('offers nothing for a render committed in the per-render layout, one lacking a plan hash, an empty one, or none', () => {
    const { pageStore: _, ...perRender } = stored([page(1)]);
    expect(reusablePages(perRender)).toBeNull();
    const { planSha256: __, ...noPlan } = page(2);
    expect(reusablePages(stored([page(1), noPlan]))).toBeNull();
    expect(reusablePages(stored([]))).toBeNull();
    expect(reusablePages(null)).toBeNull();
  });
});

describe('reusedStoredPages', () => {
  it("keeps the new manifest's entries (its profile's price) with the earlier pages' object hashes", () => {
    const offer = reusablePages(stored([page(1), page(2), page(3)]))!;
    const next: ManifestPage[] = [1, 2, 3, 4].map((n) => ({
      n,
      width: 100,
      height: 200,
      visualTokens: 77,
      planSha256: n < 3 ? plan(n) : plan(50 + n),
    }));
    expect(reusedStoredPages(offer, next, 2)).toEqual([
      { n: 1, width: 100, height: 200, visualTokens: 77, planSha256: plan(1), sha256: png(1) },
      { n: 2, width: 100, height: 200, visualTokens: 77, planSha256: plan(2), sha256: png(2) },
    ]);
    expect(reusedStoredPages(offer, next, 0)).toEqual([]);
  });

  it('throws when a kept page is not the earlier page by plan, or more are kept than there were', () => {
    const offer = reusablePages(stored([page(1), page(2)]))!;
    const next: ManifestPage[] = [1, 2].map((n) => ({
      n,
      width: 100,
      height: 200,
      visualTokens: 10,
      planSha256: plan(n === 2 ? 9 : n),
    }));
    expect(() => reusedStoredPages(offer, next, 2)).toThrow(/page 2 was kept/);
    expect(() => reusedStoredPages(offer, [...next, { ...next[0]!, n: 3 }], 3)).toThrow(/3 pages kept of 2/);
  });
});

describe('renderIntoR2 with pages to keep', () => {
  const SHA = hex('a');
  const at = { tenant: 'acme', sha: SHA, configHash: hex('b') };
  const bytes = (n: number) => new TextEncoder().encode(`png of page ${n}`);

  /** A runner client whose answer keeps `kept` pages of 3 and streams the rest; records the request. */
  function runnerKeeping(kept: number, configHash = hex('c')) {
    const requests: RenderRequest[] = [];
    let cancelled = false;
    const manifest = {
      textSha256: SHA,
      configHash,
      pages: [1, 2, 3].map((n) => ({
        n,
        width: 100,
        height: 200,
        visualTokens: 5,
        planSha256: n <= kept ? plan(n) : plan(40 + n),
      })),
      pagesReused: kept,
      layout: [],
    } as unknown as RenderManifest;
    const runners = {
      render: async (_sha: string, body: RenderRequest) => {
        requests.push(body);
        async function* pages() {
          for (let n = kept + 1; n <= 3; n++) yield { n, bytes: bytes(n) };
        }
        return {
          runner: 'http://runner.test',
          manifest,
          pagesReused: kept,
          pages: pages(),
          cancel: () => (cancelled = true),
        };
      },
    } as unknown as RunnerClient;
    return { runners, requests, cancelled: () => cancelled };
  }

  function bucket() {
    const puts: string[] = [];
    const env = { RENDERS: { put: async (key: string) => void puts.push(key) } } as unknown as Env;
    return { env, puts };
  }

  it("sends the earlier plans, stores only the painted pages (by content), and keeps the earlier pages' objects", async () => {
    const reuse = reusablePages(stored([page(1), page(2), page(3)]))!;
    const { runners, requests } = runnerKeeping(2);
    const { env, puts } = bucket();
    const result = await renderIntoR2({
      env,
      runners,
      at,
      text: 'x',
      render: { profile: 'glm-4.1v', preset: 'glyph-en' },
      reuse,
    });
    expect(requests[0]!.reusePlans).toEqual([plan(1), plan(2), plan(3)]);
    expect(result.pagesRendered).toBe(1);
    expect(result.pages.map((p) => p.sha256)).toEqual([png(1), png(2), await sha256Hex(bytes(3))]);
    expect(puts).toEqual([`t/acme/pages/${await sha256Hex(bytes(3))}.png`]);
  });

  it('a job range sends no plans; kept pages of a render drawn with another config are refused, and the stream cancelled', async () => {
    const reuse = reusablePages(stored([page(1), page(2), page(3)]))!;
    const ranged = runnerKeeping(0);
    const { env } = bucket();
    await renderIntoR2({
      env,
      runners: ranged.runners,
      at,
      text: 'x',
      render: { profile: 'glm-4.1v' },
      reuse,
      range: { firstPage: 1, lastPage: 3 },
    });
    expect(ranged.requests[0]!.reusePlans).toBeUndefined();

    const other = runnerKeeping(2, hex('9'));
    await expect(
      renderIntoR2({
        env,
        runners: other.runners,
        at,
        text: 'x',
        render: { profile: 'glm-4.1v', auto: { profile: 'gpt-4o' } },
        reuse,
      }),
    ).rejects.toBeInstanceOf(ReusedConfigMismatch);
    expect(other.cancelled()).toBe(true);
  });
});
