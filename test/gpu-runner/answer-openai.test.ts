/**
 * CONTRACT TEST of the `openai` answer backend. The real VLM (Glyph served by vLLM) cannot run
 * on these machines, so a local OpenAI-compatible test server (Hono on @hono/node-server, bound
 * to 127.0.0.1 on a free port) stands in for it: it asserts the request shape the backend must
 * send — path, bearer key, model, the pages as PNG data: URLs in page order, the question last,
 * temperature 0 — and replies as vLLM does, in JSON, as SSE split into awkward chunks, or with
 * the failures the backend must map to 502/504.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Hono, type Context } from 'hono';
import { serve } from '@hono/node-server';
import type { ManifestLine } from '../../protocol/runner-api.ts';
import { planPages, renderPages } from '../../gpu-runner/render/index.ts';
import {
  createAnswerBackend,
  UpstreamError,
  type AnswerEvent,
  type AnswerInput,
} from '../../gpu-runner/answer/backend.ts';
import { OpenAIBackend, type OpenAIBackendOptions } from '../../gpu-runner/answer/openai.ts';
import { ExtractiveBackend } from '../../gpu-runner/answer/extractive.ts';
import { sseEvents } from '../../gpu-runner/answer/sse.ts';
import { ReasoningFilter, stripReasoning } from '../../gpu-runner/answer/reasoning-filter.ts';
import { readRunnerSettings } from '../../gpu-runner/server/settings.ts';
import { config, fixture } from './render-helpers.ts';

const API_KEY = 'sk-test-4f1c9a';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

// ---- the stand-in VLM --------------------------------------------------------------------

/** What the test server saw of one request. */
interface Seen {
  path: string;
  authorization: string | undefined;
  body: ChatBody;
}
interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: Array<{ type: string; text?: string; image_url?: { url: string } }> }>;
  max_tokens: number;
  temperature: number;
  stream: boolean;
}
type Reply = (c: Context, body: ChatBody) => Response | Promise<Response>;

let reply: Reply;
const seen: Seen[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const app = new Hono();
  app.post('*', async (c) => {
    const body = (await c.req.json()) as ChatBody;
    seen.push({ path: c.req.path, authorization: c.req.header('authorization'), body });
    return reply(c, body);
  });
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections(); // the "slow upstream" requests hang on purpose
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen.length = 0;
});

/** A vLLM-style non-streamed completion. */
const completion = (content: string, finish = 'stop') => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'glyph',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: finish }],
  usage: { prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020 },
});

/** Waits `ms`, or until the client hangs up. */
const stall = (c: Context, ms: number) =>
  new Promise<void>((resolve) => {
    const signal = c.req.raw.signal;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** An SSE response whose body arrives as these byte chunks, each flushed separately. */
function chunkedSse(c: Context, chunks: Uint8Array[], gapMs = 5): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(chunk);
        await stall(c, gapMs);
      }
      controller.close();
    },
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  });
}

/** Splits bytes at the given offsets. */
function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return edges.slice(1).map((end, i) => bytes.slice(edges[i], end));
}

// ---- the document ------------------------------------------------------------------------

/** Little Red Riding Hood on short pages, so it spans several page images. */
const text = fixture('glyph/input.txt');
const cfg = config({ 'page-size': '595,200' });
const layout: ManifestLine[] = planPages(text, cfg).pages.flatMap((p) =>
  p.lines.map((l) => ({ ...l, page: l.page + 1 })),
);
const pngs: Uint8Array[] = [];

beforeAll(async () => {
  for await (const page of renderPages(text, cfg, { output: 'png' })) pngs.push(page.png!);
});

const pagesOf = (images: Uint8Array[]) =>
  async function* () {
    for (const [i, png] of images.entries()) yield { n: i + 1, png };
  };

const input = (question: string, extra: Partial<AnswerInput> = {}): AnswerInput => ({
  question,
  text,
  layout,
  pages: pagesOf(pngs),
  ...extra,
});

const backend = (options: Partial<OpenAIBackendOptions> = {}) =>
  new OpenAIBackend({ url: baseUrl, apiKey: API_KEY, ...options });

