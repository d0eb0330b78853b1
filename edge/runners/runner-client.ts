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
import { MultipartParseError, parseMultipartStream } from '@remix-run/multipart-parser';
import type { z } from 'zod';
import {
  answerResponseSchema,
  decodeResponseSchema,
  errorBodySchema,
  extractResponseSchema,
  type ExtractResponse,
  MANIFEST_PART,
  pagePartName,
  renderManifestSchema,
  RUNNER_PATHS,
  runnerReadinessSchema,
  tokensResponseSchema,
  type AnswerRequest,
  type AnswerResponse,
  type DecodeRequest,
  type DecodeResponse,
  type RenderManifest,
  type RenderRequest,
  type RunnerReadiness,
  type TokensRequest,
  type TokensResponse,
} from '../../protocol/runner-api.ts';
import { renderConfigHash } from '../../protocol/render-config.ts';
import type { Env } from '../bindings.ts';
import { edgeConfig } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { logSafeMessage } from '../http/log-safe.ts';
import { relaySse } from '../http/sse.ts';
import { RunnerStreamError } from './errors.ts';
import { runnerHttpError } from './failures.ts';
import { parseRunners } from './parse-runners.ts';
import { RunnerPool, type RunnerResult } from './pool.ts';

/** One page part of a render answer. */
export interface RenderedPage {
  /** Page number (1-based), as the manifest lists it. */
  n: number;
  /** The PNG. */
  bytes: Uint8Array;
}

/** A render answer being read: its validated manifest, then its pages in manifest order. */
export interface RenderAnswer {
  /** Base URL of the runner that answered. */
  runner: string;
  manifest: RenderManifest;
  /**
   * Leading pages of the manifest the runner did not paint because the request's `reusePlans`
   * named their plans (`manifest.pagesReused`; 0 without it): the parts start after them.
   */
  pagesReused: number;
  /**
   * The page parts, each checked against the manifest's next page (from `pagesReused + 1`). Iterate once.
   *
   * @throws {RunnerStreamError} the stream broke off, strayed from the manifest, or ended short.
   */
  pages: AsyncIterable<RenderedPage>;
  /** Stops reading: the runner's stream is cancelled (when the pages will not be iterated). */
  cancel(): void;
}

/** Options of {@link RunnerClient.render}. */
export interface RenderCallOptions {
  /**
   * The text and config the render must be of: a manifest naming others is a 502 `runner_mismatch`.
   * Without `configHash` (preset `auto`, resolved by the runner) the manifest's hash must be that
   * of the config it carries.
   */
  expect: { textSha256: string; configHash?: string };
  /** Runners not to use (one that died mid-stream on the previous try). */
  exclude?: readonly string[];
}

/** One runner's answer to the readiness probe ({@link RunnerClient.readiness}). */
export interface RunnerProbe {
  /** The runner's base URL. */
  url: string;
  /** It answered the signed `GET /readyz` with 200 and `ready: true`. */
  ok: boolean;
  /** The runner's own state, when it answered on contract. */
  status?: RunnerReadiness['status'];
  /** The execution provider it named, when it answered on contract. */
  executionProvider?: string;
  /** Why it is not ok: `timeout`, `unreachable`, or the HTTP status and error code it answered. */
  error?: string;
  /** How long the probe took. */
  ms: number;
}

/** Options of {@link RunnerClient.answerStream}. */
export interface AnswerStreamOptions {
  /** Called once with the `done` event's answer, when it matches the contract, after it was passed on. */
  onDone: (answer: AnswerResponse) => void;
}

// Pages are PNGs of at most 8192² gray pixels; the manifest carries the layout of every line.
const MAX_PART_BYTES = 64 * 1024 * 1024;
const JSON_HEADERS = { 'content-type': 'application/json' };

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
    const boundary = /boundary="?([^";]+)"?/i.exec(response.headers.get('content-type') ?? '')?.[1];
    if (!boundary || !response.body) {
      response.body?.cancel().catch(() => {});
      throw new RunnerStreamError(runner, 'runner render answer is not multipart');
    }
    const stream = response.body;
    const parts = parseMultipartStream(stream, {
      boundary,
      maxFileSize: MAX_PART_BYTES,
      maxTotalSize: Number.MAX_SAFE_INTEGER,
      maxParts: 100_000,
    });
    // Stop the runner's stream: nothing more of it will be read. The parser lets go of the body
    // first (its reader lock), then the body itself is cancelled.
    const cancel = () => {
      parts
        .return(undefined)
        .catch(() => {})
        .finally(() => stream.cancel().catch(() => {}));
    };
    let manifest: RenderManifest;
    try {
      const first = await parts.next();
      if (first.done) throw new RunnerStreamError(runner, 'runner answer had no manifest');
      if (first.value.name !== MANIFEST_PART)
        throw new RunnerStreamError(runner, `first part is "${first.value.name}", expected manifest`);
      manifest = parseJson(
        renderManifestSchema,
        first.value.text,
        () => new RunnerStreamError(runner, 'runner manifest is incomplete'),
      );
    } catch (error) {
      cancel();
      throw streamError(error, runner);
    }
    // The runner hashes what it received; a mismatch means the edge and runner disagree on the
    // text or the config, and storing the pages under our key would poison the cache.
    const configHash = options.expect.configHash ?? (await renderConfigHash(manifest.config));
    if (manifest.textSha256 !== options.expect.textSha256 || manifest.configHash !== configHash) {
      cancel();
      throw new ApiError(502, 'runner_mismatch', 'runner rendered a different text or config than requested');
    }
    const pagesReused = keptPages(manifest, body.reusePlans);
    if (pagesReused === null) {
      cancel();
      throw new ApiError(502, 'runner_mismatch', 'runner kept pages whose plans are not the ones the request named');
    }
    return { runner, manifest, pagesReused, pages: pagesOf(parts, manifest, pagesReused, runner, cancel), cancel };
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

