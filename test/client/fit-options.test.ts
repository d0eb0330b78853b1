/**
 * Contract test of the SDK's issue 11 options against a fetch stand-in (the whole path runs
 * through workerd in test/edge/worker-fit.test.ts): `preset: "auto"`, `reflow`, `readbackFloor`
 * and `passthrough` reach the API as the public schemas name them (JSON body, or query
 * parameters for a text body, each accepted by compressQuerySchema), and `isPassthrough` tells a
 * passthrough answer from a render.
 */
import { describe, expect, it } from 'vitest';
import { GlyphgateClient, isPassthrough } from '../../client/index.ts';
import { compressJsonSchema, compressQuerySchema } from '../../protocol/public-api/compress.ts';
import { renderOptionsSchema } from '../../protocol/public-api/render.ts';

function recording(answer: unknown) {
  const sent: Array<{ url: URL; body: string | undefined; contentType: string | null }> = [];
  const client = new GlyphgateClient({
    baseUrl: 'https://glyph.test',
    apiKey: 'k',
    fetch: async (input, init) => {
      const headers = new Headers(init?.headers);
      sent.push({
        url: new URL(String(input)),
        body: init?.body as string | undefined,
        contentType: headers.get('content-type'),
      });
      return Response.json(answer);
    },
  });
  return { client, sent };
}

describe('SDK: preset auto, reflow, readbackFloor, passthrough', () => {
  it('render sends them in the JSON body, which the public schema accepts', async () => {
    const { client, sent } = recording({ renderId: 'r' });
    await client.render('a'.repeat(64), { preset: 'auto', profile: 'gpt-4o', reflow: 'off', readbackFloor: 0.98 });
    const body = JSON.parse(sent[0]!.body!) as unknown;
    expect(body).toEqual({ preset: 'auto', profile: 'gpt-4o', reflow: 'off', readbackFloor: 0.98 });
    expect(renderOptionsSchema.safeParse(body).success).toBe(true);
  });

  it('compress as JSON and as a text body with query parameters', async () => {
    const answer = { passthrough: true, worthIt: false, text: 'short' };
    const { client, sent } = recording(answer);
    const json = await client.compress('short', {
      preset: 'auto',
      profile: 'gpt-4o',
      passthrough: true,
      reflow: 'auto',
    });
    expect(isPassthrough(json)).toBe(true);
    const body = JSON.parse(sent[0]!.body!) as unknown;
    expect(body).toEqual({ text: 'short', preset: 'auto', profile: 'gpt-4o', reflow: 'auto', passthrough: true });
    expect(compressJsonSchema.safeParse(body).success).toBe(true);

    await client.compress('short', {
      contentType: 'text/plain',
      preset: 'auto',
      profile: 'gpt-4o',
      passthrough: false,
      readbackFloor: 0.97,
    });
    const query = Object.fromEntries(sent[1]!.url.searchParams);
    expect(query).toEqual({ preset: 'auto', profile: 'gpt-4o', readbackFloor: '0.97', passthrough: 'false' });
    const parsed = compressQuerySchema.safeParse(query);
    expect(parsed.success && parsed.data).toMatchObject({ readbackFloor: 0.97, passthrough: false });
    expect(sent[1]!.body).toBe('short');
  });

  it('isPassthrough is false for a render', () => {
    expect(isPassthrough({ renderId: 'r', worthIt: true, passthrough: false } as never)).toBe(false);
    expect(isPassthrough({ renderId: 'r', worthIt: false } as never)).toBe(false);
  });
});