/** Asserts one chat request of the shape Glyph's server expects, carrying exactly `images`, in order. */
function expectChatRequest(request: Seen, images: Uint8Array[], question: string, stream: boolean) {
  expect(request.path).toBe('/v1/chat/completions');
  expect(request.authorization).toBe(`Bearer ${API_KEY}`);
  const { body } = request;
  expect(body).toMatchObject({ model: 'glyph', temperature: 0, max_tokens: 1024, stream });
  expect(body.messages).toHaveLength(1);
  const [message] = body.messages;
  expect(message.role).toBe('user');
  expect(message.content.at(-1)).toEqual({ type: 'text', text: question });
  const parts = message.content.slice(0, -1);
  expect(parts.every((p) => p.type === 'image_url')).toBe(true);
  const sent = parts.map((p) => {
    const match = /^data:image\/png;base64,([A-Za-z0-9+/]+=*)$/.exec(p.image_url!.url);
    expect(match, 'a PNG data: URL').not.toBeNull();
    return new Uint8Array(Buffer.from(match![1], 'base64'));
  });
  for (const png of sent) expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(sent.map(sha)).toEqual(images.map(sha)); // the pages themselves, in page order
}

/** Page and line of the layout line holding `phrase`. */
function lineOf(phrase: string) {
  const at = text.indexOf(phrase);
  const hit = layout.find((l) => l.start <= at && at < l.end)!;
  return { page: hit.page, line: hit.line };
}

async function collect(events: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Runs `promise`, expecting an UpstreamError with this status and code; returns it. */
async function upstreamError(promise: Promise<unknown>, status: number, code: string): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  expect(error).toMatchObject({ status, code });
  const message = (error as UpstreamError).message;
  expect(message).not.toContain(API_KEY);
  expect(message).not.toContain('Riding Hood'); // no document text in errors
  return error as UpstreamError;
}

// ---- the contract ------------------------------------------------------------------------

