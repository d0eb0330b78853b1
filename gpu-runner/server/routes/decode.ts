/**
 * `POST /v1/decode` → `{charAccuracy, charAccuracyRaw, linesChecked, lines}`: OCR read-back of
 * sampled lines (gpu-runner/decode/). Holds a queue slot while it paints and reads.
 */
import { Hono } from 'hono';
import { decodeRequestSchema } from '../../../protocol/runner-api.ts';
import { decodeDocument } from '../../decode/decode.ts';
import { RunnerError } from '../../errors.ts';
import type { OcrService } from '../../ocr/service.ts';
import { isStyled, resolveJob } from '../../render-service/job.ts';
import { planLayout } from '../../planner/document-plan.ts';
import { rawPages, type JobPages, type RenderService } from '../../render-service/service.ts';
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
    const job = await resolveJob(body, { fits: deps.fits, signal: c.req.raw.signal });
    const ocr = deps.ocr();
    if (!ocr) throw new RunnerError(503, 'ocr_unavailable', 'the OCR model is not loaded');
    const ticket = deps.queue.enter({ signal: c.req.raw.signal });
    try {
      await ticket.ready;
      // A cached render's layout and pages spare the layout pass and the painting; a miss is laid
      // out once, by the planner, and painted from its plan.
      // A styled kind is always planned: its lines are compared with the drawn plain text, which
      // the planner makes. Its prose is filled across source line breaks, drawn as word gaps, so
      // they are compared as spaces (same length: the layout map's offsets still hold).
      // So is a reflowed render: its cached layout names the text sent, decode reads the text drawn.
      const cached = isStyled(job) ? undefined : await deps.renders.lookup(job.key);
      const hit = cached?.meta.reflowed ? undefined : cached;
      const planned = hit ? undefined : await deps.renders.planWithText(job, ticket.signal);
      const source: JobPages = hit ? { hit } : { plan: planned!.plan };
      const result = await decodeDocument({
        job: isStyled(job)
          ? { ...job, text: planned!.text.replaceAll('\n', ' ') }
          : planned
            ? { ...job, text: planned.text }
            : job,
        ocr,
        sample: body.sample,
        layout: source.hit ? source.hit.meta.layout : planLayout(source.plan),
        pages: (numbers) => rawPages(source, job.config, numbers),
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
