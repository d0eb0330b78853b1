/**
 * CONTRACT TEST STAND-IN — not a model. A small OpenAI-compatible Chat Completions server on
 * 127.0.0.1 that plays the upstream the gateway forwards to (a provider or vLLM, which cannot run
 * here). It records every request exactly as received, fetches image URLs the way a provider
 * would (with no key), and answers in OpenAI's wire format, streamed or not.
 *
 * Behaviour is chosen per request by `metadata.standIn` in the body (a field the gateway passes
 * through untouched): `error-429` (an OpenAI rate-limit error), `slow` (no answer for 10 s),
 * `hold` (streams one chunk, then waits for {@link StandIn.release}).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One image the upstream received, as bytes (inline, or fetched from its URL without a key). */
export interface ReceivedImage {
  via: 'inline' | 'url';
  url?: string;
  /** Status of the fetch (url only). */
  status?: number;
  bytes: Uint8Array;
  isPng: boolean;
}

/** A request as the stand-in received it. */
export interface ReceivedRequest {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  body: { model: string; messages: { role: string; content: unknown }[]; stream?: boolean; [key: string]: unknown };
  images: ReceivedImage[];
  /** All text parts and string contents, in order. */
  texts: string[];
  /** Milliseconds from the request's first byte to the response's end, as the stand-in saw it. */
  ownMs?: number;
}

/** A running stand-in. */
export interface StandIn {
  /** Base URL for UPSTREAM_BASE_URL (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Lets a `hold` stream send its remaining chunks. */
  release(): void;
  stop(): Promise<void>;
}

/** Options of {@link startStandIn}. */
export interface StandInOptions {
  /** Fetch image URLs as a provider would (default true). */
  fetchImages?: boolean;
}

function isPng(bytes: Uint8Array): boolean {
  return PNG_MAGIC.every((b, i) => bytes[i] === b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function collect(
  body: ReceivedRequest['body'],
  fetchImages: boolean,
): Promise<{ images: ReceivedImage[]; texts: string[] }> {
  const images: ReceivedImage[] = [];
  const texts: string[] = [];
  for (const message of body.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    if (!Array.isArray(message.content)) continue;
    for (const part of message.content as { type: string; text?: string; image_url?: { url: string } }[]) {
      if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
      if (part.type !== 'image_url' || !part.image_url) continue;
      const url = part.image_url.url;
      if (url.startsWith('data:image/png;base64,')) {
        const bytes = new Uint8Array(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64'));
        images.push({ via: 'inline', bytes, isPng: isPng(bytes) });
      } else if (fetchImages) {
        // As a provider fetches: a plain GET, no Authorization, no cookies.
        const res = await fetch(url);
        const bytes = new Uint8Array(await res.arrayBuffer());
        images.push({ via: 'url', url, status: res.status, bytes, isPng: res.ok && isPng(bytes) });
      } else {
        images.push({ via: 'url', url, bytes: new Uint8Array(), isPng: false });
      }
    }
  }
  return { images, texts };
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-standin',
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null) {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-standin',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  })}\n\n`;
}

/** The words a streamed answer sends, one chunk each. */
export const STREAM_WORDS = ['pages ', 'were ', 'read'];

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const requests: ReceivedRequest[] = [];
  let releaseHold: () => void = () => {};
  let held = new Promise<void>((resolve) => (releaseHold = resolve));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } }),
        );
      return;
    }
    const rawBody = await readBody(req);
    const body = JSON.parse(rawBody) as ReceivedRequest['body'];
    const { images, texts } = await collect(body, options.fetchImages ?? true);
    const record: ReceivedRequest = { headers: req.headers, rawBody, body, images, texts };
    requests.push(record);
    const mode = (body.metadata as { standIn?: string } | undefined)?.standIn;
    res.on('finish', () => (record.ownMs = performance.now() - started));

    if (mode === 'error-429') {
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-remaining-requests': '0' });
      res.end(
        JSON.stringify({
          error: {
            message: 'Rate limit reached (stand-in)',
            type: 'rate_limit_error',
            param: null,
            code: 'rate_limit_exceeded',
          },
        }),
      );
      return;
    }
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 10_000));
    const answer = `saw ${images.filter((i) => i.isPng).length} pages and ${texts.length} texts`;
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'standin-1' });
      res.end(JSON.stringify(completion(body.model, answer)));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-request-id': 'standin-1',
    });
    res.write(chunk(body.model, { role: 'assistant', content: STREAM_WORDS[0] }));
    if (mode === 'hold') {
      await held;
      held = new Promise<void>((resolve) => (releaseHold = resolve));
    }
    for (const word of STREAM_WORDS.slice(1)) res.write(chunk(body.model, { content: word }));
    res.write(chunk(body.model, {}, 'stop'));
    res.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error), type: 'server_error', param: null, code: null } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    release: () => releaseHold(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