describe('openai answer backend (contract test against a local OpenAI-compatible server)', () => {
  it('renders to several pages for these tests', () => {
    expect(pngs.length).toBeGreaterThanOrEqual(3);
  });

  it('sends the pages in order and the question, and answers with citations', async () => {
    const question = 'Who swallowed Grandma?';
    reply = (c) => c.json(completion('The wolf swallowed Grandma in less than two seconds.'));
    const response = await backend().answer(input(question));
    expect(seen).toHaveLength(1);
    expectChatRequest(seen[0], pngs, question, false);
    expect(response.answer).toBe('The wolf swallowed Grandma in less than two seconds.');
    expect(response.answerer).toBe('openai:glyph');
    expect(response.citations.length).toBeGreaterThanOrEqual(1);
    expect(response.citations.length).toBeLessThanOrEqual(3);
    expect(response.citations.map(({ page, line }) => ({ page, line }))).toContainEqual(
      lineOf('less than two seconds'),
    );
  });

  it('keeps a reasoning model’s inline <think> block out of the answer', async () => {
    reply = (c) =>
      c.json(
        completion(
          '<think>The page says the wolf ate her.</think>\n<answer>The <|begin_of_box|>wolf<|end_of_box|>.</answer>',
        ),
      );
    expect((await backend().answer(input('Who ate Grandma?'))).answer).toBe('The wolf.');
  });

  it('streams: parses SSE split mid-line, between \\r and \\n and inside UTF-8 characters', async () => {
    const deltas = ['', 'The wolf ', 'swallowed Grandma — “in less than ', 'two seconds”', '.'];
    const events = [
      ': keep-alive comment\r\n\r\n',
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\r\n\r\n`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { reasoning_content: 'private musing' } }] })}\n\n`,
      ...deltas
        .slice(1)
        .map((d) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: d } }] })}\r\n\r\n`),
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
      'data: [DONE]\n\n',
    ].join('');
    const bytes = new TextEncoder().encode(events);
    // Cut every 7 bytes, plus right after each '\r' and inside each multi-byte character.
    const cuts = new Set<number>();
    for (let i = 7; i < bytes.length; i += 7) cuts.add(i);
    bytes.forEach((b, i) => {
      if (b === 0x0d || (b >= 0xc0 && b < 0xf8)) cuts.add(i + 1);
    });
    reply = (c) => chunkedSse(c, splitAt(bytes, [...cuts]), 1);
    const question = 'Who swallowed Grandma?';
    const out = await collect(backend().stream(input(question)));
    expectChatRequest(seen[0], pngs, question, true);
    const texts = out.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text);
    const last = out.at(-1)!;
    expect(last.type).toBe('done');
    expect(out.filter((e) => e.type === 'done')).toHaveLength(1);
    const response = (
      last as { response: { answer: string; answerer: string; citations: Array<{ page: number; line: number }> } }
    ).response;
    expect(texts.join('')).toBe(deltas.join(''));
    expect(response.answer).toBe(deltas.join(''));
    expect(response.answer).not.toContain('private musing');
    expect(response.answerer).toBe('openai:glyph');
    expect(response.citations.map(({ page, line }) => ({ page, line }))).toContainEqual(
      lineOf('less than two seconds'),
    );
  });

  it('sends only the best-matching pages, in page order, past GLYPH_VLM_MAX_PAGES', async () => {
    // Six one-line pages; the question matches pages 5 and 2. Fake PNGs carry their page number.
    const words = [
      'apple orchard',
      'wolf grandma',
      'river bridge',
      'castle tower',
      'wolf grandma bed',
      'meadow flower',
    ];
    let docText = '';
    const fakeLayout: ManifestLine[] = words.map((w, i) => {
      const start = docText.length;
      docText += `${w}\n`;
      return { page: i + 1, line: 0, box: { x: 0, y: 0, width: 10, height: 10 }, start, end: start + w.length };
    });
    const fakePngs = words.map((_, i) => new Uint8Array([...PNG_SIGNATURE, i + 1]));
    let rendered = 0;
    const pages = async function* () {
      for (const [i, png] of fakePngs.entries()) {
        rendered++;
        yield { n: i + 1, png };
      }
    };
    reply = (c) => c.json(completion('The wolf.'));
    await backend({ maxPages: 2 }).answer({
      question: 'Where is the wolf with grandma?',
      text: docText,
      layout: fakeLayout,
      pages,
    });
    expectChatRequest(seen[0], [fakePngs[1], fakePngs[4]], 'Where is the wolf with grandma?', false);
    expect(rendered).toBe(5); // page 6 is never rendered
  });

  it('maps an upstream 500 to 502 vlm_unavailable, redacting the key', async () => {
    reply = (c) =>
      c.json({ error: { message: `CUDA out of memory (key ${API_KEY})`, type: 'InternalServerError' } }, 500);
    const error = await upstreamError(backend().answer(input('Who?')), 502, 'vlm_unavailable');
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('CUDA out of memory');
  });

  it('maps an upstream 4xx to 502 vlm_rejected with its (truncated) message', async () => {
    reply = (c) =>
      c.json({ object: 'error', message: `maximum context length is 65536 tokens ${'x'.repeat(500)}`, code: 400 }, 400);
    const error = await upstreamError(backend().answer(input('Who?')), 502, 'vlm_rejected');
    expect(error.message).toContain('maximum context length is 65536 tokens');
    expect(error.message.length).toBeLessThan(300);
  });

  it('maps a 200 that is not a completion to 502 vlm_bad_response', async () => {
    reply = (c) => c.body('<html>proxy</html>', 200, { 'content-type': 'text/html' });
    await upstreamError(backend().answer(input('Who?')), 502, 'vlm_bad_response');
    reply = (c) => c.json({ choices: [] });
    await upstreamError(backend().answer(input('Who?')), 502, 'vlm_bad_response');
    reply = (c) =>
      chunkedSse(c, [new TextEncoder().encode('data: {"choices":[{"delta":{"content":"The"}}]}\n\ndata: {oops\n\n')]);
    await upstreamError(collect(backend().stream(input('Who?'))), 502, 'vlm_bad_response');
  });

  it('maps a slow upstream to 504 vlm_timeout, before headers and mid-stream', async () => {
    reply = async (c) => {
      await stall(c, 5_000);
      return c.json(completion('too late'));
    };
    await upstreamError(backend({ timeoutMs: 150 }).answer(input('Who?')), 504, 'vlm_timeout');

    const first = new TextEncoder().encode(`data: ${JSON.stringify({ choices: [{ delta: { content: 'The' } }] })}\n\n`);
    reply = (c) => chunkedSse(c, [first, new TextEncoder().encode('data: [DONE]\n\n')], 5_000);
    const events: AnswerEvent[] = [];
    const error = await upstreamError(
      (async () => {
        for await (const event of backend({ timeoutMs: 300 }).stream(input('Who?'))) events.push(event);
      })(),
      504,
      'vlm_timeout',
    );
    expect(error.message).toContain('300 ms');
    expect(events).toEqual([{ type: 'delta', text: 'The' }]);
  });

  it('passes the caller’s own abort through unchanged', async () => {
    reply = async (c) => {
      await stall(c, 5_000);
      return c.json(completion('too late'));
    };
    const reason = new Error('client went away');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 100);
    await expect(backend().answer(input('Who?', { signal: controller.signal }))).rejects.toBe(reason);
  });

  it('maps a refused connection to 502 vlm_unavailable', async () => {
    // A port that was just free: bind, note it, close.
    const probe = serve({ fetch: () => new Response(), port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await upstreamError(
      new OpenAIBackend({ url: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY }).answer(input('Who?')),
      502,
      'vlm_unavailable',
    );
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('answer backend from the environment', () => {
  const fromEnv = (env: Record<string, string>) =>
    createAnswerBackend(readRunnerSettings({ GLYPH_RUNNER_KEYS: 'edge:secret-0123456789abcdef', ...env }).answer);

  it('is extractive by default, openai when a VLM URL is set, and obeys GLYPH_ANSWER_BACKEND', () => {
    expect(fromEnv({})).toBeInstanceOf(ExtractiveBackend);
    const vlm = fromEnv({ GLYPH_VLM_URL: 'http://gpu:8000/v1', GLYPH_VLM_MODEL: 'glyph-fp8' });
    expect(vlm).toBeInstanceOf(OpenAIBackend);
    expect((vlm as OpenAIBackend).answerer).toBe('openai:glyph-fp8');
    expect(fromEnv({ GLYPH_ANSWER_BACKEND: 'extractive', GLYPH_VLM_URL: 'http://gpu:8000/v1' })).toBeInstanceOf(
      ExtractiveBackend,
    );
  });

  it('fails at start-up on a bad setting, naming the variable', () => {
    expect(() => fromEnv({ GLYPH_ANSWER_BACKEND: 'openai' })).toThrow('GLYPH_VLM_URL');
    expect(() => fromEnv({ GLYPH_ANSWER_BACKEND: 'onnx' })).toThrow('GLYPH_ANSWER_BACKEND');
    expect(() => fromEnv({ GLYPH_VLM_URL: 'http://gpu:8000/v1', GLYPH_VLM_TIMEOUT_MS: '2s' })).toThrow(
      'GLYPH_VLM_TIMEOUT_MS',
    );
    expect(() => fromEnv({ GLYPH_VLM_URL: 'not a url' })).toThrow('GLYPH_VLM_URL');
  });
});

describe('sseEvents', () => {
  it('handles \\r\\n split across chunks, bare \\r, comments, multi-line data and a missing final blank line', async () => {
    const chunks = ['\uFEFF: ping\r', '\nevent: delta\rdata: a\r', '\ndata:b\n', '\r\ndata: [DONE]'];
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(encoder.encode(c));
        controller.close();
      },
    });
    const got = [];
    for await (const event of sseEvents(body)) got.push(event);
    expect(got).toEqual([
      { event: 'delta', data: 'a\nb' },
      { event: 'message', data: '[DONE]' },
    ]);
  });

  it('decodes a UTF-8 character split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: 模型\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    const got = [];
    for await (const event of sseEvents(body)) got.push(event);
    expect(got).toEqual([{ event: 'message', data: '模型' }]);
  });
});

describe('ReasoningFilter', () => {
  it('drops think blocks and unwraps answer markers even when tags are split across deltas', () => {
    const filter = new ReasoningFilter();
    const pieces = [
      '<thi',
      'nk>secret <b',
      'old></thi',
      'nk><ans',
      'wer>It is ',
      'a <',
      'b>wolf</b>',
      '.</answer',
      '>',
    ];
    const out = pieces.map((p) => filter.push(p)).join('') + filter.end();
    expect(out).toBe('It is a <b>wolf</b>.');
    expect(stripReasoning('reasoning prefilled by the template</think>\nThe wolf.')).toBe('The wolf.');
  });
});
