/**
 * One runner render, streamed into R2: the runner answers multipart/form-data — `manifest` first,
 * then `page-<n>` PNGs in order — and each page is stored as soon as its part has arrived, so the
 * edge never holds more than a few pages in memory however long the document is.
 */
import { MultipartParseError, parseMultipartStream } from '@remix-run/multipart-parser';
import { MANIFEST_PART, pagePartName, type RenderManifest } from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import { ApiError } from '../http/errors.ts';
import { logSafeMessage } from '../http/log-safe.ts';
import type { RunnerPool } from '../runners/failures.ts';
import { runnerHttpError } from '../runners/failures.ts';
import { StorageError } from '../storage/errors.ts';
import { writePage, type RenderLocation, type StoredPage } from '../storage/renders.ts';

/** What the runner is asked to render (besides the text). */
export interface RenderOptions {
  preset?: string;
  config?: Record<string, unknown>;
  profile: string;
}

/** Options of {@link renderIntoR2}. */
export interface RenderIntoR2Options {
  env: Env;
  pool: RunnerPool;
  at: RenderLocation;
  text: string;
  render: RenderOptions;
  /** Only these pages (1-based, inclusive; the runner clamps `lastPage` to the document). */
  range?: { firstPage: number; lastPage: number };
  /** Runners not to use (one that died mid-stream on the previous try). */
  exclude?: string[];
}

/** A finished stream: the runner's manifest and the stored pages. */
export interface RenderIntoR2Result {
  manifest: RenderManifest;
  pages: StoredPage[];
  runner: string;
}

/** The runner's body broke off or was malformed after it answered 200: worth one retry elsewhere. */
export class RunnerStreamError extends Error {
  override readonly name = 'RunnerStreamError';
  constructor(
    readonly runner: string,
    message: string,
  ) {
    super(message);
  }
}

// Pages are PNGs of at most 8192² gray pixels; the manifest carries the layout of every line.
const MAX_PART_BYTES = 64 * 1024 * 1024;
// Overlap a few R2 writes with reading the next parts, without buffering the whole render.
const WRITES_IN_FLIGHT = 4;

/**
 * Asks a runner (rendezvous-picked by the pool) for the render and stores every page in R2.
 * Does not commit (write the manifest): the caller decides, after checking the result.
 *
 * @throws {RunnerStreamError} the response broke off or did not match its manifest.
 * @throws {ApiError} the runner rejected the request (400/413 pass through, else 502).
 * @throws what {@link RunnerPool.request} throws when no runner answers.
 */
export async function renderIntoR2(options: RenderIntoR2Options): Promise<RenderIntoR2Result> {
  const { env, pool, at, text, render, range, exclude } = options;
  const body = JSON.stringify({ text, ...render, ...(range ?? {}) });
  const { response, runner } = await pool.request(at.sha, {
    path: '/v1/render',
    body,
    headers: { 'content-type': 'application/json' },
    exclude,
  });
  if (!response.ok) throw await runnerHttpError(response);
  const boundary = /boundary="?([^";]+)"?/i.exec(response.headers.get('content-type') ?? '')?.[1];
  if (!boundary || !response.body) {
    response.body?.cancel().catch(() => {});
    throw new RunnerStreamError(runner, 'runner render answer is not multipart');
  }

  let manifest: RenderManifest | undefined;
  const pages: StoredPage[] = [];
  const writes: Promise<unknown>[] = [];
  try {
    const parts = parseMultipartStream(response.body, {
      boundary,
      maxFileSize: MAX_PART_BYTES,
      maxTotalSize: Number.MAX_SAFE_INTEGER,
      maxParts: 100_000,
    });
    for await (const part of parts) {
      if (!manifest) {
        if (part.name !== MANIFEST_PART) throw new RunnerStreamError(runner, `first part is "${part.name}", expected manifest`);
        manifest = JSON.parse(part.text) as RenderManifest;
        checkManifest(manifest, at, runner);
        continue;
      }
      const expected = manifest.pages[pages.length];
      if (!expected || part.name !== pagePartName(expected.n)) {
        throw new RunnerStreamError(runner, `unexpected part "${part.name}"`);
      }
      const entry: StoredPage = { ...expected, sha256: '' };
      pages.push(entry);
      writes.push(writePage(env, at, expected.n, part.bytes).then((hash) => (entry.sha256 = hash)));
      if (writes.length >= WRITES_IN_FLIGHT) await writes.shift();
    }
    await Promise.all(writes);
  } catch (error) {
    await Promise.allSettled(writes);
    // Stop the runner's stream: nothing more of it will be stored (the parser has let go of it).
    response.body.cancel().catch(() => {});
    // A failed R2 write is storage's fault: the runner is not blamed nor the render retried on another.
    if (error instanceof RunnerStreamError || error instanceof ApiError || error instanceof StorageError) throw error;
    // A dropped connection surfaces as a stream read error, a truncated body as a parse error.
    const reason = error instanceof MultipartParseError ? 'malformed multipart' : 'connection lost';
    throw new RunnerStreamError(runner, `runner stream broke off (${reason}): ${logSafeMessage(error)}`);
  }
  if (!manifest) throw new RunnerStreamError(runner, 'runner answer had no manifest');
  if (pages.length !== manifest.pages.length) {
    throw new RunnerStreamError(runner, `runner sent ${pages.length} of ${manifest.pages.length} pages`);
  }
  return { manifest, pages, runner };
}

// The runner hashes what it received; a mismatch means the edge and runner disagree on the text
// or the config, and storing the pages under our key would poison the cache.
function checkManifest(manifest: RenderManifest, at: RenderLocation, runner: string): void {
  if (manifest.textSha256 !== at.sha || manifest.configHash !== at.configHash) {
    throw new ApiError(502, 'runner_mismatch', 'runner rendered a different text or config than requested');
  }
  if (!Array.isArray(manifest.pages) || !manifest.totals) {
    throw new RunnerStreamError(runner, 'runner manifest is incomplete');
  }
}
