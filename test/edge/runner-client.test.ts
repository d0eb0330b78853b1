/**
 * The edge's runner client against answers a runner could send, in-process (the pool's `fetch` is
 * the stand-in runner): every answer is checked against protocol/runner-api's schemas before use,
 * a 2xx off the contract is a 502, a render stream that strays from its manifest is a
 * RunnerStreamError (retried elsewhere by the coordinator), and a streamed answer's `done` event
 * reaches the cache only when it is a whole answer. The real runner speaks this contract in
 * test/gpu-runner; the whole path runs in workerd in test/edge/worker-*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { RunnerStreamError } from '../../edge/runners/errors.ts';
import { RunnerPool } from '../../edge/runners/pool.ts';
import { RunnerClient } from '../../edge/runners/runner-client.ts';
import { ApiError } from '../../edge/http/errors.ts';
import type { AnswerResponse, RenderManifest } from '../../protocol/runner-api.ts';
import { renderConfigHash, resolveRenderConfig } from '../../protocol/render-config.ts';

const SHA = 'a'.repeat(64);
const CONFIG = 'b'.repeat(64);
const BOUNDARY = 'glyph-test-boundary';

function client(answer: (path: string, body: unknown) => Response): {
  runners: RunnerClient;
  sent: Array<{ path: string; body: unknown }>;
} {
  const sent: Array<{ path: string; body: unknown }> = [];
  const pool = new RunnerPool({
    runners: ['http://runner.test'],
    keyId: 'k',
    secret: 's',
    fetchImpl: async (input, init) => {
      const path = new URL(String(input)).pathname;
      const body = JSON.parse(new TextDecoder().decode(init?.body as Uint8Array)) as unknown;
      sent.push({ path, body });
      return answer(path, body);
    },
  });
  return { runners: new RunnerClient(pool), sent };
}

function manifest(pages: number, overrides: Partial<RenderManifest> = {}): RenderManifest {
  return {
    textSha256: SHA,
    configHash: CONFIG,
    config: resolveRenderConfig({}) as RenderManifest['config'],
    reflowed: false,
    textTokenizer: { family: 'qwen3', estimate: true },
    worthIt: true,
    profile: 'glm-4.1v',
    chars: 10,
    pages: Array.from({ length: pages }, (_, i) => ({ n: i + 1, width: 100, height: 200, visualTokens: 12 })),
    totals: { pages, visualTokens: 12 * pages, textTokens: 40, ratio: 1.5 },
    layout: [],
    missingGlyphs: { count: 0, codePoints: [] },
    ...overrides,
  };
}

/** A multipart render answer: the given parts, in order (`manifest` as JSON text). */
function multipart(parts: Array<{ name: string; body: string }>): Response {
  const text =
    parts
      .map((p) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.body}\r\n`)
      .join('') + `--${BOUNDARY}--\r\n`;
  return new Response(text, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
}

async function collect(pages: AsyncIterable<{ n: number; bytes: Uint8Array }>): Promise<number[]> {
  const seen: number[] = [];
  for await (const page of pages) seen.push(page.n);
  return seen;
}

const expect_ = { expect: { textSha256: SHA, configHash: CONFIG } };

const plan = (n: number) => n.toString(16).padStart(64, '0');

/** A manifest of `pages` pages, each with its plan hash, the first `kept` not sent. */
function incremental(pages: number, kept: number, overrides: Partial<RenderManifest> = {}): RenderManifest {
  const m = manifest(pages, overrides);
  return { ...m, pages: m.pages.map((p) => ({ ...p, planSha256: plan(p.n) })), pagesReused: kept, ...overrides };
}

describe('runner client: incremental render (reusePlans)', () => {
  it('takes parts from pagesReused + 1, checked against the manifest, and says how many were kept', async () => {
    const { runners, sent } = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(incremental(4, 2)) },
        { name: 'page-3', body: 'png3' },
        { name: 'page-4', body: 'png4' },
      ]),
    );
    const reusePlans = [plan(1), plan(2), plan(3)];
    const answer = await runners.render(SHA, { text: 'x', reusePlans }, expect_);
    expect(answer.pagesReused).toBe(2);
    expect(await collect(answer.pages)).toEqual([3, 4]);
    expect(sent[0]!.body).toEqual({ text: 'x', reusePlans });
  });

  it('refuses a kept page whose plan is not the one named, more kept than named, or kept without reusePlans', async () => {
    const answerOf = (m: RenderManifest) =>
      client(() =>
        multipart([
          { name: 'manifest', body: JSON.stringify(m) },
          { name: 'page-3', body: 'png3' },
        ]),
      );
    const otherPlan = incremental(3, 2, {});
    otherPlan.pages[1] = { ...otherPlan.pages[1]!, planSha256: plan(99) };
    for (const [m, reusePlans] of [
      [otherPlan, [plan(1), plan(2)]],
      [incremental(3, 2), [plan(1)]],
      [incremental(3, 2), undefined],
      [incremental(3, 4), [plan(1), plan(2), plan(3), plan(4)]],
    ] as const) {
      const error = await answerOf(m)
        .runners.render(SHA, { text: 'x', ...(reusePlans ? { reusePlans: [...reusePlans] } : {}) }, expect_)
        .catch((e: unknown) => e);
      expect(error, JSON.stringify({ kept: m.pagesReused, reusePlans })).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe('runner_mismatch');
    }
  });

  it('refuses parts that start anywhere but after the kept pages, or end short', async () => {
    const reusePlans = [plan(1), plan(2)];
    const fromOne = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(incremental(3, 2)) },
        { name: 'page-1', body: 'png1' },
      ]),
    );
    await expect(
      collect((await fromOne.runners.render(SHA, { text: 'x', reusePlans }, expect_)).pages),
    ).rejects.toThrow(/unexpected part "page-1"/);
    const short = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(incremental(4, 2)) },
        { name: 'page-3', body: 'png3' },
      ]),
    );
    await expect(collect((await short.runners.render(SHA, { text: 'x', reusePlans }, expect_)).pages)).rejects.toThrow(
      /sent 1 of 2 pages after the 2 kept/,
    );
    // Every page kept (nothing appended that moved a page): no parts at all is the whole answer.
    const none = client(() => multipart([{ name: 'manifest', body: JSON.stringify(incremental(2, 2)) }]));
    const all = await none.runners.render(SHA, { text: 'x', reusePlans }, expect_);
    expect([all.pagesReused, await collect(all.pages)]).toEqual([2, []]);
  });

  it('a runner that ignores reusePlans (no pagesReused) sends every page, and that is taken as 0 kept', async () => {
    const { runners } = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(manifest(2)) },
        { name: 'page-1', body: 'a' },
        { name: 'page-2', body: 'b' },
      ]),
    );
    const answer = await runners.render(SHA, { text: 'x', reusePlans: [plan(1)] }, expect_);
    expect([answer.pagesReused, await collect(answer.pages)]).toEqual([0, [1, 2]]);
  });
});

describe('runner client: render', () => {
  it('hands over the validated manifest, then the pages in manifest order, and sends the typed body', async () => {
    const { runners, sent } = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(manifest(2)) },
        { name: 'page-1', body: 'png1' },
        { name: 'page-2', body: 'png2' },
      ]),
    );
    const answer = await runners.render(
      SHA,
      { text: 'hello', profile: 'glm-4.1v', firstPage: 1, lastPage: 5 },
      expect_,
    );
    expect(answer.manifest.totals.pages).toBe(2);
    expect(await collect(answer.pages)).toEqual([1, 2]);
    expect(sent).toEqual([
      { path: '/v1/render', body: { text: 'hello', profile: 'glm-4.1v', firstPage: 1, lastPage: 5 } },
    ]);
  });

  it('refuses a manifest off the contract, one for another text or config, and pages that stray from it', async () => {
    const incomplete = client(() =>
      multipart([{ name: 'manifest', body: JSON.stringify({ ...manifest(1), totals: undefined }) }]),
    );
    await expect(incomplete.runners.render(SHA, { text: 'x' }, expect_)).rejects.toBeInstanceOf(RunnerStreamError);

    const other = client(() =>
      multipart([{ name: 'manifest', body: JSON.stringify(manifest(1, { configHash: 'c'.repeat(64) })) }]),
    );
    const mismatch = await other.runners.render(SHA, { text: 'x' }, expect_).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(ApiError);
    expect((mismatch as ApiError).code).toBe('runner_mismatch');

    const skipped = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(manifest(2)) },
        { name: 'page-2', body: 'png2' },
      ]),
    );
    await expect(collect((await skipped.runners.render(SHA, { text: 'x' }, expect_)).pages)).rejects.toThrow(
      /unexpected part "page-2"/,
    );

    const short = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(manifest(3)) },
        { name: 'page-1', body: 'png1' },
      ]),
    );
    await expect(collect((await short.runners.render(SHA, { text: 'x' }, expect_)).pages)).rejects.toThrow(
      /sent 1 of 3 pages/,
    );

    const notMultipart = client(() => Response.json(manifest(1)));
    await expect(notMultipart.runners.render(SHA, { text: 'x' }, expect_)).rejects.toThrow(/not multipart/);
  });

  it("preset auto (no config hash expected): takes a manifest whose hash is its own config's, refuses one whose is not", async () => {
    const config = resolveRenderConfig({ config: { 'font-size': 7, 'line-height': 8 } }) as RenderManifest['config'];
    const own = await renderConfigHash(config);
    const auto = { expect: { textSha256: SHA } };
    const good = client(() =>
      multipart([
        { name: 'manifest', body: JSON.stringify(manifest(1, { config, configHash: own })) },
        { name: 'page-1', body: 'png1' },
      ]),
    );
    const answer = await good.runners.render(
      SHA,
      { text: 'x', auto: { profile: 'gpt-4o' }, reflow: 'auto', profile: 'gpt-4o' },
      auto,
    );
    expect(answer.manifest.config).toEqual(config);
    expect(await collect(answer.pages)).toEqual([1]);
    expect(good.sent[0]!.body).toEqual({ text: 'x', auto: { profile: 'gpt-4o' }, reflow: 'auto', profile: 'gpt-4o' });

    const lying = client(() =>
      multipart([{ name: 'manifest', body: JSON.stringify(manifest(1, { config, configHash: CONFIG })) }]),
    );
    await expect(lying.runners.render(SHA, { text: 'x', auto: { profile: 'gpt-4o' } }, auto)).rejects.toMatchObject({
      code: 'runner_mismatch',
    });
  });

  it("passes a runner's 400 through and makes its other refusals a 502", async () => {
    const bad = client(() =>
      Response.json({ error: { code: 'invalid_config', message: 'dpi: too big' } }, { status: 400 }),
    );
    await expect(bad.runners.render(SHA, { text: 'x' }, expect_)).rejects.toMatchObject({
      status: 400,
      code: 'invalid_config',
    });
    const auth = client(() => Response.json({ error: { code: 'bad_signature', message: 'no' } }, { status: 401 }));
    await expect(auth.runners.decode(SHA, { text: 'x' })).rejects.toMatchObject({
      status: 502,
      code: 'runner_auth_failed',
    });
  });
});

describe('runner client: decode and answer', () => {
  const decoded = {
    charAccuracy: 0.99,
    charAccuracyRaw: 0.98,
    charAccuracyVariantInsensitive: 0.99,
    linesChecked: 1,
    lines: [{ page: 1, line: 1, expected: 'a', got: 'a' }],
  };
  const answered: AnswerResponse = {
    answer: 'Mr. Bingley',
    answerer: 'extractive',
    citations: [{ page: 1, line: 2, text: 'Mr. Bingley' }],
  };

  it('returns answers that match the contract', async () => {
    const { runners, sent } = client((path) => Response.json(path === '/v1/decode' ? decoded : answered));
    expect(await runners.decode(SHA, { text: 'x', sample: 1 })).toEqual(decoded);
    expect(await runners.answer(SHA, { text: 'x', question: 'Who?' })).toEqual(answered);
    expect(sent.map((s) => s.path)).toEqual(['/v1/decode', '/v1/answer']);
    expect(sent[1]!.body).toEqual({ text: 'x', question: 'Who?', stream: false });
  });

  it('makes JSON that is malformed or off the contract a 502', async () => {
    const garbage = client(
      () => new Response('{"answer": "unterminated', { headers: { 'content-type': 'application/json' } }),
    );
    await expect(garbage.runners.answer(SHA, { text: 'x', question: 'Who?' })).rejects.toMatchObject({
      status: 502,
      code: 'runner_error',
      message: 'runner answered malformed JSON',
    });
    const shape = client(() => Response.json({ ...decoded, charAccuracy: 'high' }));
    await expect(shape.runners.decode(SHA, { text: 'x' })).rejects.toMatchObject({ status: 502, code: 'runner_error' });
  });

  it('relays a streamed answer byte for byte and hands over only a whole done event', async () => {
    const events = `event: delta\r\ndata: {"text":"Mr."}\r\n\r\nevent: delta\ndata: {"text":" Bingley"}\n\nevent: done\ndata: ${JSON.stringify(answered)}`;
    const { runners, sent } = client(() => new Response(events, { headers: { 'content-type': 'text/event-stream' } }));
    const done: AnswerResponse[] = [];
    const stream = await runners.answerStream(SHA, { text: 'x', question: 'Who?' }, { onDone: (a) => done.push(a) });
    // The last event has no closing blank line: it is still the whole answer, and is handed over.
    expect(await new Response(stream).text()).toBe(events);
    expect(done).toEqual([answered]);
    expect(sent[0]!.body).toMatchObject({ stream: true });

    const partial = client(
      () =>
        new Response(`event: done\ndata: {"answer":"half"}\n\n`, { headers: { 'content-type': 'text/event-stream' } }),
    );
    const none: AnswerResponse[] = [];
    await new Response(
      await partial.runners.answerStream(SHA, { text: 'x', question: 'Who?' }, { onDone: (a) => none.push(a) }),
    ).text();
    expect(none).toEqual([]);
  });
});
