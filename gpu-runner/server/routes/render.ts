/**
 * `POST /v1/render` → `multipart/form-data`: the `manifest` part first, then one `image/png` part
 * per page (`page-<n>`), each written as soon as it is painted (or read from the cache). With
 * `reusePlans`, only the pages after the `pagesReused` the caller holds.
 */
import { Hono } from 'hono';
import { MANIFEST_PART, pagePartName, renderRequestSchema } from '../../../protocol/runner-api.ts';
import { resolveJob, type RenderJob } from '../../render-service/job.ts';
import { renderSelection } from '../../render-service/incremental.ts';
import { buildManifest } from '../../render-service/manifest.ts';
import type { RenderService, RenderSource } from '../../render-service/service.ts';
import { errorText } from '../log.ts';
import { multipartContentType, multipartStream, randomBoundary, type MultipartPart } from '../multipart.ts';
import { parseJsonBody } from '../request.ts';
import type { RunnerEnv, RouteDeps } from './types.ts';

/** The render route. */
export function renderRoute(deps: RouteDeps & { renders: RenderService }): Hono<RunnerEnv> {
  const app = new Hono<RunnerEnv>();
  app.post('/v1/render', async (c) => {
    deps.assertAccepting();
    const body = parseJsonBody(c.req.header('content-type'), c.get('rawBody'), renderRequestSchema);
    // Checked before the job resolves: preset auto may wait on a fit search first.
    const selection = renderSelection(body);
    const job = await resolveJob(body, { fits: deps.fits, signal: c.req.raw.signal });
    const source = await deps.renders.open(job, { ...selection, signal: c.req.raw.signal });
    const boundary = randomBoundary();
    const stream = multipartStream(boundary, renderParts(job, source), {
      onEnd: (reason) => {
        source.close();
        // A client that leaves mid-stream is routine; a render that fails mid-stream is not.
        if (reason !== undefined && !c.req.raw.signal.aborted) {
          deps.log.warn('render stream ended early', { key: job.key, error: errorText(reason) });
        }
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': multipartContentType(boundary),
        'x-glyph-cache': source.cache === 'hit' ? 'hit' : 'miss',
        'cache-control': 'no-store',
      },
    });
  });
  return app;
}

async function* renderParts(job: RenderJob, source: RenderSource): AsyncGenerator<MultipartPart> {
  const manifest = {
    ...buildManifest({
      meta: source.meta,
      textSha256: job.textSha256,
      configHash: job.configHash,
      profile: job.profile,
      config: job.config,
      tokenizer: job.tokenizer,
      ...(job.fit ? { fit: job.fit } : {}),
      range: source.range,
      ...(source.pagesReused !== undefined ? { pagesReused: source.pagesReused } : {}),
    }),
    kind: job.kind,
  };
  yield { name: MANIFEST_PART, contentType: 'application/json', body: JSON.stringify(manifest) };
  for await (const { n, png } of source.pages) {
    yield { name: pagePartName(n), filename: `${pagePartName(n)}.png`, contentType: 'image/png', body: png };
  }
}
