/**
 * The gate's in-isolate state, in Node: the key cache's TTL (revocations show within
 * AUTH_CACHE_TTL_MS), the rate windows counted in memory and pushed through waitUntil, the quota
 * figure (what this isolate bills counts at once; near the limit D1 is read every time), and usage
 * rows written in batches with nothing lost or written twice. The D1 stand-in here only records
 * which statements were sent and when; what D1 does with them (INSERT OR IGNORE, the month-total
 * trigger, the rate-window upsert) is tested against real D1 in worker-d1.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { D1Database } from '../../edge/bindings.ts';
import { cachedKey, clearKeyCache, rememberKey, type KeyRecord } from '../../edge/tenancy/key-cache.ts';
import { cachedQuota, countRequest, noteBilled, rememberQuota, startQuotaReading } from '../../edge/tenancy/limits.ts';
import { meter } from '../../edge/usage/store.ts';

interface Call {
  sql: string;
  args: unknown[];
}

/** A D1 stand-in: records statements; `rateCount` plays the row other isolates also add to. */
function fakeD1(options: { failBatches?: number } = {}) {
  const calls: Call[] = [];
  const batches: Call[][] = [];
  const attempts: Call[][] = [];
  let failBatches = options.failBatches ?? 0;
  const rate = new Map<string, number>();
  const statement = (sql: string, args: unknown[] = []) => ({
    sql,
    args,
    bind: (...values: unknown[]) => statement(sql, values),
    async first() {
      calls.push({ sql, args });
      if (sql.includes('INTO rate_windows')) {
        const key = `${args[0]}:${args[1]}`;
        rate.set(key, (rate.get(key) ?? 0) + Number(args[2]));
        return { count: rate.get(key) };
      }
      return null;
    },
    async run() {
      calls.push({ sql, args });
      return { meta: { changes: 1 } };
    },
  });
  const db = {
    prepare: (sql: string) => statement(sql),
    async batch(statements: Array<ReturnType<typeof statement>>) {
      attempts.push(statements.map((s) => ({ sql: s.sql, args: s.args })));
      if (failBatches > 0) {
        failBatches--;
        throw new Error('D1_ERROR: injected');
      }
      batches.push(statements.map((s) => ({ sql: s.sql, args: s.args })));
      // An inserted usage row also counts its trigger's write, as D1 reports it.
      return statements.map(() => ({ results: [], meta: { changes: 2 } }));
    },
  };
  return { db: db as unknown as D1Database, calls, batches, attempts, rate };
}

function context() {
  const pending: Promise<unknown>[] = [];
  return {
    ctx: { waitUntil: (p: Promise<unknown>) => void pending.push(p) },
    settle: () => Promise.all(pending.splice(0)),
  };
}

const key = (hash: string, revoked = false): KeyRecord => ({
  id: `key_${hash}`,
  tenant: 't1',
  hash,
  revoked,
  rateLimitPerMinute: null,
});

afterEach(() => {
  clearKeyCache();
  vi.useRealTimers();
});

describe('key cache', () => {
  it('trusts a key row for the TTL only, and never with TTL 0', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    rememberKey(key('a'), 10_000);
    vi.advanceTimersByTime(9_999);
    expect(cachedKey('a')).toMatchObject({ id: 'key_a' });
    // Past the TTL the row is read again: a revocation in D1 shows within AUTH_CACHE_TTL_MS.
    vi.advanceTimersByTime(2);
    expect(cachedKey('a')).toBeUndefined();
    rememberKey(key('b'), 0);
    expect(cachedKey('b')).toBeUndefined();
  });

  it('remembers revoked keys too, and stays bounded', () => {
    rememberKey(key('r', true), 10_000);
    expect(cachedKey('r')?.revoked).toBe(true);
    for (let i = 0; i < 10_001; i++) rememberKey(key(`k${i}`), 10_000);
    expect(cachedKey('k0')).toBeUndefined();
    expect(cachedKey('k10000')).toBeDefined();
  });
});

describe('rate windows in memory', () => {
  it('counts exactly within the isolate and pushes deltas to D1 through waitUntil', async () => {
    const { db, calls } = fakeD1();
    const { ctx, settle } = context();
    const t0 = 60_000 * 1_000_000 + 100;
    const counts = [];
    for (let i = 0; i < 12; i++) counts.push(countRequest(db, ctx, 'key_x', 5, t0 + i));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    await settle();
    // The first request of the window pushed at once (1); the rest wait for the next push.
    const pushes = calls.filter((c) => c.sql.includes('INTO rate_windows'));
    expect(pushes.map((c) => c.args[2])).toEqual([1]);
    // A second later the next request pushes everything counted since (11 + itself).
    expect(countRequest(db, ctx, 'key_x', 5, t0 + 1_000)).toBe(13);
    await settle();
    expect(calls.filter((c) => c.sql.includes('INTO rate_windows')).map((c) => c.args[2])).toEqual([1, 12]);
  });

  it("takes other isolates' counts from D1 at each push, and starts afresh each minute", async () => {
    const { db, rate } = fakeD1();
    const { ctx, settle } = context();
    const minute = 2_000_000;
    const t0 = minute * 60_000;
    expect(countRequest(db, ctx, 'key_y', 600, t0)).toBe(1);
    await settle();
    // Another isolate admitted 100 requests of this key in this minute.
    rate.set(`key_y:${minute}`, (rate.get(`key_y:${minute}`) ?? 0) + 100);
    expect(countRequest(db, ctx, 'key_y', 600, t0 + 1_000)).toBe(2);
    await settle();
    expect(countRequest(db, ctx, 'key_y', 600, t0 + 1_001)).toBe(103);
    expect(countRequest(db, ctx, 'key_y', 600, t0 + 60_000)).toBe(1);
  });

  it('pushes sooner for a low limit (every limit/20 requests)', async () => {
    const { db, calls } = fakeD1();
    const { ctx, settle } = context();
    const t0 = 3_000_000 * 60_000;
    for (let i = 0; i < 41; i++) {
      countRequest(db, ctx, 'key_z', 400, t0);
      await settle();
    }
    // Limit 400: a push per 20 requests counted, even within the same second.
    expect(calls.filter((c) => c.sql.includes('INTO rate_windows')).map((c) => c.args[2])).toEqual([1, 20, 20]);
  });
});