async function probeRunner(pool: RunnerPool, url: string, timeoutMs: number): Promise<RunnerProbe> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  try {
    const response = await pool.probe(url, { path: '/readyz', timeoutMs });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const ready = runnerReadinessSchema.safeParse(body);
    if (ready.success) {
      const { status, executionProvider } = ready.data;
      const ok = response.status === 200 && ready.data.ready;
      return {
        url,
        ok,
        status,
        executionProvider,
        ...(ok ? {} : { error: `HTTP ${response.status} ${status}` }),
        ms: ms(),
      };
    }
    const code = errorBodySchema.safeParse(body);
    return {
      url,
      ok: false,
      error: `HTTP ${response.status}${code.success ? ` ${code.data.error.code}` : ''}`,
      ms: ms(),
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return { url, ok: false, error: timedOut ? `timeout (${timeoutMs} ms)` : 'unreachable', ms: ms() };
  }
}

/**
 * How many leading pages the runner kept (`pagesReused`), or null when that is off the contract:
 * kept without `reusePlans` asked, more than were named or listed, or a kept page whose plan is
 * not the one named at its place — storing the earlier page under it would serve wrong pixels.
 */
function keptPages(manifest: RenderManifest, reusePlans: readonly string[] | undefined): number | null {
  const kept = manifest.pagesReused ?? 0;
  if (kept === 0) return 0;
  if (!reusePlans || manifest.range || kept > reusePlans.length || kept > manifest.pages.length) return null;
  for (let i = 0; i < kept; i++) {
    const page = manifest.pages[i]!;
    if (page.n !== i + 1 || page.planSha256 !== reusePlans[i]) return null;
  }
  return kept;
}

async function* pagesOf(
  parts: AsyncGenerator<{ name?: string; bytes: Uint8Array }, void>,
  manifest: RenderManifest,
  pagesReused: number,
  runner: string,
  cancel: () => void,
): AsyncGenerator<RenderedPage> {
  // The parts are the pages after those the runner kept, in manifest order.
  let index = pagesReused;
  let finished = false;
  try {
    for (;;) {
      let next: IteratorResult<{ name?: string; bytes: Uint8Array }, void>;
      try {
        next = await parts.next();
      } catch (error) {
        throw streamError(error, runner);
      }
      if (next.done) break;
      const expected = manifest.pages[index];
      if (!expected || next.value.name !== pagePartName(expected.n))
        throw new RunnerStreamError(runner, `unexpected part "${next.value.name}"`);
      index++;
      yield { n: expected.n, bytes: next.value.bytes };
    }
    if (index !== manifest.pages.length) {
      const kept = pagesReused > 0 ? ` after the ${pagesReused} kept` : '';
      throw new RunnerStreamError(
        runner,
        `runner sent ${index - pagesReused} of ${manifest.pages.length - pagesReused} pages${kept}`,
      );
    }
    finished = true;
  } finally {
    // Stopped early, by a failure here or in the caller's loop (a failed R2 write): drop the rest.
    if (!finished) cancel();
  }
}

// A dropped connection surfaces as a stream read error, a truncated body as a parse error.
function streamError(error: unknown, runner: string): unknown {
  if (error instanceof RunnerStreamError || error instanceof ApiError) return error;
  const reason = error instanceof MultipartParseError ? 'malformed multipart' : 'connection lost';
  return new RunnerStreamError(runner, `runner stream broke off (${reason}): ${logSafeMessage(error)}`);
}

// `fail` makes the error for a body that is not JSON (`json`) or not the contract's shape (`shape`).
function parseJson<S extends z.ZodType>(schema: S, text: string, fail: (why: 'json' | 'shape') => Error): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the body: it goes nowhere.
    throw fail('json');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fail('shape');
  return parsed.data;
}

function parseData<S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JSON body of a runner's 2xx answer, validated; a body that is not JSON, or not the
 * contract's shape, is a bad gateway (502), not an internal error.
 */
async function readJson<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  return parseJson(schema, await response.text(), (why) =>
    why === 'json'
      ? new ApiError(502, 'runner_error', 'runner answered malformed JSON')
      : new ApiError(502, 'runner_error', "runner answered JSON that is not the runner contract's shape"),
  );
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
