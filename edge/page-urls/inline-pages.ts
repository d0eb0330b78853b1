/**
 * Pages sent inline (base64 in a model request), kept per isolate by content. A page object is
 * named by the SHA-256 of its PNG and never changes, so its base64 is the same for every render
 * that shares it: a conversation sent again with one more turn re-encodes only its new pages
 * instead of reading and encoding every page of the history on each call. Bounded by the bytes
 * of base64 held.
 */
import { LRUCache } from 'lru-cache';
import { toBase64 } from '../../protocol/model-payloads.ts';
import type { Env, ExecutionContext } from '../bindings.ts';
import { committedPage } from '../storage/page-index.ts';
import { readCommittedPageBytes, type PageAt } from './page-source.ts';

/** Most base64 characters kept (about 48 MB of PNG). */
export const MAX_INLINE_CHARS = 64 * 1024 * 1024;

const encoded = new LRUCache<string, string>({
  maxSize: MAX_INLINE_CHARS,
  sizeCalculation: (base64) => Math.max(1, base64.length),
});

/** Page `at` as base64, or null when it is not part of a committed render. */
export async function inlinePage(
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
  at: PageAt,
): Promise<string | null> {
  const page = await committedPage(env, at, at.n);
  if (!page) return null;
  // Tenant in the key: equal bytes of two tenants are still two tenants' pages.
  const key = `${at.tenant}/${page.sha256}`;
  const known = encoded.get(key);
  if (known !== undefined) return known;
  const bytes = await readCommittedPageBytes(env, ctx, at);
  if (!bytes) return null;
  const base64 = toBase64(bytes);
  encoded.set(key, base64);
  return base64;
}
