/**
 * Renders in R2: pages first, then the layout, then the manifest. The manifest is written last,
 * so its presence is the commit point — a render that broke off leaves pages but no manifest, and
 * is simply rendered again (pages are deterministic, so overwriting them is harmless).
 */
import type { ManifestLine, ManifestPage, RenderManifest } from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import { sha256 } from '../http/ids.ts';
import { storageWrite } from './errors.ts';
import { layoutKey, manifestKey, pageKey } from './keys.ts';

/** A stored page: the runner's page entry plus the SHA-256 of its PNG (the page's ETag). */
export interface StoredPage extends ManifestPage {
  sha256: string;
}

/** The manifest as stored: the runner's, minus the layout (kept in layout.json), pages hashed. */
export interface StoredManifest {
  textSha256: string;
  configHash: string;
  /** Profile the runner priced `pages[].visualTokens` with; other profiles are recomputed. */
  profile: string;
  chars: number;
  pages: StoredPage[];
  totals: RenderManifest['totals'];
  missingGlyphs: RenderManifest['missingGlyphs'];
  /** ISO time the render was committed. */
  storedAt: string;
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
  return object ? ((await object.json()) as StoredManifest) : null;
}

/** Page count of a committed render from the manifest's metadata (a HEAD, no body), or null. */
export async function committedPageCount(env: Env, at: RenderLocation): Promise<number | null> {
  const head = await env.RENDERS.head(manifestKey(at.tenant, at.sha, at.configHash));
  if (!head) return null;
  const pages = Number(head.customMetadata?.pages);
  return Number.isSafeInteger(pages) ? pages : null;
}

/** Stores one page PNG; returns its SHA-256, also kept as object metadata for the ETag. */
export async function writePage(env: Env, at: RenderLocation, n: number, png: Uint8Array): Promise<string> {
  const hash = await sha256(png);
  await storageWrite(
    `page ${n}`,
    env.RENDERS.put(pageKey(at.tenant, at.sha, at.configHash, n), png, {
      httpMetadata: { contentType: 'image/png' },
      customMetadata: { sha256: hash },
    }),
  );
  return hash;
}

/** Commits a render: layout, then the manifest (the commit point). */
export async function commitRender(env: Env, at: RenderLocation, manifest: StoredManifest, layout: ManifestLine[]): Promise<void> {
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
    profile: manifest.profile,
    chars: manifest.chars,
    pages,
    totals: manifest.totals,
    missingGlyphs: manifest.missingGlyphs,
    storedAt: new Date().toISOString(),
  };
}
