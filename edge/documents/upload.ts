/**
 * `POST /v1/documents`: store a text for the caller's tenant, content-addressed by its SHA-256.
 * 201 the first time, 200 with the same id after. Lookups are scoped to the caller's tenant only,
 * so whether some other tenant uploaded the same text changes neither the status nor the work done.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { documentViewSchema } from '../../protocol/public-api/documents.ts';
import { uploadRoute } from './upload-route.ts';
import { apiRoutes } from '../http/api-routes.ts';
import type { AppEnv } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { uploadBody } from '../http/body-middleware.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { countCodePoints, countLines, type UploadBody } from '../http/read-text.ts';
import { gate } from '../tenancy/gate.ts';
import { clientIdempotencyKey, meter } from '../usage/store.ts';
import { storeDocument, type DocumentRecord } from '../storage/documents.ts';
import { textTokensOf } from './text-tokens.ts';

/** Body of an upload response; `textTokens` is counted at upload (documents/text-tokens.ts). */
export type DocumentView = z.infer<typeof documentViewSchema>;

/** The public view of a stored document whose text tokens are `textTokens`. */
export function documentView(record: DocumentRecord, textTokens: number): DocumentView {
  return { id: record.sha256, sha256: record.sha256, chars: record.chars, textTokens };
}

/** Stores an upload body for the caller and bills it; shared with `/v1/compress`. */
export async function ingest(c: Context<AppEnv>, body: UploadBody): Promise<{ created: boolean; record: DocumentRecord }> {
  const caller = c.get('caller');
  const sha = await sha256Hex(body.bytes);
  const result = await storeDocument(c.env, {
    tenant: caller.tenant,
    sha,
    bytes: body.bytes,
    chars: countCodePoints(body.text),
    lines: countLines(body.text),
  });
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
export const documentRoutes = apiRoutes();

// The JSON body's schema allows only "text", so by here the upload is exactly a document.
documentRoutes.openapi(createRoute({ ...uploadRoute, middleware: [gate({ quota: true }), uploadBody()] as const }), async (c) => {
  const upload = c.get('upload');
  const { created, record } = await ingest(c, upload);
  // Stored (and billed) first: if no runner can count, nothing is lost and the retry is cheap.
  const textTokens = await textTokensOf(c, record, upload.text);
  c.header('location', `/v1/documents/${record.sha256}`);
  return c.json(documentView(record, textTokens), created ? 201 : 200);
});
