/**
 * The VLM answerer: an OpenAI-compatible chat-completions endpoint that takes images, the way
 * Glyph is served (`vllm serve zai-org/Glyph --served-model-name glyph`). The pages go as image
 * parts in page order, then the question, in one user message; the answer streams through as it
 * is generated. Upstream failures become {@link UpstreamError}s (502, or 504 on timeout) whose
 * messages never carry the API key or the document's text.
 */
import type { AnswerResponse } from '../../protocol/runner-api.ts';
import type { AnswerBackend, AnswerEvent, AnswerInput } from './backend.ts';
import { citeAnswer } from './citations.ts';
import { documentIndex, foldWhitespace } from './document-index.ts';
import { UpstreamError } from '../errors.ts';
import { selectPages } from './page-selection.ts';
import { ReasoningFilter, stripReasoning } from './reasoning-filter.ts';
import { sseEvents } from './sse.ts';

/** Settings of {@link OpenAIBackend}. */
export interface OpenAIBackendOptions {
  /** API base, e.g. `http://gpu-host:8000/v1` (requests go to `{url}/chat/completions`); a full `…/chat/completions` URL is used as is. */
  url: string;
  /** Model name the server answers to; default `glyph`. */
  model?: string;
  /** Sent as `Authorization: Bearer …` when set. */
  apiKey?: string;
  /** Whole upstream call (connect, generate, stream) in ms; default 120 000. */
  timeoutMs?: number;
  /** Most page images per request; default 64. Longer documents send their best-matching pages. */
  maxPages?: number;
  /** `max_tokens` of the completion; default 1024. */
  maxTokens?: number;
}

/** Defaults of {@link OpenAIBackendOptions}. */
export const OPENAI_DEFAULTS = { model: 'glyph', timeoutMs: 120_000, maxPages: 64, maxTokens: 1024 } as const;

/** Longest upstream error text passed on to our clients. */
const MAX_UPSTREAM_MESSAGE = 200;

/** Answers by asking an OpenAI-compatible VLM about the page images (see the module comment). */
export class OpenAIBackend implements AnswerBackend {
  readonly name = 'openai';
  /** `answerer` of its responses: `openai:<model>`. */
  readonly answerer: string;
  private readonly endpoint: string;
  /** Host only, for error messages: the URL itself may carry credentials. */
  private readonly host: string;
  private readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxPages: number;
  private readonly maxTokens: number;

  constructor(options: OpenAIBackendOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error('GLYPH_VLM_URL is not a valid URL'); // not echoed: it may hold credentials
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('GLYPH_VLM_URL must be http(s)');
    const base = url.href.replace(/\/+$/, '');
    this.endpoint = /\/chat\/completions$/.test(url.pathname) ? base : `${base}/chat/completions`;
    this.host = url.host;
    this.model = options.model ?? OPENAI_DEFAULTS.model;
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? OPENAI_DEFAULTS.timeoutMs;
    this.maxPages = options.maxPages ?? OPENAI_DEFAULTS.maxPages;
    this.maxTokens = options.maxTokens ?? OPENAI_DEFAULTS.maxTokens;
    this.answerer = `openai:${this.model}`;
  }

  async answer(input: AnswerInput): Promise<AnswerResponse> {
    const { response, fail } = await this.post(input, false);
    return this.answerFromJson(input, response, fail);
  }

