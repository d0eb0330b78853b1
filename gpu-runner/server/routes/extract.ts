/**
 * `POST /v1/extract` (body: the PDF's bytes, `application/pdf`; query `maxPages`, `maxChars`) →
 * `{kind: 'pdf', text, pages, pageStarts}`: the PDF's text layer as the edge stores it. pdf.js
 * reads it in a planner thread, so a large PDF never holds the event loop; a refused PDF is its
 * `KindError` (400 `invalid_pdf`, 422 `encrypted_pdf` / `no_text_layer`, 413 `too_many_pages` /
 * `payload_too_large`), which the edge passes on with the same status and code.
 */
import { Hono } from 'hono';
import { MAX_TEXT_CHARS, type ExtractResponse } from '../../../protocol/runner-api.ts';
import { RunnerError } from '../../errors.ts';
import { MAX_PDF_PAGES } from '../../kinds/pdf.ts';
import type { RenderPlanner } from '../../planner/planner.ts';
import type { RouteDeps, RunnerEnv } from './types.ts';

/** Dependencies of the extract route. */
export interface ExtractRouteDeps extends Pick<RouteDeps, 'assertAccepting'> {
  planner: Pick<RenderPlanner, 'extractPdf'>;
}

/** The extract route. */
export function extractRoute(deps: ExtractRouteDeps): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.post('/v1/extract', async (c) => {
    deps.assertAccepting();
    const type = (c.req.header('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/pdf') {
      throw new RunnerError(415, 'unsupported_media_type', 'content-type must be application/pdf');
    }
    const maxPages = limit(c.req.query('maxPages'), 'maxPages', MAX_PDF_PAGES);
    const maxChars = limit(c.req.query('maxChars'), 'maxChars', MAX_TEXT_CHARS);
    const extract = deps.planner.extractPdf;
    if (!extract) throw new RunnerError(503, 'extract_unavailable', 'this runner cannot extract PDFs');
    const out = await extract.call(
      deps.planner,
      c.get('rawBody'),
      { maxPages, maxChars },
      { signal: c.req.raw.signal },
    );
    return c.json({ kind: 'pdf', ...out } satisfies ExtractResponse);
  });
  return app;
}

function limit(value: string | undefined, name: string, max: number): number {
  if (value === undefined) return max;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new RunnerError(400, 'invalid_request', `${name}: must be an integer from 1 to ${max}`);
  }
  return n;
}
