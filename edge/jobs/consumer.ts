/**
 * Queue consumer of `glyph-jobs`: each message renders one page range of a big document into R2
 * (through the same runner routing and retry as a direct render), queues the next range, records
 * progress in D1; the last range merges the parts, commits the manifest and bills the render once.
 * A message delivered again renders nothing already stored, queues nothing twice and bills once
 * (see runRange). Two deliveries of one range running at the same moment would both render it —
 * harmless, pages are deterministic — and still bill once.
 *
 * Ranges run one after another rather than fanned out: rendezvous routing sends them all to the
 * same runner anyway (whose caches make range n+1 cheap after range n), and a sequential chain
 * makes "last range done" an unambiguous moment to commit.
 */
import type { Env, MessageBatch } from '../bindings.ts';
import type { Caller } from '../app-env.ts';
import { edgeConfig } from '../config.ts';
import { renderWithRetry } from '../coordinator/retry.ts';
import { notFound } from '../http/errors.ts';
import { describeFailure } from '../runners/failures.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { readDocumentText, setFamilyTextTokens } from '../storage/documents.ts';
import {
  commitRender,
  deleteRangeParts,
  readManifest,
  readRangeParts,
  writeRangePart,
  type RenderLocation,
  type StoredManifest,
} from '../storage/renders.ts';
import { recordUsage } from '../usage/store.ts';
import { mergeParts, type RangePart } from './merge.ts';
import type { JobMessage } from './messages.ts';
import { finishJob, getJob, noteJobError, recordProgress, type JobRecord } from './store.ts';

// wrangler.toml max_retries: the last delivery gives up and marks the job failed.
const MAX_ATTEMPTS = 4;

/** Handles a batch of job messages (batch size 1 in wrangler.toml, but any size works). */
export async function consumeJobs(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await runRange(env, message.body);
      message.ack();
    } catch (error) {
      const failure = describeFailure(error);
      const reason = `${failure.code}: ${failure.message}`;
      if (message.attempts >= MAX_ATTEMPTS || failure.status < 500) {
        await finishJob(env.DB, message.body.jobId, 'failed', reason);
        message.ack();
      } else {
        await noteJobError(env.DB, message.body.jobId, `${reason} (attempt ${message.attempts}, retrying)`);
        message.retry({ delaySeconds: Math.min(60, failure.retryAfterSeconds ?? 5) });
      }
    }
  }
}

async function runRange(env: Env, { jobId, firstPage }: JobMessage): Promise<void> {
  const job = await getJob(env.DB, jobId);
  if (!job || job.status === 'done' || job.status === 'failed') return;
  const at = { tenant: job.tenant, sha: job.document, configHash: job.configHash };
  const rangePages = edgeConfig(env).jobRangePages;
  if (job.pagesDone >= firstPage && job.pagesTotal !== null) {
    // Delivered again (the Queue delivers at least once): this range is stored, and recorded
    // progress means the next range was queued before it (see below), so only the last range has
    // anything left to do — completing, which is idempotent.
    if (firstPage + rangePages - 1 >= job.pagesTotal) await complete(env, job);
    return;
  }
  const text = await readDocumentText(env, job.tenant, job.document);
  if (text === null) throw notFound('document');
  const result = await renderWithRetry({
    env,
    runners: runnerClient(env),
    at,
    text,
    render: job.render,
    range: { firstPage, lastPage: firstPage + rangePages - 1 },
  });
  const { layout, pages: _pages, ...head } = result.manifest;
  const part: RangePart = { manifest: head, pages: result.pages, layout, pageStore: 'content' };
  const lastPage = result.manifest.range?.lastPage ?? result.pages.at(-1)?.n ?? firstPage + rangePages - 1;
  const pagesTotal = result.manifest.totals.pages;
  await writeRangePart(env, at, firstPage, lastPage, part);
  // The next range is queued before progress is recorded, so recorded progress proves it was
  // queued: a redelivery of this message then sends nothing (above), and one duplicate message
  // cannot start a second chain of ranges. A crash in between re-renders this range, at worst.
  if (lastPage < pagesTotal) await env.JOBS.send({ jobId, firstPage: lastPage + 1 });
  await recordProgress(env.DB, jobId, lastPage, pagesTotal);
  if (lastPage >= pagesTotal) await complete(env, { ...job, pagesTotal });
}

/**
 * Commits the merged manifest (unless a delivery before did), bills the render, marks the job
 * done. Every step is idempotent, so a delivery that failed part-way is simply repeated: the usage
 * row is keyed by the job (`job:<id>`), and written whether or not this delivery made the commit —
 * a delivery that committed and then failed to bill must not leave the render unbilled.
 */
async function complete(env: Env, job: JobRecord): Promise<void> {
  const at = { tenant: job.tenant, sha: job.document, configHash: job.configHash };
  const manifest = (await readManifest(env, at)) ?? (await commitParts(env, at));
  const caller: Caller = { tenant: job.tenant, keyId: job.keyId };
  await recordUsage(env.DB, {
    caller,
    operation: 'render',
    units: manifest.pages.length * edgeConfig(env).prices.render_page,
    cacheHit: false,
    document: job.document,
    pages: manifest.pages.length,
    visualTokens: manifest.totals.visualTokens,
    textTokens: manifest.totals.textTokens,
    idempotencyKey: `job:${job.id}`,
  });
  await finishJob(env.DB, job.id, 'done');
}

// Merges the stored range parts and commits them; then the parts are dead weight.
async function commitParts(env: Env, at: RenderLocation): Promise<StoredManifest> {
  const stored = await readRangeParts(env, at);
  if (!stored) {
    // Another delivery completed the job meanwhile (and deleted the parts after committing).
    const committed = await readManifest(env, at);
    if (committed) return committed;
    throw new Error('job: a range part vanished before the render was committed');
  }
  const { parts, keys } = stored;
  const { manifest, layout } = mergeParts(parts);
  await commitRender(env, at, manifest, layout);
  await setFamilyTextTokens(env, at.tenant, at.sha, manifest.textTokenizer.family, manifest.totals.textTokens);
  await deleteRangeParts(env, keys);
  return manifest;
}
