/**
 * Queue consumer of `glyph-jobs`: each message renders one page range of a big document into R2
 * (through the same runner routing and retry as a direct render), records progress in D1, and
 * queues the next range; the last range merges the parts and commits the manifest.
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
import { describeFailure, runnerPool } from '../runners/pool.ts';
import { readDocumentText, setTextTokens } from '../storage/documents.ts';
import { partKey, partsPrefix } from '../storage/keys.ts';
import { commitRender, readManifest } from '../storage/renders.ts';
import { recordUsage } from '../metering/usage.ts';
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
  // A redelivered message for a range already stored goes straight to the next step.
  const rangePages = edgeConfig(env).jobRangePages;
  let pagesTotal = job.pagesTotal;
  let lastPage = firstPage + rangePages - 1;
  if (job.pagesDone < firstPage || pagesTotal === null) {
    const text = await readDocumentText(env, job.tenant, job.document);
    if (text === null) throw notFound('document');
    const result = await renderWithRetry({ env, pool: runnerPool(env), at, text, render: job.render, range: { firstPage, lastPage } });
    const { layout, pages: _pages, ...head } = result.manifest;
    const part: RangePart = { manifest: head, pages: result.pages, layout };
    lastPage = result.manifest.range?.lastPage ?? result.pages.at(-1)?.n ?? lastPage;
    pagesTotal = result.manifest.totals.pages;
    await env.RENDERS.put(partKey(at.tenant, at.sha, at.configHash, firstPage, lastPage), JSON.stringify(part));
    await recordProgress(env.DB, jobId, lastPage, pagesTotal);
  } else {
    lastPage = Math.min(lastPage, pagesTotal);
  }
  if (lastPage < pagesTotal) {
    await env.JOBS.send({ jobId, firstPage: lastPage + 1 });
    return;
  }
  await complete(env, job, pagesTotal);
}

async function complete(env: Env, job: JobRecord, pagesTotal: number): Promise<void> {
  const at = { tenant: job.tenant, sha: job.document, configHash: job.configHash };
  if (!(await readManifest(env, at))) {
    const prefix = partsPrefix(at.tenant, at.sha, at.configHash);
    const listed = await env.RENDERS.list({ prefix });
    const parts = await Promise.all(
      listed.objects.map(async (o) => (await (await env.RENDERS.get(o.key))!.json()) as RangePart),
    );
    const { manifest, layout } = mergeParts(parts);
    await commitRender(env, at, manifest, layout);
    await setTextTokens(env, at.tenant, at.sha, manifest.totals.textTokens);
    await env.RENDERS.delete(listed.objects.map((o) => o.key));
    const caller: Caller = { tenant: job.tenant, keyId: job.keyId };
    await recordUsage(env.DB, {
      caller,
      operation: 'render',
      units: pagesTotal * edgeConfig(env).prices.render_page,
      cacheHit: false,
      document: job.document,
      pages: pagesTotal,
      visualTokens: manifest.totals.visualTokens,
      textTokens: manifest.totals.textTokens,
      idempotencyKey: `job:${job.id}`,
    });
  }
  await finishJob(env.DB, job.id, 'done');
}
