/**
 * One tier's segment of a budgeted context, rendered: its turns' transcript stored as a document
 * of the tenant (content-addressed, through the upload store), rendered through the document
 * render path (edge/renders/render.ts) with the tier's fields, extending the longest earlier run
 * of the same messages the history index knows (history-index.ts) so only the changed tail is
 * painted, and read back: tier 0 by the fit search's read-back, denser tiers by a sampled OCR
 * read-back of their own pages (the decode path, cached next to the render).
 */
import type { Context } from 'hono';
import { utf8Bytes, sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { AppEnv } from '../app-env.ts';
import { transcriptOf, type Message } from '../conversations/transcript.ts';
import { withDocumentKind } from '../documents/kind.ts';
import { ApiError } from '../http/errors.ts';
import { countCodePoints, countLines } from '../http/read-text.ts';
import { resolveRender, type RenderFields } from '../renders/render-options.ts';
import { renderFor } from '../renders/render.ts';
import type { RenderView } from '../renders/render-view.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { storeDocument } from '../storage/documents.ts';
import { readDecode, writeDecode } from '../storage/renders.ts';
import { findLongestPrefix, messageHashChain, rememberHistory } from './history-index.ts';
import { describeForLog } from '../http/log-safe.ts';

/** Lines a denser tier's read-back samples (spread over its pages by the runner). */
export const TIER_READBACK_SAMPLE = 16;

/** A rendered segment. */
export interface RenderedSegment {
  tier: number;
  from: number;
  to: number;
  documentId: string;
  renderId: string;
  view: RenderView;
  visualTokens: number;
  pagesRendered: number;
  pagesReused: number;
  /** The earlier document this render extended (from the history index), if any. */
  previousDocument: string | null;
}

/** Options of {@link renderSegment}. */
export interface SegmentInput {
  /** The segment's turns. */
  messages: readonly Message[];
  tier: number;
  from: number;
  to: number;
  fields: RenderFields;
  /** Where tier cuts fall (history lookups probe those lengths). */
  blockSize: number;
}

/** Stores and renders one segment. @throws ApiError 413 when its render would be a job (too many pages). */
export async function renderSegment(c: Context<AppEnv>, input: SegmentInput): Promise<RenderedSegment> {
  const { tenant } = c.get('caller');
  const text = transcriptOf(input.messages);
  const bytes = utf8Bytes(text);
  const sha = await sha256Hex(bytes);
  const { record } = await storeDocument(c.env, {
    tenant,
    sha,
    bytes,
    chars: countCodePoints(text),
    lines: countLines(text),
  });
  const resolved = await withDocumentKind(await resolveRender(input.fields), record);
  const chain = await messageHashChain(input.messages);
  const previous = await findLongestPrefix(c.env, tenant, resolved.renderId, chain, input.blockSize);
  const outcome = await renderFor(c, record, resolved, previous ? { previousDocument: previous.document } : undefined);
  if (outcome.status === 202) {
    throw new ApiError(
      413,
      'context_too_large',
      `turns ${input.from}–${input.to - 1} would take more pages than one request renders (RENDER_ASYNC_PAGE_THRESHOLD): lower the budget`,
    );
  }
  const view = outcome.body;
  // Derived data: an entry not written costs the next call its reuse, never this call its answer.
  await rememberHistory(c.env, tenant, resolved.renderId, chain, sha).catch((error: unknown) => {
    console.warn(`edge: history entry for ${sha.slice(0, 12)} not written: ${describeForLog(error)}`);
  });
  return {
    tier: input.tier,
    from: input.from,
    to: input.to,
    documentId: sha,
    renderId: resolved.renderId,
    view,
    visualTokens: view.pages.reduce((sum, p) => sum + p.visualTokens, 0),
    pagesRendered: view.pagesRendered,
    pagesReused: view.pagesReused,
    previousDocument: previous?.document ?? null,
  };
}

/**
 * A denser tier's read-back: the character accuracy of a sampled OCR read-back of its pages
 * (cached next to the render, as the decode route caches it).
 */
export async function sampledReadback(
  c: Context<AppEnv>,
  segment: RenderedSegment,
  fields: RenderFields,
  messages: readonly Message[],
): Promise<number> {
  const { tenant } = c.get('caller');
  const at = { tenant, sha: segment.documentId, configHash: segment.renderId };
  const stored = await readDecode(c.env, at, TIER_READBACK_SAMPLE);
  if (stored) return stored.charAccuracy;
  const resolved = await resolveRender(fields);
  const result = await runnerClient(c.env).decode(segment.documentId, {
    text: transcriptOf(messages),
    ...resolved.render,
    sample: TIER_READBACK_SAMPLE,
  });
  await writeDecode(c.env, at, TIER_READBACK_SAMPLE, result);
  return result.charAccuracy;
}
