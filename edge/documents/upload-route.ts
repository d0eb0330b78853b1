/** `POST /v1/documents`: the route definition. */
import { createRoute } from '@hono/zod-openapi';
import {
  documentViewSchema,
  kindBodies,
  textBodies,
  uploadJsonSchema,
  uploadQuerySchema,
} from '../../protocol/public-api/documents.ts';
import { errorResponses, GATE_ERRORS } from '../http/error-responses.ts';
import { billableHeaders, locationHeader } from '../http/header-docs.ts';

/** `POST /v1/documents`. */
export const uploadRoute = createRoute({
  method: 'post',
  path: '/',
  operationId: 'uploadDocument',
  tags: ['documents'],
  summary: 'Upload a document',
  description:
    "Stores a text for the caller's tenant, addressed by its SHA-256: 201 the first time, 200 with the same id after. " +
    'Send the text itself (`text/plain`, `text/markdown`, UTF-8) or JSON `{"text": …}`; at most MAX_UPLOAD_BYTES (20 MiB). ' +
    'A runner counts the text tokens of a new document (`textTokens`); when none can, the text is stored anyway and the ' +
    'answer is 503 `runners_unavailable` with Retry-After: the same upload again answers 200 with the count. ' +
    'The input kind (`kind` in the answer) is `?kind=text|markdown|code|pdf|html|log` (with `&language=` for code), ' +
    'else the Content-Type (`text/markdown`, `text/html`, `text/x-<language>` such as `text/x-python`, `text/x-log`, ' +
    '`application/pdf`), else `text`; it decides how the document is drawn. A PDF is stored as its text layer, pages kept.',
  request: {
    headers: billableHeaders,
    query: uploadQuerySchema,
    body: {
      description: 'The document (required).',
      content: { 'application/json': { schema: uploadJsonSchema }, ...textBodies, ...kindBodies },
    },
  },
  responses: {
    200: {
      description: 'The caller already had this text.',
      headers: locationHeader,
      content: { 'application/json': { schema: documentViewSchema } },
    },
    201: {
      description: 'Stored.',
      headers: locationHeader,
      content: { 'application/json': { schema: documentViewSchema } },
    },
    ...errorResponses(400, 413, 415, 422, 502, 503, ...GATE_ERRORS),
  },
});
