/**
 * Reading a runner's `POST /v1/render` answer: multipart, the manifest part first (validated, and
 * checked to be of the text and config asked for, and to keep only the pages the request named),
 * then one PNG part per page after the kept ones, each checked against the manifest as it arrives.
 */
import { MultipartParseError, parseMultipartStream } from '@remix-run/multipart-parser';
import { renderConfigHash } from '../../protocol/render-config.ts';
import { MANIFEST_PART, pagePartName, renderManifestSchema, type RenderManifest } from '../../protocol/runner-api.ts';
import { ApiError } from '../http/errors.ts';
import { logSafeMessage } from '../http/log-safe.ts';
import { parseJson } from './contract-json.ts';
import { RunnerStreamError } from './errors.ts';

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

/** What a render answer must be: of this text and config, keeping only pages of these plans. */
export interface RenderAnswerExpectation {
  /**
   * The text and config the render must be of: a manifest naming others is a 502 `runner_mismatch`.
   * Without `configHash` (preset `auto`, resolved by the runner) the manifest's hash must be that
   * of the config it carries.
   */
  expect: { textSha256: string; configHash?: string };
  /** The request's `reusePlans`: the only pages the runner may keep. */
  reusePlans?: readonly string[];
}

// Pages are PNGs of at most 8192² gray pixels; the manifest carries the layout of every line.
const MAX_PART_BYTES = 64 * 1024 * 1024;

/**
 * The answer in `response` (from `runner`), its manifest read and checked; the pages are read as
 * they are iterated.
 *
 * @throws {ApiError} 502 `runner_mismatch`: another text or config, or pages kept off the contract.
 * @throws {RunnerStreamError} the answer is not multipart, or its manifest is missing or malformed.
 */
export async function readRenderAnswer(
  response: Response,
  runner: string,
  options: RenderAnswerExpectation,
): Promise<RenderAnswer> {
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
  const pagesReused = keptPages(manifest, options.reusePlans);
  if (pagesReused === null) {
    cancel();
    throw new ApiError(502, 'runner_mismatch', 'runner kept pages whose plans are not the ones the request named');
  }
  return { runner, manifest, pagesReused, pages: pagesOf(parts, manifest, pagesReused, runner, cancel), cancel };
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
