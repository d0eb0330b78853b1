/**
 * `POST /v1/answer` → `{answer, answerer, citations}`, or with `stream: true` Server-Sent Events:
 * `event: delta` (`{"text": …}`) as the answer grows, then one `event: done` with the response.
 * The backend's first event is awaited before the SSE response starts, so an upstream failure
 * that happens at once (VLM down, refused) is still a plain 502/504 JSON error; one that happens
 * mid-stream ends the stream with `event: error` (`{error:{code,message}}`).
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { answerRequestSchema, type AnswerResponse, type ManifestLine } from '../../../protocol/runner-api.ts';
import type { AnswerBackend, AnswerEvent, AnswerInput } from '../../answer/backend.ts';
import { NoVisibleTextError, toRunnerError } from '../../errors.ts';
import { abortable } from '../../queue/abortable.ts';
import { planLayout } from '../../planner/document-plan.ts';
import { isStyled, resolveJob } from '../../render-service/job.ts';
import { pngPages, type JobPages, type RenderService } from '../../render-service/service.ts';
import { parseJsonBody } from '../request.ts';
import type { RouteDeps, RunnerEnv } from './types.ts';

/** Dependencies of the answer route. */
export interface AnswerRouteDeps extends RouteDeps {
  renders: RenderService;
  backend: AnswerBackend;
}

/** The answer route. */
export function answerRoute(deps: AnswerRouteDeps): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.post('/v1/answer', async (c) => {
    deps.assertAccepting();
    const body = parseJsonBody(c.req.header('content-type'), c.get('rawBody'), answerRequestSchema);
    const job = await resolveJob(body, { fits: deps.fits, signal: c.req.raw.signal });
    const ticket = deps.queue.enter({ signal: c.req.raw.signal });
    let streaming = false;
    try {
      await ticket.ready;
      // Laid out once (the planner's plan, or the cached render's layout); pages are painted
      // from that plan only if the backend asks for them.
      // A styled kind is always planned: its layout map indexes the drawn plain text, which the
      // planner makes (a cached render holds pages and layout, not that text).
      // So is a reflowed render: its cached layout names the text sent, the backend reads the text drawn.
      const cached = isStyled(job) ? undefined : await deps.renders.lookup(job.key);
      const hit = cached?.meta.reflowed ? undefined : cached;
      const planned = hit ? undefined : await deps.renders.planWithText(job, ticket.signal);
      const source: JobPages = hit ? { hit } : { plan: planned!.plan };
      const layout = source.hit ? source.hit.meta.layout : planLayout(source.plan);
      ticket.check();
      if (layout.length === 0) throw new NoVisibleTextError();
      const input: AnswerInput = {
        question: body.question,
        text: planned?.text ?? job.text,
        layout,
        pages: () => pngPages(source, job.config, ticket.signal),
        signal: ticket.signal,
      };
      c.header('x-glyph-cache', hit ? 'hit' : 'miss');
      const cite = citeSources(layout);
      if (!body.stream) return c.json(cite(await abortable(deps.backend.answer(input), ticket.signal)));

      const events = deps.backend.stream(input)[Symbol.asyncIterator]();
      const first = await abortable(events.next(), ticket.signal);
      streaming = true;
      return streamSSE(c, async (sse) => {
        try {
          for (let next = first; !next.done; next = await events.next()) {
            const event = next.value;
            await sse.writeSSE(toSse(event.type === 'done' ? { ...event, response: cite(event.response) } : event));
            if (ticket.signal.aborted) throw ticket.signal.reason;
          }
        } catch (e) {
          const error = toRunnerError(e);
          await sse.writeSSE({ event: 'error', data: JSON.stringify(error.toJSON()) });
          await events.return?.();
        } finally {
          ticket.release();
        }
      });
    } finally {
      if (!streaming) ticket.release();
    }
  });
  return app;
}

/**
 * Adds each citation's place in the source (its source line, or PDF page) from the layout map:
 * the backends cite drawn lines by page and row, which a structured kind maps to its source.
 */
function citeSources(layout: readonly ManifestLine[]): (response: AnswerResponse) => AnswerResponse {
  const sources = new Map<string, NonNullable<ManifestLine['source']>>();
  for (const l of layout) if (l.source) sources.set(`${l.page}/${l.line}`, l.source);
  if (!sources.size) return (response) => response;
  return (response) => ({
    ...response,
    citations: response.citations.map((c) => {
      const source = sources.get(`${c.page}/${c.line}`);
      if (!source) return c;
      return {
        ...c,
        ...(source.line !== undefined ? { sourceLine: source.line } : {}),
        ...(source.pdfPage !== undefined ? { pdfPage: source.pdfPage } : {}),
      };
    }),
  });
}

function toSse(event: AnswerEvent): { event: string; data: string } {
  return event.type === 'delta'
    ? { event: 'delta', data: JSON.stringify({ text: event.text }) }
    : { event: 'done', data: JSON.stringify(event.response) };
}
