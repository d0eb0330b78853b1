/**
 * The RENDERS bucket, its only reader and writer. A render: pages first, then the layout, then the
 * manifest. The manifest is written last, so its presence is the commit point — a render that broke
 * off leaves pages but no manifest, and is simply rendered again (pages are deterministic, so
 * overwriting them is harmless). Pages are stored by content (keys.ts): the manifest's page hashes
 * say where each page is, so renders that share pages share objects. Beside each render: a job's
 * range parts until it commits, and cached OCR read-backs.
 */
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { DecodeResponse, ManifestLine, ManifestPage, RenderManifest } from '../../protocol/runner-api.ts';
import type { Env, R2ObjectBody } from '../bindings.ts';
import type { RangePart } from '../jobs/merge.ts';
import { storageWrite } from './errors.ts';
import { contentPageKey, decodeKey, layoutKey, manifestKey, pageKey, partKey, partsPrefix } from './keys.ts';

/**
 * A stored page: the runner's page entry (with its `planSha256`, which lets the next render of a
 * longer text skip it) plus the SHA-256 of its PNG (the page's ETag, and its object's key).
 */
export interface StoredPage extends ManifestPage {
  sha256: string;
}

/**
 * Where a manifest's pages are: `content`, once per tenant by their hash (keys.ts
 * `contentPageKey`). Manifests committed before say nothing: their pages are per render
 * (`page-0001.png` beside the manifest), and are served from there.
 */
export type PageStore = 'content';

/**
 * The manifest as stored: the runner's, minus the layout (kept in layout.json), pages hashed.
 * Renders stored before preset `auto` lack `config`, `reflowed` and `textTokenizer`:
 * {@link readManifest} reads them as drawn with reflow off and counted in Qwen3 tokens.
 */
export interface StoredManifest {
  textSha256: string;
  /** SHA-256 of the resolved config (`config`); the render id can differ (edge/renders/render-id.ts). */
  configHash: string;
  /** The resolved config the pages were drawn with; absent in renders stored before it was kept. */
  config?: RenderManifest['config'];
  reflowed: boolean;
  /** The tokenizer family `totals.textTokens` was counted in (the runner's profile's). */
  textTokenizer: RenderManifest['textTokenizer'];
  /** Set for preset `auto`: what the fit search chose. */
  fit?: RenderManifest['fit'];
  /** The input kind the pages were drawn as (absent in renders stored before kinds: `text`). */
  kind?: RenderManifest['kind'];
  /** Profile the runner priced `pages[].visualTokens` with; other profiles are recomputed. */
  profile: string;
  chars: number;
  pages: StoredPage[];
  totals: RenderManifest['totals'];
  missingGlyphs: RenderManifest['missingGlyphs'];
  /** ISO time the render was committed. */
  storedAt: string;
  /** Where the pages are ({@link PageStore}); absent for renders committed before pages were stored by content. */
  pageStore?: PageStore;
}

/** Where a render lives. */
export interface RenderLocation {
  tenant: string;
  sha: string;
  configHash: string;
}

/** The committed manifest of a render, or null when there is none (never rendered, or broke off). */
export async function readManifest(env: Env, at: RenderLocation): Promise<StoredManifest | null> {
  const object = await env.RENDERS.get(manifestKey(at.tenant, at.sha, at.configHash));
  if (!object) return null;
  const stored = (await object.json()) as Partial<StoredManifest> & Omit<StoredManifest, 'reflowed' | 'textTokenizer'>;
  return {
    ...stored,
    reflowed: stored.reflowed ?? false,
    textTokenizer: stored.textTokenizer ?? { family: 'qwen3', estimate: false },
  };
}

/** Page count of a committed render from the manifest's metadata (a HEAD, no body), or null. */
export async function committedPageCount(env: Env, at: RenderLocation): Promise<number | null> {
  const head = await env.RENDERS.head(manifestKey(at.tenant, at.sha, at.configHash));
  if (!head) return null;
  const pages = Number(head.customMetadata?.pages);
  return Number.isSafeInteger(pages) ? pages : null;
}

/**
 * Stores one page PNG of `tenant` under its SHA-256 (returned; also kept as object metadata). A
 * page another render already stored is the same object, written again with the same bytes.
 * `what` names the page in a write failure ("page 4").
 */
export async function writePage(env: Env, tenant: string, png: Uint8Array, what = 'page'): Promise<string> {
  const hash = await sha256Hex(png);
  await storageWrite(
    what,
    env.RENDERS.put(contentPageKey(tenant, hash), png, {
      httpMetadata: { contentType: 'image/png' },
      customMetadata: { sha256: hash },
    }),
  );
  return hash;
}

