/**
 * `POST /v1/decode` → `{charAccuracy, charAccuracyRaw, linesChecked, lines}`: OCR read-back of
 * sampled lines (gpu-runner/decode/). Holds a queue slot while it paints and reads.
 */
import { Hono } from 'hono';
import { decodeRequestSchema } from '../../../protocol/runner-api.ts';
import { decodeDocument } from '../../decode/decode.ts';
import { RunnerError } from '../../errors.ts';
import type { OcrService } from '../../ocr/service.ts';
import { resolveJob } from '../../render-service/job.ts';
import type { RenderService } from '../../render-service/service.ts';
import { parseJsonBody } from '../request.ts';
import type { RouteDeps, RunnerEnv } from './types.ts';

/** Dependencies of the decode route. */
export interface DecodeRouteDeps extends RouteDeps {
  renders: RenderService;
  /** Undefined until the model is loaded (decode answers 503 meanwhile). */
  ocr: () => OcrService | undefined;
}

/** The decode route. */
export function decodeRoute(deps: DecodeRouteDeps): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.post('/v1/decode', async (c) => {
    deps.assertAccepting();
    const body = parseJsonBody(c.req.header('content-type'), c.get('rawBody'), decodeRequestSchema);
    const job = await resolveJob(body);
    const ocr = deps.ocr();
    if (!ocr) throw new RunnerError(503, 'ocr_unavailable', 'the OCR model is not loaded');
    const ticket = deps.queue.enter({ signal: c.req.raw.signal });
    try {
      await ticket.ready;
      // A cached render's layout spares the layout pass; the pixels are painted again (raw is
      // cheaper than decoding the cached PNGs).
      const hit = await deps.renders.lookup(job.key);
      const result = await decodeDocument({
        job,
        ocr,
        sample: body.sample,
        layout: hit?.meta.layout ?? (await deps.renders.layout(job, ticket.signal)),
        signal: ticket.signal,
        check: ticket.check,
      });
      c.header('x-glyph-cache', hit ? 'hit' : 'miss');
      return c.json(result);
    } finally {
      ticket.release();
    }
  });
  return app;
}