describe('quota figure', () => {
  it('is read again when stale, in a new month, or within 5 % of the limit', () => {
    rememberQuota('q1', '2026-01', 0, { limit: 100, used: 10 }, startQuotaReading('q1'));
    expect(cachedQuota('q1', '2026-01', 5_000, 10_000, 1_000)).toEqual({ limit: 100, used: 10 });
    expect(cachedQuota('q1', '2026-01', 10_000, 10_000, 1_000)).toBeUndefined();
    expect(cachedQuota('q1', '2026-02', 5_000, 10_000, 1_000)).toBeUndefined();
    rememberQuota('q1', '2026-01', 0, { limit: 100, used: 95 }, startQuotaReading('q1'));
    expect(cachedQuota('q1', '2026-01', 1, 10_000, 1_000)).toBeUndefined();
    // TTL 0: always read.
    rememberQuota('q1', '2026-01', 0, { limit: 100, used: 10 }, startQuotaReading('q1'));
    expect(cachedQuota('q1', '2026-01', 0, 0, 1_000)).toBeUndefined();
  });

  it("counts this isolate's billing at once, and once only when its row lands", () => {
    rememberQuota('q2', '2026-01', 0, { limit: null, used: 0 }, startQuotaReading('q2'));
    const settled = noteBilled('q2', 3);
    expect(cachedQuota('q2', '2026-01', 1, 10_000, 1_000)?.used).toBe(3);
    settled(true);
    expect(cachedQuota('q2', '2026-01', 1, 10_000, 1_000)?.used).toBe(3);
    // A reading taken after the row landed includes it: not counted twice.
    const started = startQuotaReading('q2');
    expect(rememberQuota('q2', '2026-01', 2, { limit: null, used: 3 }, started).used).toBe(3);
    // A write that failed (or was an idempotent repeat) is not counted.
    noteBilled('q2', 5)(false);
    expect(cachedQuota('q2', '2026-01', 3, 10_000, 1_000)?.used).toBe(3);
  });
});

describe('usage rows in batches', () => {
  const caller = { tenant: 'u1', keyId: 'key_u' };

  it('writes the rows of many calls in one D1 batch, each once, counted in the quota figure', async () => {
    const { db, batches } = fakeD1();
    const { ctx, settle } = context();
    rememberQuota('u1', '2026-01', 0, { limit: null, used: 0 }, startQuotaReading('u1'));
    for (let i = 0; i < 30; i++)
      meter(ctx, db, { caller, operation: 'query', units: 2, cacheHit: true, idempotencyKey: `k${i}` });
    expect(cachedQuota('u1', '2026-01', 1, 10_000, 1_000_000)?.used).toBe(60);
    await settle();
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((s) => s.args[10])).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`));
    expect(cachedQuota('u1', '2026-01', 1, 10_000, 1_000_000)?.used).toBe(60);
    // The next call after the flush took the queue starts the next batch.
    meter(ctx, db, { caller, operation: 'query', units: 2, cacheHit: true });
    await settle();
    expect(batches.map((b) => b.length)).toEqual([30, 1]);
  });

  it('retries a failed batch once with the same rows (same ids: no double billing)', async () => {
    const { db, batches, attempts } = fakeD1({ failBatches: 1 });
    const { ctx, settle } = context();
    for (let i = 0; i < 3; i++) meter(ctx, db, { caller, operation: 'upload', units: 1, cacheHit: false });
    await settle();
    expect(attempts).toHaveLength(2);
    expect(batches).toHaveLength(1);
    const ids = (batch: Call[]) => batch.map((s) => [s.args[0], s.args[10], s.args[11]]);
    expect(ids(batches[0]!)).toEqual(ids(attempts[0]!));
    expect(new Set(batches[0]!.map((s) => s.args[0])).size).toBe(3);
  });

  it('splits a big flush into batches of 50', async () => {
    const { db, batches } = fakeD1();
    const { ctx, settle } = context();
    for (let i = 0; i < 120; i++) meter(ctx, db, { caller, operation: 'query', units: 1, cacheHit: true });
    await settle();
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
  });
});
