/** The glyphgate API client: one typed method per route (DESIGN.md, "Public API"). */
import { Conversations } from './conversations.ts';
import { requestContext, type ContextOptions, type ContextView } from './context.ts';
import { GlyphgateError } from './errors.ts';
import type {
  CallOptions,
  CompressOptions,
  DecodeOptions,
  GlyphgateClientOptions,
  LayoutOptions,
  PageOptions,
  QueryOptions,
  RenderCallOptions,
  TimeInput,
  UploadDocumentOptions,
  UsageOptions,
  WaitOptions,
} from './options.ts';
import { queryEvents, type QueryStreamEvent } from './query-stream.ts';
import { sleep } from './sleep.ts';
import { documentPath, queryString, Transport } from './transport.ts';
import type {
  Answer,
  Compressed,
  CompressPassthrough,
  CompressJob,
  DecodeView,
  DocumentView,
  JobAccepted,
  JobView,
  LayoutView,
  RenderOptions,
  RenderView,
  UsageView,
} from './types.ts';
import { billing, caching, fields, RENDER_CALL_KEYS, RENDER_KEYS } from './request-fields.ts';

/** An upload's result: the document, and whether this call stored it (201) or it was there (200). */
export type UploadedDocument = DocumentView & { created: boolean };

/** A page image, or the news that the copy you hold is current. */
export interface PageResult {
  /** 200 with the bytes, or 304 when `etag` still matched. */
  status: 200 | 304;
  /** The PNG (on 200). */
  png?: Uint8Array;
  /** The page's strong ETag: pass it back to revalidate. */
  etag: string;
}

/** True when compress answered with the text itself: pages would have cost the model more (`passthrough: true` asked). */
export function isPassthrough<T extends object>(result: T | CompressPassthrough): result is CompressPassthrough {
  return 'passthrough' in result && result.passthrough === true;
}

/** True when a render or compress call was handed to a job (202) rather than answered. */
export function isJobAccepted<T extends object>(result: T | JobAccepted): result is JobAccepted {
  return 'jobId' in result;
}

