/**
 * The Worker's bindings and vars (wrangler.toml), typed with the importable flavour of
 * `@cloudflare/workers-types`: the ambient flavour would redeclare `Response`, `fetch`, … for the
 * whole repository and clash with the DOM and Node types the runner code is checked against.
 */
import type {
  D1Database,
  DurableObjectNamespace,
  ExecutionContext,
  MessageBatch,
  Queue,
  R2Bucket,
  R2ObjectBody,
} from '@cloudflare/workers-types/latest/index.ts';
import type { JobMessage } from './jobs/messages.ts';

/** The Workers types the edge uses, re-exported so modules import them from one place. */
export type { D1Database, DurableObjectNamespace, ExecutionContext, MessageBatch, Queue, R2Bucket, R2ObjectBody };

/** Everything wrangler.toml binds, plus secrets. Vars arrive as strings (`--var` can only set strings). */
export interface Env {
  /** Uploaded texts: `t/<tenant>/docs/<sha256>`. */
  DOCUMENTS: R2Bucket;
  /** Pages and manifests: `t/<tenant>/renders/<sha256>/<configHash>/…`. */
  RENDERS: R2Bucket;
  /** Cached answers: `t/<tenant>/answers/<sha256>/<configHash>/<backend>/<questionHash>.json`. */
  ANSWERS: R2Bucket;
  /** Tenants, hashed keys, documents, usage, jobs (migrations/). */
  DB: D1Database;
  /** {@link import('./coordinator/document-coordinator.ts').DocumentCoordinator}, one per tenant + document. */
  COORDINATOR: DurableObjectNamespace;
  /** {@link import('./conversations/conversation-log.ts').ConversationLog}, one per tenant + conversation. */
  CONVERSATIONS: DurableObjectNamespace;
  /** Page-range render jobs of big documents. */
  JOBS: Queue<JobMessage>;
  RUNNERS: string;
  RUNNER_KEY_ID: string;
  /** Secret shared with the runners (`wrangler secret put RUNNER_SECRET`, `.dev.vars` locally). */
  RUNNER_SECRET: string;
  RUNNER_TIMEOUT_MS?: string;
  MAX_UPLOAD_BYTES?: string;
  MAX_PDF_PAGES?: string;
  RENDER_ASYNC_PAGE_THRESHOLD?: string;
  RENDER_JOB_RANGE_PAGES?: string;
  RATE_LIMIT_PER_MINUTE?: string;
  MONTHLY_QUOTA_UNITS?: string;
  /**
   * How long (ms) an isolate trusts what it read from D1 about an API key and its tenant's quota
   * (edge/tenancy/key-cache.ts): revocations and limit changes take effect within it. 0 = read D1 on
   * every request.
   */
  AUTH_CACHE_TTL_MS?: string;
  PRICES?: string;
  ANSWER_BACKEND?: string;
  /** Origins allowed to call the API from a browser (edge/http/cors.ts); empty = no CORS headers. */
  CORS_ORIGINS?: string;
  /** Refused API keys per client address per minute before 429 (edge/tenancy/auth-failures.ts); 0 = off. */
  AUTH_FAILURES_PER_MINUTE?: string;
  /** Optional secret: when set, API keys are stored as HMAC-SHA256(pepper, key). */
  API_KEY_PEPPER?: string;
  /** Secret that signs key-free page URLs (edge/page-urls/); unset = none are issued or accepted. */
  PAGE_URL_SECRET?: string;
  /** `worker` (default) or `r2-presigned`: how key-free page URLs are made (edge/page-urls/issue.ts). */
  PAGE_URLS?: string;
  /** R2's S3 API (presigned page URLs): endpoint `https://<account>.r2.cloudflarestorage.com`, renders bucket name. */
  R2_S3_ENDPOINT?: string;
  R2_RENDERS_BUCKET?: string;
  /** Secrets: an R2 API token's S3 credentials (presigned page URLs only). */
  R2_ACCESS_KEY_ID?: string;
  R2_SECRET_ACCESS_KEY?: string;
  /** The chat gateway's upstream and limits (edge/gateway/settings.ts). */
  UPSTREAM_BASE_URL?: string;
  /** Secret: provider key when a request sends no `x-upstream-authorization`. */
  UPSTREAM_API_KEY?: string;
  UPSTREAM_IMAGE_DELIVERY?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  GATEWAY_MAX_PAGES?: string;
}

/**
 * R2 and fetch bodies are the same Web stream at run time; the two type libraries just spell
 * `ReadableStream` differently. This is the one place that bridges them.
 */
export function webStream(body: unknown): ReadableStream<Uint8Array> {
  return body as ReadableStream<Uint8Array>;
}
