import type { R2Bucket } from '@cloudflare/workers-types/latest/index.ts';

/**
 * The load benchmark's baseline: a bare Worker that serves one R2 object with no auth, no
 * metering, no logic — what glyphgate's cached page GET is measured against (`npm run bench:load`).
 */
interface Env {
  RENDERS: R2Bucket;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const key = new URL(request.url).searchParams.get('key') ?? '';
    const object = await env.RENDERS.get(key);
    if (!object) return new Response('not found', { status: 404 });
    // workers-types' ReadableStream and the DOM's differ only in typing: it is the same stream.
    return new Response(object.body as unknown as BodyInit, {
      headers: { 'content-type': 'image/png', etag: object.httpEtag },
    });
  },
};
