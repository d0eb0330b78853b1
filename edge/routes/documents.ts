/**
 * `POST /v1/documents`: store a text for the caller's tenant, content-addressed by its SHA-256.
 * 201 the first time, 200 with the same id after. Lookups are scoped to the caller's tenant only,
 * so whether some other tenant uploaded the same text changes neither the status nor the work done.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { badRequest } from '../http/errors.ts';
import { sha256 } from '../http/ids.ts';
import { countCodePoints, readUploadBody, type UploadBody } from '../http/read-text.ts';
import { gate } from '../auth/gate.ts';
import { clientIdempotencyKey, meter } from '../metering/usage.ts';
import { storeDocument, type DocumentRecord } from '../storage/documents.ts';

/** Body of an upload response. */
export interface DocumentView {
  id: string;
  sha256: string;
  chars: number;
  /**
   * Qwen3 text tokens; null until the document's first render (the runner counts them: see
   * edge/README.md, "Text tokens").
   */
  textTokens: number | null;
}

/** The public view of a stored document. */
export function documentView(record: DocumentRecord): DocumentView {
  return { id: record.sha256, sha256: record.sha256, chars: record.chars, textTokens: record.textTokens };
}

/** Stores an upload body for the caller and bills it; shared with `/v1/compress`. */
export async function ingest(c: Context<AppEnv>, body: UploadBody): Promise<{ created: boolean; record: DocumentRecord }> {
  const caller = c.get('caller');
  const sha = await sha256(body.bytes);
  const result = await storeDocument(c.env, { tenant: caller.tenant, sha, bytes: body.bytes, chars: countCodePoints(body.text) });
  meter(c.executionCtx, c.env.DB, {
    caller,
    operation: 'upload',
    units: edgeConfig(c.env).prices.upload,
    cacheHit: false,
    document: sha,
    idempotencyKey: clientIdempotencyKey(caller, 'upload', c.req.header('idempotency-key')),
  });
  return result;
}

/** Routes under `/v1/documents` that create documents. */
export const documentRoutes = new Hono<AppEnv>();

documentRoutes.post('/', gate({ quota: true }), async (c) => {
  const body = await readUploadBody(c.req.raw, edgeConfig(c.env).maxUploadBytes);
  const extra = Object.keys(body.fields);
  if (extra.length > 0) throw badRequest('invalid_request', `unknown field "${extra[0]}": an upload takes only "text"`);
  const { created, record } = await ingest(c, body);
  c.header('location', `/v1/documents/${record.sha256}`);
  return c.json(documentView(record), created ? 201 : 200);
});
