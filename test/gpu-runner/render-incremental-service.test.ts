/**
 * Incremental renders in the render service (issue 13): with `reusePlans`, the service lays the
 * whole text out and paints only the pages after the leading ones whose plans the caller holds,
 * from a new render or a cache hit; such a render neither joins nor is joined by a whole-document
 * flight, writes no cache entry, and counts only painted pages. The planner runs in this thread
 * (the same `planDocument` the planner threads run); the cache is the real memory tier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryRenderTier } from '../../gpu-runner/cache/memory-tier.ts';
import type { CachedRenderMeta } from '../../gpu-runner/cache/types.ts';
import { RunnerError } from '../../gpu-runner/errors.ts';
import type { RenderPlanner } from '../../gpu-runner/planner/planner.ts';
import { planDocument } from '../../gpu-runner/planner/plan-task.ts';
import { WorkQueue } from '../../gpu-runner/queue/work-queue.ts';
import { resolveJob, type RenderJob } from '../../gpu-runner/render-service/job.ts';
import { RenderService, type RenderSource } from '../../gpu-runner/render-service/service.ts';
import { createRunnerMetrics, type RunnerMetrics } from '../../gpu-runner/server/metrics.ts';
import { silentLog } from '../../gpu-runner/server/log.ts';
import { appendedText, transcriptOf } from '../../edge/conversations/transcript.ts';
import { conversationTurns, turnGenerator } from '../edge/conversations-turns.ts';
import { sha256 } from './render-helpers.ts';

const turns = conversationTurns(300);
const before = transcriptOf(turns);
const after = before + appendedText(turns.length, [turnGenerator(7)('user')]);

/** The planner threads' task, run here; token counts are skipped (no tokenizer to load). */
const planner: RenderPlanner = {
  plan: (text, config, o = {}) =>
    planDocument({
      text,
      config,
      countTokens: false,
      ...(o.reflow ? { reflow: o.reflow } : {}),
      ...(o.kind ? { kind: o.kind } : {}),
    }),
  countTokens: async () => 0,
  close: async () => {},
};

function service(cache = new MemoryRenderTier()) {
  const queue = new WorkQueue({ concurrency: 4, maxQueued: 16 });
  const metrics = createRunnerMetrics({
    sources: { queue: () => queue.stats(), ocrQueued: () => 0 },
    processMetrics: false,
  });
  return { renders: new RenderService({ queue, metrics, log: silentLog, cache, planner }), cache, metrics };
}

async function pagesOf(source: RenderSource): Promise<Array<{ n: number; sha: string }>> {
  const out: Array<{ n: number; sha: string }> = [];
  for await (const p of source.pages) out.push({ n: p.n, sha: sha256(p.png) });
  return out;
}

const plansOf = (meta: CachedRenderMeta) => meta.pages.map((p) => p.planSha256!);
const painted = async (metrics: RunnerMetrics) => (await metrics.pagesRendered.get()).values[0]?.value ?? 0;

let jobBefore: RenderJob;
let jobAfter: RenderJob;
/** A from-scratch render of `after`: its meta and every page's PNG hash. */
let scratch: { meta: CachedRenderMeta; pages: Array<{ n: number; sha: string }> };
let beforePlans: string[];

beforeAll(async () => {
  jobBefore = await resolveJob({ text: before, preset: 'glyph-en' });
  jobAfter = await resolveJob({ text: after, preset: 'glyph-en' });
  const { renders } = service();
  const first = await renders.open(jobBefore);
  await pagesOf(first);
  beforePlans = plansOf(first.meta);
  const whole = await renders.open(jobAfter);
  scratch = { meta: whole.meta, pages: await pagesOf(whole) };
}, 120_000);

