/** `POST /v1/documents`: the upload bodies and the stored-document view. */
import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, GATE_ERRORS } from './errors.ts';
import { billableHeaders, locationHeader } from './headers.ts';

/** The document text; limits and checks are the upload reader's (edge/http/read-text.ts). */
export const documentTextSchema = z.string().openapi({
  description: 'The document, UTF-8 (a leading byte-order mark is dropped). Not empty or only whitespace.',
});

/** JSON upload body: `{ "text": … }` only. */
export const uploadJsonSchema = z
  .strictObject(
    { text: documentTextSchema },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys[0]}": an upload takes only "text"` : undefined) },
  )
  .openapi('UploadJson');

/** A stored document. */
export const documentViewSchema = z
  .object({
    id: z.string().openapi({ description: 'SHA-256 of the text: the same text always has the same id.' }),
    sha256: z.string(),
    chars: z.number().int().openapi({ description: 'Unicode code points.' }),
    textTokens: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Qwen3 tokens; null until the document's first render (the runner counts them)." }),
  })
  .openapi('Document');

/** The text bodies every upload accepts beside JSON. */
export const textBodies = {
  'text/plain': { schema: documentTextSchema },
  'text/markdown': { schema: documentTextSchema },
};

/** `POST /v1/documents`. */
export const uploadRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'uploadDocument',
  tags: ['documents'],
  summary: 'Upload a document',
  description:
    'Stores a text for the caller\'s tenant, addressed by its SHA-256: 201 the first time, 200 with the same id after. ' +
    'Send the text itself (`text/plain`, `text/markdown`, UTF-8) or JSON `{"text": …}`; at most MAX_UPLOAD_BYTES (20 MiB).',
  request: {
    headers: billableHeaders,
    body: { description: 'The document (required).', content: { 'application/json': { schema: uploadJsonSchema }, ...textBodies } },
  },
  responses: {
    200: { description: 'The caller already had this text.', headers: locationHeader, content: { 'application/json': { schema: documentViewSchema } } },
    201: { description: 'Stored.', headers: locationHeader, content: { 'application/json': { schema: documentViewSchema } } },
    ...errorResponses(400, 413, 415, 503, ...GATE_ERRORS),
  },
});
