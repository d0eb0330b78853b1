/**
 * Document rows in isolate memory, for the cached query path: a re-query answered from R2 then
 * needs no D1 read at all (the usage row is written after the response, in `waitUntil`).
 *
 * Only complete rows are kept — those whose `text_tokens` is known. Such a row's fields this path
 * reads never change (`setTextTokens` only fills a NULL, the id is the text's hash, and no route
 * deletes documents), so serving it from memory is exact; its per-family counts
 * (`textTokensByFamily`) may grow meanwhile, so the render path reads D1 instead. Should a delete ever be added, an isolate could still see a
 * deleted row for up to `ttlMs` (AUTH_CACHE_TTL_MS): the bound is kept for that case.
 * Bounded: at most MAX_ROWS entries, the least recently used dropped first (lru-cache).
 */
import { LRUCache } from 'lru-cache';
import type { Env } from '../bindings.ts';
import { findDocument, type DocumentRecord } from './documents.ts';

const MAX_ROWS = 10_000;
// Entries expire by lru-cache's own per-entry `ttl`, on Date.now, read afresh on every lookup.
const rows = new LRUCache<string, DocumentRecord>({ max: MAX_ROWS, ttlResolution: 0, perf: { now: () => Date.now() } });

/** {@link findDocument}, answered from memory when a complete row was read less than `ttlMs` ago. */
export async function findDocumentCached(
  env: Env,
  tenant: string,
  sha: string,
  ttlMs: number,
): Promise<DocumentRecord | null> {
  // Tenant and sha are checked patterns (no '/'), so the key cannot collide across tenants.
  const key = `${tenant}/${sha}`;
  const hit = ttlMs > 0 ? rows.get(key) : undefined;
  if (hit) return hit;
  const record = await findDocument(env, tenant, sha);
  if (record && record.textTokens !== null && ttlMs > 0) rows.set(key, record, { ttl: ttlMs });
  return record;
}
