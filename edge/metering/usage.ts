/**
 * Usage rows: one per billable call (upload, render, query, decode), written to D1. A trigger
 * (migrations/0001_init.sql) adds the units to the tenant's month total that the quota reads.
 */
import type { D1Database } from '../bindings.ts';
import type { Caller } from '../app-env.ts';

/** A billable operation. */
export type Operation = 'upload' | 'render' | 'query' | 'decode';

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

/** Writes one usage row; a repeated idempotency key is ignored (already billed). */
export async function recordUsage(db: D1Database, input: UsageInput): Promise<void> {
  const id = crypto.randomUUID();
  await db
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
      Date.now(),
    )
    .run();
}

/**
 * Bills a call without holding its response: the row is written in `waitUntil`, after the
 * response has gone. It keeps a D1 round trip off every call (the cached paths are two round
 * trips instead of three); the quota check reading the total a few ms late does not matter, and a
 * failed write is logged instead of failing a call whose work is already done.
 */
export function meter(ctx: { waitUntil(promise: Promise<unknown>): void }, db: D1Database, input: UsageInput): void {
  ctx.waitUntil(
    recordUsage(db, input).catch((error: unknown) => {
      console.error(`edge: usage row not written (${input.caller.tenant} ${input.operation} ${input.units} units)`, error);
    }),
  );
}

/** The idempotency key of a client request, scoped so two keys or operations never collide. */
export function clientIdempotencyKey(caller: Caller, operation: Operation, header: string | undefined): string | undefined {
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