function timeParam(value: TimeInput | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * A client for one API key. Methods throw {@link GlyphgateError} for every API error.
 *
 * @example
 * const gg = new GlyphgateClient({ baseUrl: 'http://127.0.0.1:8787', apiKey: 'local-dev-key' });
 * const doc = await gg.uploadDocument('Call me Ishmael. …');
 * const render = await gg.render(doc.id, { preset: 'glyph-en', profile: 'qwen2.5-vl' });
 */
export class GlyphgateClient {
  readonly #transport: Transport;
  /** Conversations: append turns, render them with the past's pages reused (client/conversations.ts). */
  readonly conversations: Conversations;

  constructor(options: GlyphgateClientOptions) {
    this.#transport = new Transport(options);
    this.conversations = new Conversations(this.#transport);
  }

  /**
   * `POST /v1/context`: a history (`messages` or `conversationId`) fitted to `budget` tokens for
   * `profile`: recent turns as text, older ones as pages, the oldest denser or dropped; never over.
   */
  context(options: ContextOptions): Promise<ContextView> {
    return requestContext(this.#transport, options);
  }

  /**
   * `POST /v1/documents`: stores a document — a string as `text/plain`, `{ text }` as JSON, bytes
   * (a PDF, as a Blob or Uint8Array) as `contentType` or the Blob's type; `kind` and `language`
   * say how it is drawn.
   */
  async uploadDocument(
    input: string | { text: string } | Blob | Uint8Array<ArrayBuffer>,
    options: UploadDocumentOptions = {},
  ): Promise<UploadedDocument> {
    const path = `/v1/documents${queryString({ kind: options.kind, language: options.language })}`;
    const common = { method: 'POST', path, headers: billing(options), signal: options.signal } as const;
    let response: Response;
    if (input instanceof Blob || input instanceof Uint8Array) {
      const contentType = options.contentType ?? ((input instanceof Blob && input.type) || 'application/octet-stream');
      response = await this.#transport.send({ ...common, bytes: { body: input, contentType } });
    } else {
      const text = typeof input === 'string' ? input : input.text;
      const contentType = options.contentType ?? (typeof input === 'string' ? 'text/plain' : 'application/json');
      response = await this.#transport.send({
        ...common,
        ...(contentType === 'application/json'
          ? { json: { text } }
          : { text: { body: text, contentType: `${contentType}; charset=utf-8` } }),
      });
    }
    return { ...((await response.json()) as DocumentView), created: response.status === 201 };
  }

  /**
   * `POST /v1/documents/{id}/render`: the render, or (202) the job rendering a big document —
   * tell them apart with {@link isJobAccepted}, then {@link waitForJob} and render again.
   */
  async render(id: string, options: RenderCallOptions = {}): Promise<RenderView | JobAccepted> {
    const response = await this.#transport.send({
      method: 'POST',
      path: `${documentPath(id)}/render`,
      headers: billing(options),
      json: fields(options, RENDER_CALL_KEYS),
      signal: options.signal,
    });
    return (await response.json()) as RenderView | JobAccepted;
  }

  /**
   * `POST /v1/compress`: upload and render in one call. Sent as JSON by default; with a text
   * `contentType` the text goes as is and the render fields as query parameters.
   */
  async compress(text: string, options: CompressOptions = {}): Promise<Compressed | CompressPassthrough | CompressJob> {
    const render: RenderOptions & { passthrough?: boolean } = fields(options, [...RENDER_CALL_KEYS, 'passthrough']);
    const asText = options.contentType !== undefined && options.contentType !== 'application/json';
    const query = asText
      ? queryString({
          preset: render.preset,
          profile: render.profile,
          reflow: render.reflow,
          readbackFloor: render.readbackFloor === undefined ? undefined : String(render.readbackFloor),
          passthrough: render.passthrough === undefined ? undefined : String(render.passthrough),
          config: render.config && JSON.stringify(render.config),
          format: render.format,
          imageDelivery: render.imageDelivery,
          urlTtl: render.urlTtl,
        })
      : '';
    const response = await this.#transport.send({
      method: 'POST',
      path: `/v1/compress${query}`,
      headers: billing(options),
      ...(asText
        ? { text: { body: text, contentType: `${options.contentType}; charset=utf-8` } }
        : { json: { text, ...render } }),
      signal: options.signal,
    });
    return (await response.json()) as Compressed | CompressPassthrough | CompressJob;
  }

  /** `GET /v1/documents/{id}/renders/{renderId}/pages/{n}`: a page PNG, or 304 for a current `etag`. */
  async page(id: string, renderId: string, n: number, options: PageOptions = {}): Promise<PageResult> {
    const response = await this.#transport.send({
      method: 'GET',
      path: `${documentPath(id)}/renders/${encodeURIComponent(renderId)}/pages/${encodeURIComponent(String(n))}`,
      headers: { 'if-none-match': options.etag },
      signal: options.signal,
      accept: [304],
    });
    const etag = response.headers.get('etag') ?? options.etag ?? '';
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 304, etag };
    }
    return { status: 200, png: new Uint8Array(await response.arrayBuffer()), etag };
  }

  /** `GET /v1/documents/{id}/renders/{renderId}/layout`: the line boxes of a committed render (to outline cited lines). */
  async layout(id: string, renderId: string, options: LayoutOptions = {}): Promise<LayoutView> {
    const response = await this.#transport.send({
      method: 'GET',
      path: `${documentPath(id)}/renders/${encodeURIComponent(renderId)}/layout${queryString({ page: options.page })}`,
      signal: options.signal,
    });
    return (await response.json()) as LayoutView;
  }

  /** `POST /v1/documents/{id}/query`: the answer, with the lines it cites. */
  async query(id: string, options: QueryOptions): Promise<Answer> {
    const response = await this.#sendQuery(id, options, false);
    return (await response.json()) as Answer;
  }

  /**
   * `POST /v1/documents/{id}/query` with `stream: true`: `delta` events as the answer grows, then
   * one `done` with the whole answer. A mid-stream failure, or a stream that ends without `done`,
   * throws a GlyphgateError; leaving the loop early cancels the request.
   */
  async *queryStream(id: string, options: QueryOptions): AsyncGenerator<QueryStreamEvent> {
    yield* queryEvents(await this.#sendQuery(id, options, true));
  }

  /** `POST /v1/documents/{id}/decode`: OCR read-back of the pages, and its accuracy. */
  async decode(id: string, options: DecodeOptions = {}): Promise<DecodeView> {
    const response = await this.#transport.send({
      method: 'POST',
      path: `${documentPath(id)}/decode`,
      headers: caching(options),
      json: fields(options, [...RENDER_KEYS, 'sample']),
      signal: options.signal,
    });
    return (await response.json()) as DecodeView;
  }

  /** `GET /v1/jobs/{id}`: an async render's progress. */
  async job(jobId: string, options: CallOptions = {}): Promise<JobView> {
    const response = await this.#transport.send({
      method: 'GET',
      path: `/v1/jobs/${encodeURIComponent(jobId)}`,
      signal: options.signal,
    });
    return (await response.json()) as JobView;
  }

  /**
   * Polls a job until it is done and returns it; a failed job throws a GlyphgateError
   * (`job_failed`). Abort with `signal` (e.g. `AbortSignal.timeout(ms)`).
   */
  async waitForJob(jobId: string, options: WaitOptions = {}): Promise<JobView> {
    const interval = options.intervalMs ?? 1000;
    for (;;) {
      const job = await this.job(jobId, { signal: options.signal });
      options.onProgress?.(job);
      if (job.status === 'done') return job;
      if (job.status === 'failed') {
        throw new GlyphgateError({ status: 502, code: 'job_failed', message: job.error ?? `job ${jobId} failed` });
      }
      await sleep(interval, options.signal);
    }
  }

  /** `GET /v1/usage`: metered calls and units of this key's tenant. */
  async usage(options: UsageOptions = {}): Promise<UsageView> {
    const query = queryString({ from: timeParam(options.from), to: timeParam(options.to), limit: options.limit });
    const response = await this.#transport.send({ method: 'GET', path: `/v1/usage${query}`, signal: options.signal });
    return (await response.json()) as UsageView;
  }

  #sendQuery(id: string, options: QueryOptions, stream: boolean): Promise<Response> {
    return this.#transport.send({
      method: 'POST',
      path: `${documentPath(id)}/query`,
      headers: { ...caching(options), ...(stream ? { accept: 'text/event-stream' } : {}) },
      json: { ...fields(options, [...RENDER_KEYS, 'question']), ...(stream ? { stream: true } : {}) },
      signal: options.signal,
    });
  }
}