describe('an incremental render in the render service', () => {
  it('paints only the pages after those the caller holds; the meta stays the whole document', async () => {
    const { renders, cache, metrics } = service();
    const source = await renders.open(jobAfter, { reusePlans: beforePlans });
    const pages = await pagesOf(source);
    const n = scratch.meta.pages.length;
    expect(source.cache).toBe('miss');
    expect(source.pagesReused).toBeGreaterThanOrEqual(n - 2);
    expect(pages.length).toBe(n - source.pagesReused!);
    expect(pages.length).toBeLessThanOrEqual(2);
    expect(pages.map((p) => p.n)).toEqual(scratch.pages.slice(source.pagesReused).map((p) => p.n));
    expect(pages.map((p) => p.sha)).toEqual(scratch.pages.slice(source.pagesReused).map((p) => p.sha));
    expect(plansOf(source.meta)).toEqual(plansOf(scratch.meta));
    expect(source.meta.layout).toEqual(scratch.meta.layout);
    expect(await painted(metrics)).toBe(pages.length);
    // Not the whole document: nothing cached under its key.
    expect(await cache.get(jobAfter.key)).toBeUndefined();
  });

  it('stops reusing at the first plan that differs, even when later ones match again', async () => {
    const { renders, metrics } = service();
    const wrong = [...plansOf(scratch.meta)];
    wrong[2] = '0'.repeat(64);
    const source = await renders.open(jobAfter, { reusePlans: wrong });
    const pages = await pagesOf(source);
    expect(source.pagesReused).toBe(2);
    expect(pages.map((p) => p.n)).toEqual(scratch.pages.slice(2).map((p) => p.n));
    expect(pages.map((p) => p.sha)).toEqual(scratch.pages.slice(2).map((p) => p.sha));
    expect(await painted(metrics)).toBe(scratch.pages.length - 2);
  });

  it('from a cache hit: the same pages skipped, none painted', async () => {
    const { renders, metrics } = service();
    await pagesOf(await renders.open(jobAfter)); // fills the cache
    const before = await painted(metrics);
    const source = await renders.open(jobAfter, { reusePlans: beforePlans });
    const pages = await pagesOf(source);
    expect(source.cache).toBe('hit');
    expect(plansOf(source.meta)).toEqual(plansOf(scratch.meta));
    expect(pages.map((p) => p.sha)).toEqual(scratch.pages.slice(source.pagesReused).map((p) => p.sha));
    expect(pages.length).toBeLessThanOrEqual(2);
    expect(await painted(metrics)).toBe(before);
    // All of them held: no page sent.
    const all = await renders.open(jobAfter, { reusePlans: plansOf(scratch.meta) });
    expect(all.pagesReused).toBe(scratch.pages.length);
    expect(await pagesOf(all)).toEqual([]);
  });

  it('neither joins a whole-document render in flight nor is joined by one', async () => {
    const { renders, metrics } = service();
    const whole = await renders.open(jobAfter);
    const incremental = await renders.open(jobAfter, { reusePlans: beforePlans });
    expect(incremental.cache).toBe('miss');
    const second = await renders.open(jobAfter);
    expect(second.cache).toBe('joined');
    const [w, i, s] = await Promise.all([pagesOf(whole), pagesOf(incremental), pagesOf(second)]);
    expect(w).toEqual(scratch.pages);
    expect(s).toEqual(scratch.pages);
    expect(i).toEqual(scratch.pages.slice(incremental.pagesReused));
    const joins = (await metrics.singleFlightJoins.get()).values[0]?.value ?? 0;
    expect(joins).toBe(1);

    const fresh = service();
    const firstIncremental = await fresh.renders.open(jobAfter, { reusePlans: beforePlans });
    const thenWhole = await fresh.renders.open(jobAfter);
    expect(thenWhole.cache).toBe('miss');
    expect(await pagesOf(thenWhole)).toEqual(scratch.pages);
    await pagesOf(firstIncremental);
  });

  it('a cached entry without plan hashes (an older runner) gets them from a new layout, its PNGs from the cache', async () => {
    const cache = new MemoryRenderTier();
    const writer = cache.begin(jobAfter.key);
    const marker = new Uint8Array([1, 2, 3, 4]);
    for (let n = 1; n <= scratch.meta.pages.length; n++) await writer.writePage(n, marker);
    const legacy: CachedRenderMeta = {
      ...scratch.meta,
      pages: scratch.meta.pages.map((p) => ({ width: p.width, height: p.height, bytes: marker.byteLength })),
    };
    await writer.commit(legacy);
    const { renders } = service(cache);
    const source = await renders.open(jobAfter, { reusePlans: beforePlans });
    expect(source.cache).toBe('hit');
    expect(plansOf(source.meta)).toEqual(plansOf(scratch.meta));
    const pages = await pagesOf(source);
    expect(pages.every((p) => p.sha === sha256(marker))).toBe(true);
    expect(pages.length).toBe(scratch.meta.pages.length - source.pagesReused!);
  });

  it('refuses reusePlans with a page range (400 invalid_request naming reusePlans)', async () => {
    const { renders } = service();
    const refusal = renders.open(jobAfter, { reusePlans: beforePlans, firstPage: 2 });
    await expect(refusal).rejects.toBeInstanceOf(RunnerError);
    await expect(refusal).rejects.toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: expect.stringContaining('reusePlans'),
    });
  });
});
