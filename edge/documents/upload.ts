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
import type { ResolvedKind } from '../../protocol/document-kinds.ts';
import { badRequest } from '../http/errors.ts';
import { extractPdfUpload } from './extract-pdf.ts';
import { uploadKind } from './kind.ts';
import { textTokensOf } from './text-tokens.ts';

/** Body of an upload response; `textTokens` is counted at upload (documents/text-tokens.ts). */
export type DocumentView = z.infer<typeof documentViewSchema>;

/** The public view of a stored document whose text tokens are `textTokens`. */
export function documentView(record: DocumentRecord, textTokens: number): DocumentView {
  return {
    id: record.sha256,
    sha256: record.sha256,
    chars: record.chars,
    kind: record.kind,
    ...(record.language ? { language: record.language } : {}),
    textTokens,
  };
}

/** Stores an upload body for the caller and bills it; shared with `/v1/compress`. */
export async function ingest(
  c: Context<AppEnv>,
  body: UploadBody,
  kind?: ResolvedKind,
): Promise<{ created: boolean; record: DocumentRecord }> {
  const caller = c.get('caller');
  const sha = await sha256Hex(body.bytes);
  const result = await storeDocument(c.env, {
    tenant: caller.tenant,
    sha,
    bytes: body.bytes,
    chars: countCodePoints(body.text),
    lines: countLines(body.text),
    ...(kind ? { kind: kind.kind, ...(kind.language ? { language: kind.language } : {}) } : {}),
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
documentRoutes.openapi(
  createRoute({ ...uploadRoute, middleware: [gate({ quota: true }), uploadBody()] as const }),
  async (c) => {
    let upload = c.get('upload');
    // A JSON body `{"text": …}` is the envelope, not a JSON document: its type names no kind.
    const kind = uploadKind(c.req.valid('query'), upload.json ? undefined : upload.mediaType);
    let pdfPages: number | undefined;
    if (upload.pdf || kind.kind === 'pdf') {
      // A PDF is its text layer from here on; `?kind=pdf` on a text body is not a PDF to read.
      if (!upload.pdf)
        throw badRequest('invalid_pdf', 'kind pdf needs the PDF itself as the body (Content-Type: application/pdf)');
      ({ body: upload, pages: pdfPages } = await extractPdfUpload(c, upload.pdf));
    }
    // A PDF body is drawn as a PDF whatever `?kind=` said: its text is the PDF's pages.
    const { created, record } = await ingest(
      c,
      upload,
      pdfPages !== undefined ? { kind: 'pdf', from: kind.from } : kind,
    );
    // Stored (and billed) first: if no runner can count, nothing is lost and the retry is cheap.
    const textTokens = await textTokensOf(c, record, upload.text);
    c.header('location', `/v1/documents/${record.sha256}`);
    return c.json(
      { ...documentView(record, textTokens), ...(pdfPages !== undefined ? { pdfPages } : {}) },
      created ? 201 : 200,
    );
  },
);
