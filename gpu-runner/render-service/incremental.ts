/**
 * Incremental renders (`reusePlans`): a caller that holds the pages of an earlier render of the
 * same options sends their plan hashes, and the runner lays the whole text out but paints only
 * from the first page whose plan differs. The leading run is all that counts: a page after a
 * differing one is painted even when its hash matches again, because the caller's copy of the
 * document from there on is not this document's.
 */
import type { CachedRenderMeta } from '../cache/types.ts';
import { RunnerError } from '../errors.ts';

/** The page-selection fields of a render request that {@link renderSelection} checks. */
export interface RenderSelectionFields {
  firstPage?: number;
  lastPage?: number;
  reusePlans?: readonly string[];
}

/** What a render request asks to be sent: a page range, or the pages after those it holds. */
export interface RenderSelection {
  firstPage?: number;
  lastPage?: number;
  reusePlans?: readonly string[];
}

/** Checks that a request asks for one kind of selection (400 `invalid_request` naming `reusePlans`). */
export function renderSelection(fields: RenderSelectionFields): RenderSelection {
  const ranged = fields.firstPage !== undefined || fields.lastPage !== undefined;
  if (fields.reusePlans !== undefined && ranged) {
    throw new RunnerError(
      400,
      'invalid_request',
      'reusePlans: an incremental render is of the whole document; send it without firstPage/lastPage',
    );
  }
  if (fields.reusePlans !== undefined) return { reusePlans: fields.reusePlans };
  return ranged ? { firstPage: fields.firstPage, lastPage: fields.lastPage } : {};
}

/**
 * How many leading pages of `meta` the caller already holds: pages whose plan hash equals the
 * caller's at the same place, up to the first that differs (or has no hash).
 */
export function reusedPageCount(meta: Pick<CachedRenderMeta, 'pages'>, reusePlans: readonly string[]): number {
  const limit = Math.min(meta.pages.length, reusePlans.length);
  let k = 0;
  while (k < limit && meta.pages[k]!.planSha256 !== undefined && meta.pages[k]!.planSha256 === reusePlans[k]) k++;
  return k;
}

/** True when every page of `meta` carries its plan hash (entries cached before plan hashes do not). */
export function hasPlanHashes(meta: Pick<CachedRenderMeta, 'pages'>): boolean {
  return meta.pages.every((p) => p.planSha256 !== undefined);
}
