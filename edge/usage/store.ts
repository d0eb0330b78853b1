/**
 * Usage rows: one per billable call (upload, render, query, decode), written to D1. A trigger
 * (migrations/0001_init.sql) adds the units to the tenant's month total that the quota reads.
 */
import type { D1Database } from '../bindings.ts';
import type { Caller } from '../app-env.ts';
import { noteBilled } from '../tenancy/limits.ts';

/** A billable operation. */
export type Operation = 'upload' | 'render' | 'query' | 'decode' | 'chat';

/** One usage row to write. */
export interface UsageInput {
  caller: Caller;
  operation: Operation;
  units: number;
  cacheHit: boolean;
  document?: string;
  pages?: number;
  visualTokens?: number;
  textTokens?: number;
  /**
   * Makes a retried call bill once: the client's `Idempotency-Key` (scoped by key and operation)
   * or a fixed id (a job's completion). Random when absent.
   */
  idempotencyKey?: string;
}

/** A usage row as `GET /v1/usage` returns it. */
export interface UsageRow {
  id: string;
  keyId: string;
  operation: Operation;
  units: number;
  pages: number;
  visualTokens: number;
  textTokens: number;
  cacheHit: boolean;
  document: string | null;
  createdAt: string;
}

/** The INSERT of one usage row; a repeated idempotency key is ignored (already billed). */
function usageStatement(db: D1Database, input: UsageInput, id: string, createdAt: number) {
  return db
    .prepare(
      `INSERT OR IGNORE INTO usage (id, tenant, key_id, operation, units, visual_tokens, text_tokens, pages,
         cache_hit, document, idempotency_key, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
    )
    .bind(
      id,
      input.caller.tenant,
      input.caller.keyId,
      input.operation,
      input.units,
      input.visualTokens ?? 0,
      input.textTokens ?? 0,
      input.pages ?? 0,
      input.cacheHit ? 1 : 0,
      input.document ?? null,
      input.idempotencyKey ?? id,
      createdAt,
    );
}

/** Writes one usage row now; a repeated idempotency key is ignored (already billed). True when a row was inserted. */
export async function recordUsage(db: D1Database, input: UsageInput): Promise<boolean> {
  const result = await usageStatement(db, input, crypto.randomUUID(), Date.now()).run();
  return result.meta.changes > 0;
}

interface QueuedRow {
  input: UsageInput;
  /** Fixed when the call is billed: a retried batch writes the same row (and idempotency key). */
  id: string;
  /** The call's time, not the flush's. */
  createdAt: number;
  settled: (inserted: boolean) => void;
}

// Rows billed in the last FLUSH_WINDOW_MS, and whether a flush that will take them is scheduled.
let queue: QueuedRow[] = [];
let flushScheduled = false;
/** How long rows gather before one D1 batch writes them (after the responses have gone). */
const FLUSH_WINDOW_MS = 25;
/** Statements per D1 batch (a batch is one transaction and one round trip). */
const BATCH_ROWS = 50;

/**
 * Bills a call without holding its response, and without a D1 write per call: the row joins the
 * isolate's queue, and the first call to find no flush scheduled schedules one in its own
 * `waitUntil`; FLUSH_WINDOW_MS later that flush takes every queued row and writes them in D1
 * batches of BATCH_ROWS (one round trip and one transaction each, instead of one per call — on
 * a cached re-query the per-call write was most of the cost). Every queued row is owned by the
 * one scheduled flush, which takes the whole queue, so none is left behind; a call arriving after
 * the take schedules the next flush. Nothing is shared between requests but plain data.
 *
 * Trade-offs: a row lands up to FLUSH_WINDOW_MS later than before (usage was already written
 * after the response); a batch is one transaction, so a failing batch is retried once, then its
 * rows are logged as not written, as a failed single write was; the retry cannot bill twice (the
 * idempotency key of each row is fixed when it is queued). The quota figure of this isolate counts
 * the units at once (edge/tenancy/limits.ts).
 */
export function meter(ctx: { waitUntil(promise: Promise<unknown>): void }, db: D1Database, input: UsageInput): void {
  queue.push({
    input,
    id: crypto.randomUUID(),
    createdAt: Date.now(),
    settled: noteBilled(input.caller.tenant, input.units),
  });
  if (!flushScheduled) {
    flushScheduled = true;
    ctx.waitUntil(flushAfterWindow(db));
  }
}

async function flushAfterWindow(db: D1Database): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, FLUSH_WINDOW_MS));
  const rows = queue;
  queue = [];
  flushScheduled = false;
  for (let i = 0; i < rows.length; i += BATCH_ROWS) await writeBatch(db, rows.slice(i, i + BATCH_ROWS));
}

async function writeBatch(db: D1Database, rows: QueuedRow[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Statements are built here, in the flushing request: a queued row is plain data.
      const results = await db.batch(rows.map((r) => usageStatement(db, r.input, r.id, r.createdAt)));
      // `changes` also counts the usage_monthly trigger's write: any change means the row went in.
      rows.forEach((row, i) => row.settled((results[i]?.meta.changes ?? 0) > 0));
      return;
    } catch (error) {
      if (attempt < 2) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const { input, settled } of rows) {
        settled(false);
        console.error(
          `edge: usage row not written (${input.caller.tenant} ${input.operation} ${input.units} units)`,
          error,
        );
      }
      return;
    }
  }
}

/** The idempotency key of a client request, scoped so two keys or operations never collide. */
export function clientIdempotencyKey(
  caller: Caller,
  operation: Operation,
  header: string | undefined,
): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  return `${caller.keyId}:${operation}:${value.slice(0, 200)}`;
}

/** Options of {@link listUsage}. */
export interface ListUsageOptions {
  tenant: string;
  fromMs: number;
  toMs: number;
  /** Most rows returned (newest first); totals always cover the whole range. */
  limit: number;
}

/** Sums over a set of usage rows. */
export interface UsageTotals {
  calls: number;
  units: number;
  pages: number;
  visualTokens: number;
  textTokens: number;
  cacheHits: number;
}

/** What {@link listUsage} returns. */
export interface UsageReport {
  totals: UsageTotals & { byOperation: Record<string, UsageTotals> };
  /** Newest first, at most `limit`. */
  rows: UsageRow[];
  /** More rows matched than `limit`. */
  truncated: boolean;
}

/** Totals per operation and overall, plus the newest rows, for one tenant and time range. */
export async function listUsage(db: D1Database, options: ListUsageOptions): Promise<UsageReport> {
  const { tenant, fromMs, toMs, limit } = options;
  const [totals, rows] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT operation, COUNT(*) AS calls, SUM(units) AS units, SUM(pages) AS pages,
           SUM(visual_tokens) AS visual_tokens, SUM(text_tokens) AS text_tokens, SUM(cache_hit) AS cache_hits
         FROM usage WHERE tenant = ?1 AND created_at >= ?2 AND created_at < ?3 GROUP BY operation ORDER BY operation`,
      )
      .bind(tenant, fromMs, toMs),
    db
      .prepare(
        `SELECT id, key_id, operation, units, pages, visual_tokens, text_tokens, cache_hit, document, created_at
         FROM usage WHERE tenant = ?1 AND created_at >= ?2 AND created_at < ?3
         ORDER BY created_at DESC, id LIMIT ?4`,
      )
      .bind(tenant, fromMs, toMs, limit + 1),
  ]);
  const byOperation: Record<string, UsageTotals> = {};
  const total: UsageTotals = { calls: 0, units: 0, pages: 0, visualTokens: 0, textTokens: 0, cacheHits: 0 };
  for (const r of totals!.results) {
    const entry: UsageTotals = {
      calls: Number(r.calls),
      units: Number(r.units),
      pages: Number(r.pages),
      visualTokens: Number(r.visual_tokens),
      textTokens: Number(r.text_tokens),
      cacheHits: Number(r.cache_hits),
    };
    byOperation[String(r.operation)] = entry;
    for (const k of Object.keys(total) as (keyof UsageTotals)[]) total[k] += entry[k];
  }
  const list: UsageRow[] = rows!.results.slice(0, limit).map((r) => ({
    id: String(r.id),
    keyId: String(r.key_id),
    operation: r.operation as Operation,
    units: Number(r.units),
    pages: Number(r.pages),
    visualTokens: Number(r.visual_tokens),
    textTokens: Number(r.text_tokens),
    cacheHit: Number(r.cache_hit) === 1,
    document: (r.document as string | null) ?? null,
    createdAt: new Date(Number(r.created_at)).toISOString(),
  }));
  return { totals: { ...total, byOperation }, rows: list, truncated: rows!.results.length > limit };
}
