/** The body fields and headers a call's options become, shared by every client module. */
import type { BillableOptions, CachedCallOptions } from './options.ts';

/** The render fields of an options object. */
export const RENDER_KEYS = ['preset', 'config', 'profile', 'reflow', 'readbackFloor'] as const;
/** Render and compress also take how the pages reach a model (key-free URLs, a payload format). */
export const RENDER_CALL_KEYS = [...RENDER_KEYS, 'format', 'imageDelivery', 'urlTtl'] as const;

/** The body fields of an options object: `keys` only, and only those set. */
export function fields<T extends object, K extends keyof T>(options: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out;
}

/** Headers of a billed call. */
export function billing(options: BillableOptions): Record<string, string | undefined> {
  return { 'idempotency-key': options.idempotencyKey };
}

/** Headers of a billed call whose answer may come from the cache. */
export function caching(options: CachedCallOptions): Record<string, string | undefined> {
  return { ...billing(options), 'cache-control': options.noCache ? 'no-cache' : undefined };
}
