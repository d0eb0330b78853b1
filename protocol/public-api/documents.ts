/** `POST /v1/documents`: the upload bodies and the stored-document view. */
import { z } from '@hono/zod-openapi';

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
    textTokens: z.number().int().openapi({
      description:
        'Qwen3 tokens of the text, counted by a runner at upload and stored with the document (an upload no runner ' +
        'could count is a 503 `runners_unavailable` after the text was stored: retry it).',
    }),
  })
  .openapi('Document');

/** The text bodies every upload accepts beside JSON. */
export const textBodies = {
  'text/plain': { schema: documentTextSchema },
  'text/markdown': { schema: documentTextSchema },
};