  async *stream(input: AnswerInput): AsyncIterable<AnswerEvent> {
    const { response, fail } = await this.post(input, true);
    if (!response.headers.get('content-type')?.includes('text/event-stream')) {
      // Some servers ignore `stream: true`; a complete JSON answer is still an answer.
      const result = await this.answerFromJson(input, response, fail);
      yield { type: 'delta', text: result.answer };
      yield { type: 'done', response: result };
      return;
    }
    if (!response.body) throw badResponse('the VLM sent an empty event stream');
    const body = response.body;
    const filter = new ReasoningFilter();
    let answer = '';
    let finishReason: string | undefined;
    let done = false;
    /** Visible text to pass on; leading whitespace (left after a think block) is dropped. */
    const visible = (text: string): string => {
      const out = answer ? text : text.trimStart();
      answer += out;
      return out;
    };
    try {
      for await (const event of sseEvents(body)) {
        if (event.data === '[DONE]') {
          done = true;
          break;
        }
        const chunk = parseJson(event.data);
        if (chunk?.error)
          throw new UpstreamError(
            502,
            'vlm_unavailable',
            `the VLM failed mid-answer: ${this.upstreamMessage(chunk.error)}`,
          );
        const choice = chunk?.choices?.[0];
        if (!choice) continue; // e.g. a usage-only chunk
        const delta = choice.delta?.content;
        if (typeof delta === 'string' && delta) {
          const text = visible(filter.push(delta));
          if (text) yield { type: 'delta', text };
        }
        if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
      }
    } catch (err) {
      throw fail(err);
    }
    if (!done && !finishReason) throw badResponse('the VLM stream ended before the answer was complete');
    const rest = visible(filter.end());
    if (rest) yield { type: 'delta', text: rest };
    if (!answer.trim()) throw emptyAnswer(finishReason);
    yield { type: 'done', response: this.respond(input, answer.trim()) };
  }

  /** The answer of a complete (non-streamed) chat-completions response. */
  private async answerFromJson(
    input: AnswerInput,
    response: Response,
    fail: (err: unknown) => unknown,
  ): Promise<AnswerResponse> {
    let body: string;
    try {
      body = await response.text();
    } catch (err) {
      throw fail(err);
    }
    const choice = parseJson(body)?.choices?.[0];
    const content = contentText(choice?.message?.content);
    if (content === undefined) throw badResponse('the VLM response has no choices[0].message.content');
    const answer = stripReasoning(content);
    if (!answer) throw emptyAnswer(choice?.finish_reason);
    return this.respond(input, answer);
  }

  private respond(input: AnswerInput, answer: string): AnswerResponse {
    const citations = input.layout.length ? citeAnswer(documentIndex(input.text, input.layout), answer) : [];
    return { answer, answerer: this.answerer, citations };
  }

