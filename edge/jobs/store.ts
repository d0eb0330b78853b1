/**
 * Async render jobs in D1: one row per (tenant, document, config) render of a big document, with
 * its progress in pages. `GET /v1/jobs/:id` reads it; the queue consumer advances it.
 */
import { randomHex } from '../../protocol/primitives/bytes.ts';
import type { D1Database } from '../bindings.ts';
import type { RenderOptions } from '../coordinator/render-stream.ts';

/** A new job id: 128 random bits (the pattern of protocol/public-api/id-rules.ts). */
export function newJobId(): string {
  return `job_${randomHex(16)}`;
}

/** Where a job stands. */
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

/** A job row. */
export interface JobRecord {
  id: string;
  tenant: string;
  keyId: string;
  document: string;
  configHash: string;
  render: RenderOptions;
  status: JobStatus;
  pagesDone: number;
  pagesTotal: number | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  tenant: string;
  key_id: string;
  document: string;
  config_hash: string;
  request: string;
  status: JobStatus;
  pages_done: number;
  pages_total: number | null;
  error: string | null;
  created_at: number;
  updated_at: number;
}

function fromRow(r: Row): JobRecord {
  return {
    id: r.id,
    tenant: r.tenant,
    keyId: r.key_id,
    document: r.document,
    configHash: r.config_hash,
    render: JSON.parse(r.request) as RenderOptions,
    status: r.status,
    pagesDone: r.pages_done,
    pagesTotal: r.pages_total,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

const COLUMNS =
  'id, tenant, key_id, document, config_hash, request, status, pages_done, pages_total, error, created_at, updated_at';

/** A job by id; with `tenant`, only that tenant's (another tenant's job reads as absent). */
export async function getJob(db: D1Database, id: string, tenant?: string): Promise<JobRecord | null> {
  const row = tenant
    ? await db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?1 AND tenant = ?2`).bind(id, tenant).first<Row>()
    : await db.prepare(`SELECT ${COLUMNS} FROM jobs WHERE id = ?1`).bind(id).first<Row>();
  return row ? fromRow(row) : null;
}

/** The queued or running job rendering this document with this config, if any. */
export async function findActiveJob(
  db: D1Database,
  tenant: string,
  document: string,
  configHash: string,
): Promise<JobRecord | null> {
  const row = await db
    .prepare(
      `SELECT ${COLUMNS} FROM jobs WHERE tenant = ?1 AND document = ?2 AND config_hash = ?3
       AND status IN ('queued', 'running') ORDER BY created_at DESC LIMIT 1`,
    )
    .bind(tenant, document, configHash)
    .first<Row>();
  return row ? fromRow(row) : null;
}

/** Fields of a new job. */
export interface NewJob {
  id: string;
  tenant: string;
  keyId: string;
  document: string;
  configHash: string;
  render: RenderOptions;
}

/** Inserts a queued job. */
export async function insertJob(db: D1Database, job: NewJob): Promise<void> {
  const now = Date.now();
  await db
    .prepare(
      `INSERT INTO jobs (id, tenant, key_id, document, config_hash, request, status, pages_done, pages_total, error, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', 0, NULL, NULL, ?7, ?7)`,
    )
    .bind(job.id, job.tenant, job.keyId, job.document, job.configHash, JSON.stringify(job.render), now)
    .run();
}

/** Records progress after a page range was stored. */
export async function recordProgress(db: D1Database, id: string, pagesDone: number, pagesTotal: number): Promise<void> {
  await db
    .prepare(
      `UPDATE jobs SET status = 'running', pages_done = MAX(pages_done, ?2), pages_total = ?3, error = NULL, updated_at = ?4 WHERE id = ?1`,
    )
    .bind(id, pagesDone, pagesTotal, Date.now())
    .run();
}

/** Marks a job finished (`done`) or given up (`failed`, with the reason). */
export async function finishJob(db: D1Database, id: string, status: 'done' | 'failed', error?: string): Promise<void> {
  await db
    .prepare('UPDATE jobs SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1')
    .bind(id, status, error ?? null, Date.now())
    .run();
}

/** Notes a failed attempt that will be retried (progress unchanged). */
export async function noteJobError(db: D1Database, id: string, error: string): Promise<void> {
  await db.prepare('UPDATE jobs SET error = ?2, updated_at = ?3 WHERE id = ?1').bind(id, error, Date.now()).run();
}
