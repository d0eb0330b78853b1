/**
 * The R2 key layout. Every key starts with `t/<tenant>/`, so one tenant's objects can never be
 * named by another's request; every segment is checked here, the last line of defence behind the
 * route parameter schemas (protocol/public-api/id-rules.ts).
 *
 *   DOCUMENTS  t/<tenant>/docs/<sha256>
 *   RENDERS    t/<tenant>/pages/<sha256 of the PNG>.png                     (page images, by content)
 *              t/<tenant>/renders/<sha256>/<renderId>/manifest.json (written last: the commit point)
 *              (renderId: edge/renders/render-id.ts; the `configHash` parameters below are it)
 *              t/<tenant>/renders/<sha256>/<renderId>/layout.json (before the manifest)
 *              t/<tenant>/renders/<sha256>/<renderId>/parts/<first>-<last>.json (job ranges)
 *              t/<tenant>/renders/<sha256>/<renderId>/decode/<sample>.json
 *              t/<tenant>/renders/<sha256>/<renderId>/page-0001.png … (renders committed before
 *              content-addressed pages: their manifests have no `pageStore`, and are served from here)
 *              t/<tenant>/histories/<renderId>/<hash of a run of messages>.json (edge/context/history-index.ts)
 *   ANSWERS    t/<tenant>/answers/<sha256>/<renderId>/<backend>/<sha256(normalized question)>.json
 *
 * Pages are stored once per tenant by the SHA-256 of their PNG, so renders that share a page (a
 * conversation one turn longer, the same text under two render ids that draw it alike) share one
 * object; a manifest with `pageStore: 'content'` lists each page's hash, and is the only index.
 * Nothing ever deletes a page object (there is no delete route): one page may belong to many
 * renders, and no reference count is kept, so deleting one would break the others. Pages live in
 * the RENDERS bucket, a derived cache whose lifecycle rule may expire them wholesale.
 */

const TENANT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const BACKEND = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Whether `tenant` is a valid tenant id (lowercase slug: what `npm run keys` accepts). */
export function isTenantId(tenant: string): boolean {
  return TENANT.test(tenant);
}

function check(value: string, pattern: RegExp, what: string): string {
  // Throws rather than returning 400: a bad segment here means a caller skipped validation.
  if (!pattern.test(value)) throw new Error(`storage key: invalid ${what}`);
  return value;
}

function renderPrefix(tenant: string, sha: string, configHash: string): string {
  return `t/${check(tenant, TENANT, 'tenant')}/renders/${check(sha, HEX64, 'document id')}/${check(configHash, HEX64, 'config hash')}/`;
}

/** Key of a document's text. */
export function documentKey(tenant: string, sha: string): string {
  return `t/${check(tenant, TENANT, 'tenant')}/docs/${check(sha, HEX64, 'document id')}`;
}

/** Key of a page image by the SHA-256 of its PNG (renders committed with `pageStore: 'content'`). */
export function contentPageKey(tenant: string, pageSha256: string): string {
  return `t/${check(tenant, TENANT, 'tenant')}/pages/${check(pageSha256, HEX64, 'page hash')}.png`;
}

/**
 * Key of page `n` (1-based) of a render in the per-render layout of renders committed before
 * content-addressed pages (zero-padded so keys list in page order): read, never written.
 */
export function pageKey(tenant: string, sha: string, configHash: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('storage key: invalid page number');
  return `${renderPrefix(tenant, sha, configHash)}page-${String(n).padStart(4, '0')}.png`;
}

/** Key of a render's manifest: its presence means every page is stored. */
export function manifestKey(tenant: string, sha: string, configHash: string): string {
  return `${renderPrefix(tenant, sha, configHash)}manifest.json`;
}

/** Key of a render's layout map (kept apart so the manifest read on every cache hit stays small). */
export function layoutKey(tenant: string, sha: string, configHash: string): string {
  return `${renderPrefix(tenant, sha, configHash)}layout.json`;
}

/** Key of the partial manifest of pages [first, last] written by a job. */
export function partKey(tenant: string, sha: string, configHash: string, first: number, last: number): string {
  return `${renderPrefix(tenant, sha, configHash)}parts/${String(first).padStart(6, '0')}-${String(last).padStart(6, '0')}.json`;
}

/** Prefix under which a job's partial manifests are listed. */
export function partsPrefix(tenant: string, sha: string, configHash: string): string {
  return `${renderPrefix(tenant, sha, configHash)}parts/`;
}

/** Key of a cached OCR read-back (`sample` lines, or `all`). */
export function decodeKey(tenant: string, sha: string, configHash: string, sample: number | 'all'): string {
  return `${renderPrefix(tenant, sha, configHash)}decode/${sample}.json`;
}

/** Key of a cached answer. */
export function answerKey(
  tenant: string,
  sha: string,
  configHash: string,
  backend: string,
  questionHash: string,
): string {
  return (
    `t/${check(tenant, TENANT, 'tenant')}/answers/${check(sha, HEX64, 'document id')}/` +
    `${check(configHash, HEX64, 'config hash')}/${check(backend, BACKEND, 'backend')}/${check(questionHash, HEX64, 'question hash')}.json`
  );
}

/** Key of a history entry: which document the run of messages with chain hash `hash` was stored as, under `renderId`. */
export function historyKey(tenant: string, renderId: string, hash: string): string {
  return `t/${check(tenant, TENANT, 'tenant')}/histories/${check(renderId, HEX64, 'render id')}/${check(hash, HEX64, 'history hash')}.json`;
}
