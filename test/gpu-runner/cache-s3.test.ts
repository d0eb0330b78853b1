/**
 * The S3 tier against a real S3 implementation (s3rver, started here on a free port), not a mock.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderCacheKey } from '../../gpu-runner/cache/key.ts';
import { MemoryRenderTier } from '../../gpu-runner/cache/memory-tier.ts';
import { S3RenderTier } from '../../gpu-runner/cache/s3-tier.ts';
import { TieredRenderCache } from '../../gpu-runner/cache/tiered-cache.ts';
import type { CachedRenderMeta, CacheLog } from '../../gpu-runner/cache/types.ts';

/** The part of s3rver's API used here (the package ships no types). */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;

const BUCKET = 'glyph-test';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const CONFIG = sha('glyph-en config');
let seq = 0;
const newKey = () => renderCacheKey(sha(`document ${seq++}`), CONFIG);

let dir: string;
let server: S3rverServer | undefined;
let endpoint: string;
let tier: S3RenderTier;
let lister: S3Client;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'glyph-s3rver-'));
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: dir,
    configureBuckets: [{ name: BUCKET }],
  });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;
  tier = new S3RenderTier({ endpoint, bucket: BUCKET, credentials: CREDENTIALS, maxAttempts: 1 });
  lister = new S3Client({ endpoint, region: 'auto', credentials: CREDENTIALS, forcePathStyle: true });
});

afterAll(async () => {
  await tier?.close();
  lister?.destroy();
  await server?.close().catch(() => {}); // the last test may have stopped it already
  rmSync(dir, { recursive: true, force: true });
});

function fakeRender(sizes: number[]): { meta: CachedRenderMeta; pages: Uint8Array[] } {
  const pages = sizes.map((n) => new Uint8Array(randomBytes(n)));
  return {
    pages,
    meta: {
      chars: 99,
      textTokens: 20,
      pages: pages.map((p) => ({ width: 595, height: 842, bytes: p.byteLength })),
      layout: [{ page: 1, line: 1, box: { x: 10, y: 10, width: 500, height: 12 }, start: 0, end: 40 }],
      missingGlyphs: { count: 1, codePoints: ['U+1F600'] },
    },
  };
}

async function objectsUnder(prefix: string): Promise<string[]> {
  const res = await lister.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

describe('S3 tier (s3rver)', () => {
  it('round-trips a 3-page render; meta.json is written last', async () => {
    const key = newKey();
    const r = fakeRender([5_000, 6_000, 7_000]);
    const w = tier.begin(key);
    await w.writePage(2, r.pages[1]);
    await w.writePage(1, r.pages[0]);
    await w.writePage(3, r.pages[2]);
    expect(await tier.get(key)).toBeUndefined(); // pages may be stored, but not committed
    await w.commit(r.meta);

    const hit = await tier.get(key);
    expect(hit?.meta).toEqual(r.meta);
    for (let n = 1; n <= 3; n++) expect(Buffer.from(await hit!.page(n)).equals(r.pages[n - 1])).toBe(true);
    await expect(hit!.page(4)).rejects.toThrow(RangeError);
    expect(await objectsUnder(`renders/${key}/`)).toEqual(
      ['meta.json', 'page-0001.png', 'page-0002.png', 'page-0003.png'].map((f) => `renders/${key}/${f}`),
    );
  });

  it('abort deletes what was written; a failed commit leaves nothing visible', async () => {
    const key = newKey();
    const r = fakeRender([1_000, 1_000, 1_000]);
    const w = tier.begin(key);
    await w.writePage(1, r.pages[0]);
    await w.writePage(2, r.pages[1]);
    await w.abort();
    expect(await objectsUnder(`renders/${key}/`)).toEqual([]);
    expect(await tier.get(key)).toBeUndefined();

    const incomplete = tier.begin(key);
    await incomplete.writePage(1, r.pages[0]);
    await expect(incomplete.commit(r.meta)).rejects.toThrow(/3 pages, 1 were written/);
    expect(await objectsUnder(`renders/${key}/`)).toEqual([]);
  });

  it('backfills the memory tier from an S3 hit', async () => {
    const key = newKey();
    const r = fakeRender([2_000, 3_000]);
    const w = tier.begin(key);
    for (let n = 1; n <= 2; n++) await w.writePage(n, r.pages[n - 1]);
    await w.commit(r.meta);

    const memory = new MemoryRenderTier();
    const cache = new TieredRenderCache([memory, tier], { log: { warn: vi.fn() } });
    expect((await cache.get(key))?.tier).toBe('s3');
    await cache.whenIdle();
    const again = await cache.get(key);
    expect(again?.tier).toBe('memory');
    expect(Buffer.from(await again!.page(2)).equals(r.pages[1])).toBe(true);
  });

  it('with s3rver stopped, get is a miss with a logged fault, not a throw', async () => {
    const warn = vi.fn<CacheLog['warn']>();
    const cache = new TieredRenderCache([tier], { log: { warn } });
    await server!.close();
    server = undefined;
    expect(await cache.get(newKey())).toBeUndefined();
    expect(cache.stats).toMatchObject({ misses: 1, faults: 1 });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('fault'),
      expect.objectContaining({ tier: 's3', op: 'get' }),
    );

    // Writes fault too, and the writer still completes for the caller.
    const r = fakeRender([100]);
    const w = cache.begin(newKey());
    await w.writePage(1, r.pages[0]);
    await w.commit(r.meta);
    await cache.whenIdle();
    expect(cache.stats.faults).toBeGreaterThanOrEqual(2);
  });
});