  /**
   * Sends the request. Returns the OK response, and `fail`, which turns a later error (reading
   * the body) into the right UpstreamError under the same deadline.
   */
  private async post(
    input: AnswerInput,
    stream: boolean,
  ): Promise<{ response: Response; fail: (err: unknown) => unknown }> {
    const images = await this.pageImages(input);
    input.signal?.throwIfAborted();
    const body = JSON.stringify({
      model: this.model,
      messages: [
        {
          role: 'user',
          content: [
            ...images.map((url) => ({ type: 'image_url', image_url: { url } })),
            { type: 'text', text: input.question },
          ],
        },
      ],
      max_tokens: this.maxTokens,
      temperature: 0,
      stream,
    });
    // The deadline starts once the pages are ready: it bounds the VLM, not our own rendering.
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = input.signal ? AbortSignal.any([input.signal, timeout]) : timeout;
    const fail = (err: unknown): unknown => this.failure(err, input.signal, timeout);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
    };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let response: Response;
    try {
      response = await fetch(this.endpoint, { method: 'POST', headers, body, signal });
    } catch (err) {
      throw fail(err);
    }
    if (!response.ok) {
      let text = '';
      try {
        text = await response.text();
      } catch (err) {
        throw fail(err);
      }
      const detail = this.upstreamMessage(tryParseJson(text) ?? text);
      const suffix = detail ? `: ${detail}` : '';
      if (response.status >= 500 || response.status === 429) {
        // 429 is the VLM shedding load, not a verdict on the request: unavailable, like a 503.
        throw new UpstreamError(502, 'vlm_unavailable', `the VLM answered HTTP ${response.status}${suffix}`);
      }
      throw new UpstreamError(502, 'vlm_rejected', `the VLM rejected the request (HTTP ${response.status})${suffix}`);
    }
    return { response, fail };
  }

  /**
   * The pages as PNG data URLs, in page order. Past `maxPages`, only the pages that best match
   * the question are sent (BM25 over the layout's lines, see page-selection.ts), still in page
   * order; rendering stops after the last page that is sent.
   */
  private async pageImages(input: AnswerInput): Promise<string[]> {
    const pageCount = new Set(input.layout.map((l) => l.page)).size;
    const keep =
      pageCount > this.maxPages
        ? new Set(selectPages(documentIndex(input.text, input.layout), input.question, this.maxPages))
        : undefined;
    const last = keep ? Math.max(...keep) : Infinity;
    const urls: string[] = [];
    for await (const { n, png } of input.pages()) {
      input.signal?.throwIfAborted();
      if (keep ? keep.has(n) : urls.length < this.maxPages) {
        urls.push(
          `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`,
        );
      }
      if (n >= last) break;
    }
    return urls;
  }

  /** Maps a failed fetch or body read: the caller's own abort passes through untouched. */
  private failure(err: unknown, callerSignal: AbortSignal | undefined, timeout: AbortSignal): unknown {
    if (err instanceof UpstreamError) return err;
    if (callerSignal?.aborted) return callerSignal.reason;
    if (timeout.aborted)
      return new UpstreamError(504, 'vlm_timeout', `the VLM did not answer within ${this.timeoutMs} ms`, {
        cause: err,
      });
    const code = errorCode(err);
    return new UpstreamError(
      502,
      'vlm_unavailable',
      `the VLM at ${this.host} could not be reached${code ? ` (${code})` : ''}`,
      { cause: err },
    );
  }

  /** A short, key-free message from an upstream error body (OpenAI `{error:{message}}`, vLLM, FastAPI `detail`). */
  private upstreamMessage(error: unknown): string {
    let message = '';
    if (typeof error === 'string') message = error;
    else if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      const inner = e.error && typeof e.error === 'object' ? (e.error as Record<string, unknown>) : e;
      const candidate = inner.message ?? e.message ?? e.detail ?? (typeof e.error === 'string' ? e.error : undefined);
      message = typeof candidate === 'string' ? candidate : candidate === undefined ? '' : JSON.stringify(candidate);
    }
    if (this.apiKey) message = message.split(this.apiKey).join('[redacted]');
    message = foldWhitespace(message);
    return message.length > MAX_UPSTREAM_MESSAGE ? `${message.slice(0, MAX_UPSTREAM_MESSAGE - 1)}…` : message;
  }
}

/** Shape of the parts of a chat-completions response we read. */
interface ChatCompletionChunk {
  choices?: Array<{
    message?: { content?: unknown };
    delta?: { content?: unknown };
    finish_reason?: unknown;
  }>;
  error?: unknown;
}

/** Parses upstream JSON; throws 502 `vlm_bad_response` on anything but a JSON object. */
function parseJson(text: string): ChatCompletionChunk {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badResponse('the VLM answered with invalid JSON');
  }
  if (!value || typeof value !== 'object') throw badResponse('the VLM answered with a non-object JSON value');
  return value as ChatCompletionChunk;
}

/** JSON of an error body, or undefined when it is not JSON (a proxy's HTML page, plain text). */
function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `message.content` as text: a string, or an array of `{type:'text', text}` parts. */
function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content.map((p) =>
      p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'
        ? (p as { text: string }).text
        : '',
    );
    return texts.join('');
  }
  return undefined;
}

function badResponse(message: string): UpstreamError {
  return new UpstreamError(502, 'vlm_bad_response', message);
}

/** Glyph reasons before answering: with too few tokens it can stop before it answers at all. */
function emptyAnswer(finishReason: unknown): UpstreamError {
  const hint = finishReason === 'length' ? ' (it ran out of tokens: raise GLYPH_VLM_MAX_TOKENS)' : '';
  return badResponse(`the VLM returned an empty answer${hint}`);
}

/** The system error code of a failed fetch (`ECONNREFUSED`, `ENOTFOUND`, …), from undici's `cause`. */
function errorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z0-9_]+$/.test(code)) return code;
  }
  return undefined;
}
