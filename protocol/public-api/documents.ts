/** `POST /v1/documents`: the upload bodies and the stored-document view. */
import { z } from '@hono/zod-openapi';
import { DOCUMENT_KINDS } from '../document-kinds.ts';

/** The document text; limits and checks are the upload reader's (edge/http/read-text.ts). */
export const documentTextSchema = z.string().openapi({
  description: 'The document, UTF-8 (a leading byte-order mark is dropped). Not empty or only whitespace.',
});

/** JSON upload body: `{ "text": … }` only. */
export const uploadJsonSchema = z
  .strictObject(
    { text: documentTextSchema },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field "${issue.keys[0]}": an upload takes only "text"`
          : undefined,
    },
  )
  .openapi('UploadJson');

/** A stored document. */
export const documentViewSchema = z
  .object({
    id: z.string().openapi({ description: 'SHA-256 of the text: the same text always has the same id.' }),
    sha256: z.string(),
    chars: z.number().int().openapi({ description: 'Unicode code points.' }),
    kind: z.enum(DOCUMENT_KINDS).optional().openapi({
      description: 'The input kind the document is drawn as: from `?kind=`, else the Content-Type, else `text`.',
    }),
    language: z.string().optional().openapi({ description: 'Highlighter language of a `code` document.' }),
    pdfPages: z.number().int().optional().openapi({ description: 'Page count of an uploaded PDF.' }),
    textTokens: z
      .number()
      .int()
      .openapi({
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

/**
 * Bodies an upload takes beside {@link textBodies}: any text type that names a kind (`text/html`,
 * `text/x-<language>` such as `text/x-python`, `text/x-log`), and a PDF's bytes, whose text layer
 * becomes the document (400 `invalid_pdf`, 422 `encrypted_pdf` / `no_text_layer`, 413
 * `too_many_pages` past MAX_PDF_PAGES or `payload_too_large` past the upload limit while extracting).
 */
export const kindBodies = {
  'text/*': { schema: documentTextSchema },
  'application/pdf': { schema: z.string().openapi({ format: 'binary', description: 'A PDF with a text layer.' }) },
};

/** Query of `POST /v1/documents`: the kind, which wins over the Content-Type. */
export const uploadQuerySchema = z.object({
  kind: z
    .string()
    .optional()
    .openapi({
      description: `The input kind: one of ${DOCUMENT_KINDS.join(', ')} (400 naming \`kind\` otherwise). Wins over the Content-Type.`,
    }),
  language: z.string().optional().openapi({
    description:
      'Highlighter language of a code document (`python`, `typescript`); implies kind `code` when no kind is given.',
  }),
});