/** What locates a manifest's pages: where they are stored, and each page's hash. */
export interface PageLocations {
  pageStore?: PageStore;
  pages: readonly Pick<StoredPage, 'n' | 'sha256'>[];
}

/** The R2 key of page `n` (1-based) of a committed manifest, or null past its last page. */
export function storedPageKey(at: RenderLocation, manifest: PageLocations, n: number): string | null {
  const page = manifest.pages[n - 1];
  if (!page || page.n !== n) return null;
  return manifest.pageStore === 'content'
    ? contentPageKey(at.tenant, page.sha256)
    : pageKey(at.tenant, at.sha, at.configHash, n);
}

/** Commits a render: layout, then the manifest (the commit point). */
export async function commitRender(
  env: Env,
  at: RenderLocation,
  manifest: StoredManifest,
  layout: ManifestLine[],
): Promise<void> {
  await storageWrite(
    'layout',
    env.RENDERS.put(layoutKey(at.tenant, at.sha, at.configHash), JSON.stringify(layout), {
      httpMetadata: { contentType: 'application/json' },
    }),
  );
  await storageWrite(
    'manifest',
    env.RENDERS.put(manifestKey(at.tenant, at.sha, at.configHash), JSON.stringify(manifest), {
      httpMetadata: { contentType: 'application/json' },
      customMetadata: { pages: String(manifest.pages.length) },
    }),
  );
}

/** The stored form of a runner manifest whose pages were written with these hashes. */
export function toStoredManifest(manifest: RenderManifest, pages: StoredPage[]): StoredManifest {
  return {
    textSha256: manifest.textSha256,
    configHash: manifest.configHash,
    config: manifest.config,
    reflowed: manifest.reflowed,
    textTokenizer: manifest.textTokenizer,
    ...(manifest.fit ? { fit: manifest.fit } : {}),
    ...(manifest.kind ? { kind: manifest.kind } : {}),
    profile: manifest.profile,
    chars: manifest.chars,
    pages,
    totals: manifest.totals,
    missingGlyphs: manifest.missingGlyphs,
    storedAt: new Date().toISOString(),
    pageStore: 'content',
  };
}

/** The stored page object at `key` ({@link storedPageKey}): the PNG and its size, or null. */
export async function readPageObject(env: Env, key: string): Promise<R2ObjectBody | null> {
  return env.RENDERS.get(key);
}

/** A render's layout map (every line's page, row and box), or null. */
export async function readLayout(env: Env, at: RenderLocation): Promise<ManifestLine[] | null> {
  const object = await env.RENDERS.get(layoutKey(at.tenant, at.sha, at.configHash));
  return object ? ((await object.json()) as ManifestLine[]) : null;
}

/** The cached OCR read-back of `sample` lines (or all), or null. */
export async function readDecode(env: Env, at: RenderLocation, sample: number | 'all'): Promise<DecodeResponse | null> {
  const object = await env.RENDERS.get(decodeKey(at.tenant, at.sha, at.configHash, sample));
  return object ? ((await object.json()) as DecodeResponse) : null;
}

/** Caches an OCR read-back (deterministic: pages and the lines sampled are). */
export async function writeDecode(
  env: Env,
  at: RenderLocation,
  sample: number | 'all',
  result: DecodeResponse,
): Promise<void> {
  await env.RENDERS.put(decodeKey(at.tenant, at.sha, at.configHash, sample), JSON.stringify(result), {
    httpMetadata: { contentType: 'application/json' },
  });
}

/** Stores a job's part for pages [first, last]. */
export async function writeRangePart(
  env: Env,
  at: RenderLocation,
  first: number,
  last: number,
  part: RangePart,
): Promise<void> {
  await storageWrite(
    'range part',
    env.RENDERS.put(partKey(at.tenant, at.sha, at.configHash, first, last), JSON.stringify(part)),
  );
}

/**
 * Every stored range part of a job's render, with their keys (to delete once committed); null when
 * one vanished while they were read (another delivery committed meanwhile and deleted them).
 */
export async function readRangeParts(
  env: Env,
  at: RenderLocation,
): Promise<{ parts: RangePart[]; keys: string[] } | null> {
  const listed = await env.RENDERS.list({ prefix: partsPrefix(at.tenant, at.sha, at.configHash) });
  const parts: RangePart[] = [];
  for (const object of listed.objects) {
    const body = await env.RENDERS.get(object.key);
    if (!body) return null;
    parts.push((await body.json()) as RangePart);
  }
  return { parts, keys: listed.objects.map((o) => o.key) };
}

/** Deletes range parts by the keys {@link readRangeParts} gave: after the commit they are dead weight. */
export async function deleteRangeParts(env: Env, keys: string[]): Promise<void> {
  await env.RENDERS.delete(keys);
}
