/**
 * The edge's D1 statements against real D1 (workerd through miniflare, the schema made by
 * `wrangler d1 migrations apply` from migrations/): usage rows and their idempotency keys
 * (`INSERT OR IGNORE`), the trigger that keeps the month total the quota reads, the rate windows'
 * upsert that returns the count over all isolates, and a document stored once however many
 * uploads race. The in-memory halves of the same modules are in limits-memory.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { D1Database, Env } from '../../edge/bindings.ts';
import { findDocument, setFamilyTextTokens, setTextTokens, storeDocument } from '../../edge/storage/documents.ts';
import { cachedQuota, countRequest, rememberQuota, startQuotaReading } from '../../edge/tenancy/limits.ts';
import { addToRateWindow, keyStatement, quotaStatement } from '../../edge/tenancy/store.ts';
import { listUsage, meter, recordUsage } from '../../edge/usage/store.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// wrangler.toml's database id: miniflare then opens the database wrangler migrated.
const DATABASE_ID = '00000000-0000-0000-0000-000000000000';

let persistDir: string;
let mf: Miniflare;
let db: D1Database;
let env: Env;

beforeAll(async () => {
  persistDir = mkdtempSync(join(tmpdir(), 'glyph-d1-'));
  const migrate = spawnSync(
    join(root, 'node_modules', '.bin', 'wrangler'),
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
      encoding: 'utf8',
    },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stderr}${migrate.stdout}`);
  mf = new Miniflare({
    modules: true,
    script: 'export default { fetch() { return new Response(null, { status: 204 }); } };',
    d1Databases: { DB: DATABASE_ID },
    d1Persist: join(persistDir, 'v3', 'd1'),
    r2Buckets: ['DOCUMENTS'],
    r2Persist: false,
  });
  db = (await mf.getD1Database('DB')) as unknown as D1Database;
  env = { DB: db, DOCUMENTS: await mf.getR2Bucket('DOCUMENTS') } as unknown as Env;
  await db.batch([
    db.prepare("INSERT INTO tenants (id, created_at, monthly_quota_units) VALUES ('acme', 0, 500)"),
    db.prepare("INSERT INTO api_keys (id, tenant, hash, created_at) VALUES ('key_a', 'acme', 'hash-a', 0)"),
  ]);
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

function context() {
  const pending: Promise<unknown>[] = [];
  return {
    ctx: { waitUntil: (p: Promise<unknown>) => void pending.push(p) },
    settle: async () => {
      while (pending.length > 0) await Promise.all(pending.splice(0));
    },
  };
}

const caller = { tenant: 'acme', keyId: 'key_a' };
const MARCH = Date.UTC(2026, 2, 10);

describe('usage rows in real D1', () => {
  it('bills a repeated idempotency key once, and the trigger keeps the month total the quota reads', async () => {
    const input = {
      caller,
      operation: 'render' as const,
      units: 30,
      cacheHit: false,
      pages: 3,
      idempotencyKey: 'key_a:render:same',
    };
    expect(await recordUsage(db, input)).toBe(true);
    // INSERT OR IGNORE: the second row with the same key is not written, and says so.
    expect(await recordUsage(db, input)).toBe(false);
    expect(await recordUsage(db, { ...input, idempotencyKey: 'key_a:render:other' })).toBe(true);

    const month = new Date().toISOString().slice(0, 7);
    const quota = (await quotaStatement(db, 'hash-a', month).first()) as { quota: number; used: number };
    expect(quota).toEqual({ quota: 500, used: 60 });
    const key = await keyStatement(db, 'hash-a').first();
    expect(key).toMatchObject({ id: 'key_a', tenant: 'acme', revoked_at: null });
    const report = await listUsage(db, { tenant: 'acme', fromMs: 0, toMs: Date.now() + 1, limit: 10 });
    expect(report.totals).toMatchObject({ calls: 2, units: 60, pages: 6 });
  });

  it('writes metered calls in one batch; a repeat of a billed key lands nowhere and is not counted in the quota figure', async () => {
    const { ctx, settle } = context();
    const tenant = { tenant: 'batch', keyId: 'key_b' };
    rememberQuota('batch', '2026-03', MARCH, { limit: null, used: 0 }, startQuotaReading('batch'));
    await recordUsage(db, { caller: tenant, operation: 'query', units: 2, cacheHit: true, idempotencyKey: 'dup' });
    for (let i = 0; i < 5; i++)
      meter(ctx, db, { caller: tenant, operation: 'query', units: 2, cacheHit: true, idempotencyKey: `q${i}` });
    meter(ctx, db, { caller: tenant, operation: 'query', units: 2, cacheHit: true, idempotencyKey: 'dup' });
    // Counted at once, before any row is written.
    expect(cachedQuota('batch', '2026-03', MARCH + 1, 10_000, 1_000_000)?.used).toBe(12);
    await settle();
    // Five rows went in; the repeat of "dup" did not, and no longer counts.
    expect(cachedQuota('batch', '2026-03', MARCH + 1, 10_000, 1_000_000)?.used).toBe(10);
    const report = await listUsage(db, { tenant: 'batch', fromMs: 0, toMs: Date.now() + 1, limit: 100 });
    expect(report.totals.calls).toBe(6);
    expect(report.rows.map((r) => r.units)).toEqual(Array(6).fill(2));
  });
});

describe('rate windows in real D1', () => {
  it("adds each push to the key's window and learns the other isolates' count from it", async () => {
    const { ctx, settle } = context();
    const minute = 27_000_000;
    const t0 = minute * 60_000;
    expect(countRequest(db, ctx, 'key_r', 600, t0)).toBe(1);
    await settle();
    // Another isolate pushes 100 requests of this key in this minute.
    expect(await addToRateWindow(db, 'key_r', minute, 100)).toBe(101);
    expect(countRequest(db, ctx, 'key_r', 600, t0 + 1_000)).toBe(2);
    await settle();
    expect(countRequest(db, ctx, 'key_r', 600, t0 + 1_001)).toBe(103);
    const row = await db
      .prepare('SELECT count FROM rate_windows WHERE key_id = ?1 AND minute = ?2')
      .bind('key_r', minute)
      .first<{ count: number }>();
    expect(row?.count).toBe(102);
  });
});

describe('documents in real D1 and R2', () => {
  it('stores a text once when uploads race: exactly one is "created"', async () => {
    const bytes = new TextEncoder().encode('the same text, uploaded four times at once');
    const sha = 'a'.repeat(64);
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        storeDocument(env, { tenant: 'acme', sha, bytes, chars: bytes.length, lines: 1 }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.record.sha256))).toEqual(new Set([sha]));
    const again = await storeDocument(env, { tenant: 'acme', sha, bytes, chars: bytes.length, lines: 1 });
    expect(again.created).toBe(false);
  });

  it('keeps text tokens per tokenizer family (migration 0003): written at once, all kept; qwen3 fills text_tokens', async () => {
    const bytes = new TextEncoder().encode('counted in four families');
    const sha = 'f'.repeat(64);
    await storeDocument(env, { tenant: 'acme', sha, bytes, chars: bytes.length, lines: 1 });
    expect((await findDocument(env, 'acme', sha))!.textTokensByFamily).toEqual({});
    await Promise.all([
      setFamilyTextTokens(env, 'acme', sha, 'o200k', 5),
      setFamilyTextTokens(env, 'acme', sha, 'gemma3', 6),
      setFamilyTextTokens(env, 'acme', sha, 'claude-approx', 7),
    ]);
    const three = (await findDocument(env, 'acme', sha))!;
    expect(three.textTokensByFamily).toEqual({ o200k: 5, gemma3: 6, 'claude-approx': 7 });
    expect(three.textTokens).toBeNull();
    await setFamilyTextTokens(env, 'acme', sha, 'qwen3', 8);
    const all = (await findDocument(env, 'acme', sha))!;
    expect(all.textTokens).toBe(8);
    expect(all.textTokensByFamily).toEqual({ o200k: 5, gemma3: 6, 'claude-approx': 7, qwen3: 8 });
    // The upload's count (setTextTokens) reads as the qwen3 family too.
    const other = 'e'.repeat(64);
    await storeDocument(env, { tenant: 'acme', sha: other, bytes, chars: bytes.length, lines: 1 });
    await setTextTokens(env, 'acme', other, 9);
    expect((await findDocument(env, 'acme', other))!.textTokensByFamily).toEqual({ qwen3: 9 });
    // Another tenant's row is untouched by these writes.
    expect(await findDocument(env, 'other', sha)).toBeNull();
  });
});
