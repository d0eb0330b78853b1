/**
 * Issuing key-free page URLs for a render: Worker-served HMAC capabilities (capability.ts), or
 * R2 presigned URLs when `PAGE_URLS=r2-presigned` and R2's S3 credentials are configured. The
 * result says which (`via`), so a caller knows whether the Worker is in the path.
 */
import type { Env } from '../bindings.ts';
import { committedPages } from '../storage/page-index.ts';
import { ApiError } from '../http/errors.ts';
import { signedPageUrl, urlTtlSeconds } from './capability.ts';
import { presignedGetUrls, r2S3Credentials } from './presigned.ts';

/** How the URLs were made. */
export type SharedUrlsVia = 'worker' | 'r2-presigned';

/** Key-free URLs of some pages of one render. */
export interface SharedUrls {
  via: SharedUrlsVia;
  /** ISO time after which every URL is refused. */
  expiresAt: string;
  /** URL of each page, by page number. */
  urls: Map<number, string>;
}

/** Options of {@link issueSharedUrls}. */
export interface IssueOptions {
  tenant: string;
  documentId: string;
  renderId: string;
  pages: readonly number[];
  /** Lifetime in seconds (default one hour, at most seven days). */
  urlTtl?: number;
  /** Origin Worker-served URLs are made absolute against (the request's). */
  origin: string;
  /** Unix seconds now (tests). */
  now?: number;
}

/** How this deployment makes page URLs; throws on a PAGE_URLS it cannot honour (a deploy mistake). */
export function sharedUrlsMode(env: Env): SharedUrlsVia {
  const mode = env.PAGE_URLS?.trim() || 'worker';
  if (mode === 'worker') return 'worker';
  if (mode === 'r2-presigned') {
    if (!r2S3Credentials(env))
      throw new Error(
        'PAGE_URLS=r2-presigned needs R2_S3_ENDPOINT, R2_RENDERS_BUCKET, R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY',
      );
    return 'r2-presigned';
  }
  throw new Error('PAGE_URLS must be "worker" or "r2-presigned"');
}

/**
 * URLs for `pages` of a render the caller was just shown (so the pages exist and are the
 * caller's tenant's). 503 `page_urls_not_configured` when Worker URLs are asked for and
 * PAGE_URL_SECRET is not set.
 */
export async function issueSharedUrls(env: Env, options: IssueOptions): Promise<SharedUrls> {
  const ttl = urlTtlSeconds(options.urlTtl);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const expires = now + ttl;
  const expiresAt = new Date(expires * 1000).toISOString();
  const { tenant, documentId, renderId } = options;
  const urls = new Map<number, string>();
  if (sharedUrlsMode(env) === 'r2-presigned') {
    // The objects the render's manifest names (by content, or per render for older renders).
    const located = await committedPages(env, { tenant, sha: documentId, configHash: renderId }, options.pages);
    const keys = options.pages.map((n) => {
      const page = located?.get(n);
      if (!page) throw new ApiError(500, 'internal_error', `page ${n} of the render is not committed`);
      return page.key;
    });
    const signed = await presignedGetUrls(r2S3Credentials(env)!, keys, ttl);
    options.pages.forEach((n, i) => urls.set(n, signed[i]!));
    return { via: 'r2-presigned', expiresAt, urls };
  }
  const secret = env.PAGE_URL_SECRET;
  if (!secret)
    throw new ApiError(
      503,
      'page_urls_not_configured',
      'key-free page URLs are not configured on this deployment (PAGE_URL_SECRET)',
    );
  const signed = await Promise.all(
    options.pages.map((n) => signedPageUrl(options.origin, secret, { tenant, documentId, renderId, n, expires })),
  );
  options.pages.forEach((n, i) => urls.set(n, signed[i]!));
  return { via: 'worker', expiresAt, urls };
}
