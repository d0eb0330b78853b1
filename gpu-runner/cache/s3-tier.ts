/**
 * S3 tier: renders shared between runners in an S3-compatible bucket (Cloudflare R2 in
 * production, s3rver in tests) through `@aws-sdk/client-s3`.
 *
 * Objects: `<prefix><sha>/<configHash>/page-0001.png …` and `meta.json`, written after every
 * page PUT succeeded — S3 has no rename, so commit-last is what keeps "meta present ⇒ every page
 * present". A writer keeps a few PUTs in flight so a slow bucket does not slow rendering page by
 * page; a failed PUT surfaces on the next `writePage` or on `commit`.
 *
 * Abort deletes the pages it wrote, unless `meta.json` exists by then: another runner committed
 * the same render (same bytes, same object names) and its pages must stay. Two runners writing
 * one key while one aborts can still race between that check and the delete; the edge's
 * per-document coordinator makes that rare, and a reader then sees a page GET fail (a fault).
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { pageFileName, parseRenderCacheKey } from './key.ts';
import { assertPageNumber, parseCachedRenderMeta } from './meta.ts';
import { PageLedger } from './page-ledger.ts';
import type { CachedRender, RenderCacheTier, RenderCacheWriter } from './types.ts';

/** Default object-name prefix (`GLYPH_S3_PREFIX`). */
export const DEFAULT_S3_PREFIX = 'renders/';

/** Options of {@link S3RenderTier}. */
export interface S3RenderTierOptions {
  bucket: string;
  /** Endpoint URL (R2: `https://<account>.r2.cloudflarestorage.com`); the AWS default when absent. */
  endpoint?: string;
  /** Region; default `auto` (what R2 expects). */
  region?: string;
  /** Static credentials; the SDK's default provider chain when absent. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Object-name prefix; default {@link DEFAULT_S3_PREFIX}. A missing trailing `/` is added. */
  prefix?: string;
  /** Attempts per request, retries included; default 3. */
  maxAttempts?: number;
  /** Per-request time limit in ms; default 10 000. A hung bucket must not hang a render. */
  requestTimeoutMs?: number;
  /** Time limit to connect in ms; default 2 000. */
  connectionTimeoutMs?: number;
  /** PUTs one writer keeps in flight; default 4. */
  writeConcurrency?: number;
  /** A client to use instead of building one (its settings then win over the ones above). */
  client?: S3Client;
}

const PREFIX_PATTERN = /^(?:[A-Za-z0-9._-]+\/)*$/;

/** Renders stored as objects in an S3-compatible bucket. */
export class S3RenderTier implements RenderCacheTier {
  readonly name = 's3' as const;
  /** Bucket name. */
  readonly bucket: string;
  /** Object-name prefix, ending in `/` (or empty). */
  readonly prefix: string;
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #writeConcurrency: number;

  constructor(options: S3RenderTierOptions) {
    if (!options.bucket) throw new Error('s3 tier: bucket is required');
    let prefix = options.prefix ?? DEFAULT_S3_PREFIX;
    if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
    // Keys only ever append hex below the prefix; the prefix itself must not climb or be absolute.
    if (!PREFIX_PATTERN.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
      throw new Error('s3 tier: prefix must be path segments of [A-Za-z0-9._-] (no "." or "..")');
    }
    this.bucket = options.bucket;
    this.prefix = prefix;
    this.#writeConcurrency = Math.max(1, options.writeConcurrency ?? 4);
    this.#ownsClient = !options.client;
    this.#client =
      options.client ??
      new S3Client({
        endpoint: options.endpoint,
        region: options.region ?? 'auto',
        credentials: options.credentials,
        forcePathStyle: true,
        maxAttempts: options.maxAttempts ?? 3,
        // Newer SDKs add CRC checksums to every PUT; R2 and s3rver do not all accept them.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          requestTimeout: options.requestTimeoutMs ?? 10_000,
          connectionTimeout: options.connectionTimeoutMs ?? 2_000,
        },
      });
  }

  async get(key: string): Promise<CachedRender | undefined> {
    const base = this.#base(key);
    let text: string;
    try {
      const res = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${base}meta.json` }));
      text = (await res.Body?.transformToString('utf-8')) ?? '';
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    const meta = parseCachedRenderMeta(text);
    return {
      meta,
      page: async (n) => {
        assertPageNumber(meta, n);
        const res = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: base + pageFileName(n) }));
        if (!res.Body) throw new Error(`s3 tier: empty body for page ${n}`);
        return res.Body.transformToByteArray();
      },
    };
  }

  begin(key: string): RenderCacheWriter {
    const base = this.#base(key);
    const ledger = new PageLedger();
    const pending = new Set<Promise<void>>();
    const attempted = new Set<string>(); // every object a PUT was sent for: abort deletes them
    let failure: { error: unknown } | undefined;
    const rethrow = () => {
      if (failure) throw failure.error;
    };
    const settle = async () => {
      while (pending.size > 0) await Promise.all(pending);
    };
    const cleanUp = async () => {
      await settle();
      if (attempted.size === 0) return;
      if (await this.#exists(`${base}meta.json`)) return; // committed by someone else: keep the pages
      await this.#deleteAll([...attempted]);
      attempted.clear();
    };
    return {
      writePage: async (n, png) => {
        ledger.check(n, png);
        rethrow();
        while (pending.size >= this.#writeConcurrency) await Promise.race(pending);
        ledger.assertOpen(); // an abort may have come while this call waited
        rethrow();
        const objectKey = base + pageFileName(n);
        attempted.add(objectKey);
        const put: Promise<void> = this.#put(objectKey, png, 'image/png').then(
          () => ledger.stored(n, png.byteLength),
          (error: unknown) => {
            failure ??= { error };
          },
        );
        const tracked = put.finally(() => pending.delete(tracked));
        pending.add(tracked);
      },
      commit: async (meta) => {
        ledger.assertOpen();
        ledger.state = 'committing';
        try {
          await settle();
          rethrow();
          ledger.assertComplete(meta);
          await this.#put(`${base}meta.json`, new TextEncoder().encode(JSON.stringify(meta)), 'application/json');
          ledger.state = 'committed';
        } catch (err) {
          ledger.state = 'failed';
          await cleanUp().catch(() => {}); // the commit error is the one worth reporting
          throw err;
        }
      },
      abort: async () => {
        if (ledger.state === 'committed') return;
        ledger.state = 'aborted';
        await cleanUp();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }

  /** `<prefix><sha>/<configHash>/` of a validated key. */
  #base(key: string): string {
    const { textSha256, configHash } = parseRenderCacheKey(key);
    return `${this.prefix}${textSha256}/${configHash}/`;
  }

  async #put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType,
      }),
    );
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /**
   * Deletes objects with one DeleteObjects per 1000 keys; when a batch fails, its keys are
   * deleted one by one (deleting is idempotent). The fallback exists because some S3 stand-ins
   * fail multi-delete (s3rver 3.7 races on its own directory cleanup and answers 500).
   */
  async #deleteAll(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const res = await this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
        if (!res.Errors?.length) continue;
      } catch {
        // fall through to one-by-one deletes
      }
      for (const Key of batch) await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }));
    }
  }
}

function isNotFound(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'NoSuchBucket') return false; // misconfiguration: a fault, not a miss
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
