/**
 * The one way the edge talks to runners: each call is a typed request of the runner contract
 * (protocol/runner-api.ts), signed and routed by the {@link RunnerPool} (rendezvous order,
 * failover, circuit breaker), and every answer is parsed and validated against that contract's
 * response schema before anything uses it. A runner's non-2xx answer becomes the client-facing
 * error (runners/failures.ts); a 2xx answer that does not match its schema is a 502.
 *
 * Request bodies are typed, not parsed here: the runner validates them, and checking a 20 MB text
 * twice would cost the Worker CPU for nothing.
 */
import {
  answerResponseSchema,
  decodeResponseSchema,
  extractResponseSchema,
  type ExtractResponse,
  RUNNER_PATHS,
  tokensResponseSchema,
  type AnswerRequest,
  type AnswerResponse,
  type DecodeRequest,
  type DecodeResponse,
  type RenderRequest,
  type TokensRequest,
  type TokensResponse,
} from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import { edgeConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { relaySse } from '../http/sse.ts';
import { parseData, readJson } from './contract-json.ts';
import { runnerHttpError } from './failures.ts';
import { parseRunners } from './parse-runners.ts';
import { RunnerPool, type RunnerResult } from './pool.ts';
import { probeRunner, type RunnerProbe } from './probe.ts';
import { readRenderAnswer, type RenderAnswer, type RenderAnswerExpectation } from './render-answer.ts';

export type { RenderAnswer, RenderedPage } from './render-answer.ts';
export type { RunnerProbe } from './probe.ts';

/** Options of {@link RunnerClient.render}. */
export interface RenderCallOptions {
  /** The text and config the render must be of (see {@link RenderAnswerExpectation}). */
  expect: RenderAnswerExpectation['expect'];
  /** Runners not to use (one that died mid-stream on the previous try). */
  exclude?: readonly string[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Options of {@link RunnerClient.answerStream}. */
export interface AnswerStreamOptions {
  /** Called once with the `done` event's answer, when it matches the contract, after it was passed on. */
  onDone: (answer: AnswerResponse) => void;
}

/** Typed, validated calls to the runners' signed routes. */
export class RunnerClient {
  /** The pool requests are routed through (its breaker also hears of streams that broke off). */
  readonly pool: RunnerPool;

  /** A client over `pool`. */
  constructor(pool: RunnerPool) {
    this.pool = pool;
  }

  /**
   * `POST /v1/render` for document `docSha256`: the manifest, validated, and an iterator over the
   * page parts. Stopping the iteration early (or throwing inside it) cancels the runner's stream.
   *
   * @throws {ApiError} the runner refused the request (400/413 pass through, else 502), or
   *   rendered another text or config (502 `runner_mismatch`).
   * @throws {RunnerStreamError} the answer is not multipart, or its manifest is missing or malformed.
   * @throws what {@link RunnerPool.request} throws when no runner answers.
   */
  async render(docSha256: string, body: RenderRequest, options: RenderCallOptions): Promise<RenderAnswer> {
    const { response, runner } = await this.#post(docSha256, RUNNER_PATHS.render, body, options.exclude);
    return readRenderAnswer(response, runner, { expect: options.expect, reusePlans: body.reusePlans });
  }

  /**
   * `POST /v1/decode`: the OCR read-back, validated.
   *
   * @throws {ApiError} the runner refused (400/413 pass through, else 502) or answered off-contract (502).
   */
  async decode(docSha256: string, body: DecodeRequest): Promise<DecodeResponse> {
    const { response } = await this.#post(docSha256, RUNNER_PATHS.decode, body);
    return readJson(response, decodeResponseSchema);
  }

  /**
   * `POST /v1/answer` as JSON: the answer, validated.
   *
   * @throws {ApiError} the runner refused (400/413 pass through, else 502) or answered off-contract (502).
   */
  async answer(docSha256: string, body: Omit<AnswerRequest, 'stream'>): Promise<AnswerResponse> {
    const { response } = await this.#post(docSha256, RUNNER_PATHS.answer, { ...body, stream: false });
    return readJson(response, answerResponseSchema);
  }

  /**
   * `POST /v1/answer` streamed: the runner's Server-Sent Events, relayed byte for byte, with the
   * `done` event validated and handed to `onDone` as it passes (a malformed one is passed on but
   * not handed over).
   *
   * @throws {ApiError} the runner refused (400/413 pass through, else 502) or sent no body (502).
   */
  async answerStream(
    docSha256: string,
    body: Omit<AnswerRequest, 'stream'>,
    options: AnswerStreamOptions,
  ): Promise<ReadableStream<Uint8Array>> {
    const { response } = await this.#post(docSha256, RUNNER_PATHS.answer, { ...body, stream: true });
    if (!response.body) throw new ApiError(502, 'runner_error', 'runner answered a stream without a body');
    return relaySse(response.body, {
      onEvent: (event, data) => {
        if (event !== 'done') return false;
        const parsed = parseData(answerResponseSchema, data);
        if (parsed) options.onDone(parsed);
        return true;
      },
    });
  }

  /**
   * `POST /v1/tokens` for document `docSha256`: the text's Qwen3 token count, validated.
   *
   * @throws {ApiError} the runner refused (400/413 pass through, else 502) or answered off-contract (502).
   * @throws what {@link RunnerPool.request} throws when no runner answers.
   */
  async countTokens(docSha256: string, body: TokensRequest): Promise<TokensResponse> {
    const { response } = await this.#post(docSha256, RUNNER_PATHS.tokens, body);
    return readJson(response, tokensResponseSchema);
  }

  /**
   * `POST /v1/extract` for an uploaded PDF (routed by `routeKey`, the SHA-256 of its bytes): its
   * text layer, validated. A refused PDF keeps the runner's status and code (400 `invalid_pdf`,
   * 422 `encrypted_pdf` / `no_text_layer`, 413 `too_many_pages` / `payload_too_large`).
   *
   * @throws {ApiError} the runner refused the PDF, or answered off-contract (502).
   * @throws what {@link RunnerPool.request} throws when no runner answers.
   */
  async extract(
    routeKey: string,
    pdf: Uint8Array,
    limits: { maxPages: number; maxChars: number },
  ): Promise<ExtractResponse> {
    const path = `${RUNNER_PATHS.extract}?maxPages=${limits.maxPages}&maxChars=${limits.maxChars}`;
    const result = await this.pool.request(routeKey, {
      path,
      body: pdf,
      headers: { 'content-type': 'application/pdf' },
    });
    const { response } = result;
    if (response.status === 422) {
      // runnerHttpError makes any other 4xx a 502; a PDF refused for what it is stays the client's 422.
      const body = (await response.json().catch(() => null)) as {
        error?: { code?: unknown; message?: unknown };
      } | null;
      const code = body?.error?.code;
      const message = typeof body?.error?.message === 'string' ? body.error.message : 'the PDF was refused';
      if (code === 'encrypted_pdf' || code === 'no_text_layer') throw new ApiError(422, code, message);
      throw new ApiError(502, 'runner_error', `runner answered HTTP 422: ${message}`);
    }
    if (!response.ok) throw await runnerHttpError(response);
    return readJson(response, extractResponseSchema);
  }

  /**
   * Probes every runner at once with a signed `GET /readyz`, each bounded by `timeoutMs`; never
   * throws. Probes bypass routing and the circuit breaker (RunnerPool.probe).
   */
  async readiness(timeoutMs: number): Promise<RunnerProbe[]> {
    return Promise.all(this.pool.runners.map((url) => probeRunner(this.pool, url, timeoutMs)));
  }

  /** Counts a failure the pool could not see (a stream that broke off) toward `runner`'s circuit. */
  reportFailure(runner: string): void {
    this.pool.reportFailure(runner);
  }

  // Signs and routes one JSON request; a non-2xx answer becomes the client-facing error.
  async #post(
    docSha256: string,
    path: string,
    body: RenderRequest | DecodeRequest | AnswerRequest | TokensRequest,
    exclude?: readonly string[],
  ): Promise<RunnerResult> {
    const result = await this.pool.request(docSha256, {
      path,
      body: JSON.stringify(body),
      headers: JSON_HEADERS,
      ...(exclude ? { exclude } : {}),
    });
    if (!result.response.ok) throw await runnerHttpError(result.response);
    return result;
  }
}

const clients = new Map<string, RunnerClient>();

/**
 * The isolate's runner client for this Worker's settings: one per distinct runner setting, kept for
 * the isolate's life so the circuit breaker's memory (which runner keeps failing) carries across
 * requests.
 */
export function runnerClient(env: Env): RunnerClient {
  if (!env.RUNNER_SECRET)
    throw new Error('RUNNER_SECRET is not set (wrangler secret put RUNNER_SECRET, or .dev.vars locally)');
  const timeoutMs = edgeConfig(env).runnerTimeoutMs;
  const key = `${env.RUNNERS}\n${env.RUNNER_KEY_ID}\n${timeoutMs}`;
  let client = clients.get(key);
  if (!client) {
    client = new RunnerClient(
      new RunnerPool({
        runners: parseRunners(env.RUNNERS),
        keyId: env.RUNNER_KEY_ID,
        secret: env.RUNNER_SECRET,
        timeoutMs,
      }),
    );
    clients.set(key, client);
  }
  return client;
}
