import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DiskRenderTier } from '../../gpu-runner/cache/disk-tier.ts';
import { createRenderCache } from '../../gpu-runner/cache/from-settings.ts';
import { readRunnerSettings } from '../../gpu-runner/server/settings.ts';
import { parseRenderCacheKey, renderCacheKey } from '../../gpu-runner/cache/key.ts';
import { MemoryRenderTier } from '../../gpu-runner/cache/memory-tier.ts';
import { S3RenderTier } from '../../gpu-runner/cache/s3-tier.ts';
import { TieredRenderCache } from '../../gpu-runner/cache/tiered-cache.ts';
import type {
  CachedRender,
  CachedRenderMeta,
  CacheLog,
  RenderCacheTier,
  RenderCacheWriter,
} from '../../gpu-runner/cache/types.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const CONFIG = sha('glyph-en config');
const SECRET_TEXT = 'the quick brown fox: document text that must never reach a log';
let keySeq = 0;
/** A fresh valid key per call. */
const newKey = () => renderCacheKey(sha(`${SECRET_TEXT} ${keySeq++}`), CONFIG);

const roots: string[] = [];
function tempRoot(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'glyph-cache-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** Deterministic fake render: pages of the given sizes, a small layout. */
function fakeRender(sizes: number[]): { meta: CachedRenderMeta; pages: Uint8Array[] } {
  const pages = sizes.map((n) => new Uint8Array(randomBytes(n)));
  return {
    pages,
    meta: {
      chars: 1234,
      textTokens: 321,
      pages: pages.map((p) => ({ width: 595, height: 842, bytes: p.byteLength })),
      layout: [{ page: 1, line: 1, box: { x: 10, y: 10, width: 500, height: 12 }, start: 0, end: 80 }],
      missingGlyphs: { count: 0, codePoints: [] },
    },
  };
}

async function store(writer: RenderCacheWriter, r: { meta: CachedRenderMeta; pages: Uint8Array[] }) {
  for (let n = 1; n <= r.pages.length; n++) await writer.writePage(n, r.pages[n - 1]);
  await writer.commit(r.meta);
}

async function expectRender(hit: CachedRender | undefined, r: { meta: CachedRenderMeta; pages: Uint8Array[] }) {
  expect(hit).toBeDefined();
  expect(hit!.meta).toEqual(r.meta);
  for (let n = 1; n <= r.pages.length; n++) expect(Buffer.from(await hit!.page(n)).equals(r.pages[n - 1])).toBe(true);
}

function spyLog() {
  const warn = vi.fn<CacheLog['warn']>();
  return { log: { warn } satisfies CacheLog, warn };
}

const H = sha('x');
const BAD_KEYS = [
  `../${H}`,
  `${H}/../${H}`,
  `${H}/..`,
  `/${H}/${H}`,
  `${H}//${H}`,
  `${H}/${H}/`,
  `${H}%2F${H}`,
  `${H}%2f..%2f${H}`,
  `${H}/${H}\0`,
  `${H}\0/${H}`,
  `${H}/${H}\n`,
  `${H.toUpperCase()}/${H}`,
  `${H.slice(0, 63)}g/${H}`,
  `${H.slice(0, 62)}/${H}`,
  `${H}\\${H}`,
  `${H}/${H}/page-0001.png`,
  '',
];

describe('render cache keys', () => {
  it('accepts <sha256>/<config hash> and splits it', () => {
    expect(parseRenderCacheKey(`${H}/${CONFIG}`)).toEqual({ textSha256: H, configHash: CONFIG });
    expect(() => renderCacheKey(H, 'ABC')).toThrow(Error);
  });

  it('every tier rejects path-escape and non-hex keys with an Error, touching no storage', async () => {
    const root = path.join(tempRoot(), 'never-created');
    const disk = new DiskRenderTier({ dir: root });
    const memory = new MemoryRenderTier();
    const s3 = new S3RenderTier({
      bucket: 'b',
      endpoint: 'http://127.0.0.1:9',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const tiered = new TieredRenderCache([memory, disk], spyLog());
    for (const bad of BAD_KEYS) {
      expect(() => parseRenderCacheKey(bad), JSON.stringify(bad)).toThrow(Error);
      for (const tier of [memory, disk, s3] as RenderCacheTier[]) {
        await expect(tier.get(bad), `${tier.name} get ${JSON.stringify(bad)}`).rejects.toThrow(/invalid key/);
        expect(() => tier.begin(bad), `${tier.name} begin ${JSON.stringify(bad)}`).toThrow(/invalid key/);
      }
      await expect(tiered.get(bad)).rejects.toThrow(/invalid key/);
      expect(() => tiered.begin(bad)).toThrow(/invalid key/);
    }
    expect(existsSync(root)).toBe(false);
    await s3.close();
  });
});

describe('memory tier', () => {
  it('evicts least-recently-used renders by bytes', async () => {
    const memory = new MemoryRenderTier({ maxBytes: 100_000 });
    const keys = [newKey(), newKey(), newKey(), newKey(), newKey()];
    for (const k of keys.slice(0, 4)) await store(memory.begin(k), fakeRender([20_000]));
    expect(memory.size).toBe(4);
    expect(await memory.get(keys[0])).toBeDefined(); // keys[0] is now the most recent
    await store(memory.begin(keys[4]), fakeRender([20_000]));
    expect(memory.bytes).toBeLessThanOrEqual(100_000);
    expect(memory.has(keys[1])).toBe(false); // the least recently used went
    for (const k of [keys[0], keys[2], keys[3], keys[4]]) expect(memory.has(k)).toBe(true);
  });

  it('does not keep a render over a quarter of the budget, and evicts nothing for it', async () => {
    const memory = new MemoryRenderTier({ maxBytes: 100_000 });
    const small = newKey();
    const big = newKey();
    await store(memory.begin(small), fakeRender([20_000]));
    const huge = fakeRender([10_000, 10_000, 10_000]);
    expect(memory.accepts(huge.meta)).toBe(false);
    await store(memory.begin(big), huge);
    expect(await memory.get(big)).toBeUndefined();
    expect(memory.has(small)).toBe(true);
    expect(memory.accepts(fakeRender([20_000]).meta)).toBe(true);
  });

  it('shows a render only after commit; abort and a mismatched meta leave nothing', async () => {
    const memory = new MemoryRenderTier({ maxBytes: 1_000_000 });
    const r = fakeRender([100, 200, 300]);
    const key = newKey();
    const w = memory.begin(key);
    await w.writePage(2, r.pages[1]);
    await w.writePage(1, r.pages[0]);
    await expect(w.commit(r.meta)).rejects.toThrow(/3 pages, 2 were written/);
    await expect(w.writePage(3, r.pages[2])).rejects.toThrow(/failed/);
    expect(await memory.get(key)).toBeUndefined();
    const w2 = memory.begin(key);
    await w2.writePage(1, r.pages[0]);
    await w2.abort();
    await expect(w2.writePage(2, r.pages[1])).rejects.toThrow(/aborted/);
    expect(await memory.get(key)).toBeUndefined();
    await store(memory.begin(key), r);
    await expectRender(await memory.get(key), r);
    await expect((await memory.get(key))!.page(4)).rejects.toThrow(RangeError);
  });
});

describe('disk tier', () => {
  it('round-trips a render, out-of-order pages included, and survives a new instance', async () => {
    const root = tempRoot();
    const disk = new DiskRenderTier({ dir: root });
    const r = fakeRender([1000, 2000, 3000]);
    const key = newKey();
    const w = disk.begin(key);
    await w.writePage(3, r.pages[2]);
    await w.writePage(1, r.pages[0]);
    await w.writePage(2, r.pages[1]);
    await w.commit(r.meta);
    await expectRender(await disk.get(key), r);
    await expectRender(await new DiskRenderTier({ dir: root }).get(key), r);

    const { textSha256, configHash } = parseRenderCacheKey(key);
    const dir = path.join(root, textSha256.slice(0, 2), textSha256, configHash);
    expect(readdirSync(dir).sort()).toEqual(['meta.json', 'page-0001.png', 'page-0002.png', 'page-0003.png']);
    expect(readdirSync(path.join(root, '.staging'))).toEqual([]);
    await expect((await disk.get(key))!.page(0)).rejects.toThrow(RangeError);
  });

  it('an uncommitted, aborted or incomplete write is never visible and leaves no files', async () => {
    const root = tempRoot();
    const disk = new DiskRenderTier({ dir: root });
    const r = fakeRender([500, 500, 500]);
    const key = newKey();

    const open = disk.begin(key);
    await open.writePage(1, r.pages[0]);
    await open.writePage(2, r.pages[1]);
    expect(await disk.get(key)).toBeUndefined(); // written, not committed

    const aborted = disk.begin(key);
    await aborted.writePage(1, r.pages[0]);
    await aborted.abort();
    await aborted.abort(); // idempotent
    expect(await disk.get(key)).toBeUndefined();

    const incomplete = disk.begin(key);
    await incomplete.writePage(1, r.pages[0]);
    await incomplete.writePage(3, r.pages[2]);
    await expect(incomplete.commit(r.meta)).rejects.toThrow(/page 2 was not written|3 pages, 2 were written/);
    expect(await disk.get(key)).toBeUndefined();

    await open.abort();
    expect(readdirSync(path.join(root, '.staging'))).toEqual([]);
    expect(readdirSync(root)).toEqual(['.staging']); // no render directory appeared
  });

  it('two writers of one key both commit; an abort after the other committed removes nothing', async () => {
    const disk = new DiskRenderTier({ dir: tempRoot() });
    const r = fakeRender([700, 800]);
    const key = newKey();
    const a = disk.begin(key);
    const b = disk.begin(key);
    const c = disk.begin(key);
    for (const w of [a, b, c]) for (let n = 1; n <= 2; n++) await w.writePage(n, r.pages[n - 1]);
    await a.commit(r.meta);
    await b.commit(r.meta);
    await c.abort();
    await expectRender(await disk.get(key), r);
  });

  it('with a budget, evicts least-recently-used renders after a commit', async () => {
    let clock = 1_000;
    const disk = new DiskRenderTier({ dir: tempRoot(), maxBytes: 10_000, now: () => clock++ });
    const keys = [newKey(), newKey(), newKey(), newKey(), newKey()];
    for (const k of keys.slice(0, 4)) await store(disk.begin(k), fakeRender([2_000]));
    expect(await disk.get(keys[0])).toBeDefined(); // touch: keys[1] is now the oldest
    await store(disk.begin(keys[4]), fakeRender([2_000]));
    expect(disk.bytes).toBeLessThanOrEqual(9_000);
    expect(await disk.get(keys[1])).toBeUndefined();
    for (const k of [keys[0], keys[2], keys[3], keys[4]]) expect(await disk.get(k)).toBeDefined();
    expect(disk.accepts(fakeRender([3_000]).meta)).toBe(false); // over a quarter of the budget
  });
});

describe('tiered cache', () => {
  it('writes to every tier and backfills faster tiers from a slower hit', async () => {
    const root = tempRoot();
    const { log, warn } = spyLog();
    const r = fakeRender([400, 500, 600]);
    const key = newKey();
    const first = new TieredRenderCache([new MemoryRenderTier(), new DiskRenderTier({ dir: root })], { log });
    await store(first.begin(key), r);
    expect((await first.get(key))?.tier).toBe('memory');

    const memory = new MemoryRenderTier(); // a restarted runner: empty memory, same disk
    const cache = new TieredRenderCache([memory, new DiskRenderTier({ dir: root })], { log });
    const hit = await cache.get(key);
    expect(hit?.tier).toBe('disk');
    await expectRender(hit, r);
    await cache.whenIdle();
    expect(memory.has(key)).toBe(true);
    const again = await cache.get(key);
    expect(again?.tier).toBe('memory');
    await expectRender(again, r);
    expect(await cache.get(newKey())).toBeUndefined();
    expect(cache.stats).toEqual({ hits: { memory: 1, disk: 1, s3: 0 }, misses: 1, faults: 0, backfills: 1 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('a tier that throws is a logged fault and a miss; writes go on without it', async () => {
    const { log, warn } = spyLog();
    const broken: RenderCacheTier = {
      name: 'memory',
      get: async () => {
        throw new Error('boom on get');
      },
      begin: () => ({
        writePage: async () => {
          throw new Error('boom on write');
        },
        commit: async () => {},
        abort: async () => {},
      }),
    };
    const disk = new DiskRenderTier({ dir: tempRoot() });
    const cache = new TieredRenderCache([broken, disk], { log });
    const r = fakeRender([300, 300]);
    const key = newKey();
    await store(cache.begin(key), r); // does not throw
    await cache.whenIdle();
    await expectRender(await disk.get(key), r);
    const hit = await cache.get(key);
    expect(hit?.tier).toBe('disk');
    await cache.whenIdle();
    expect(cache.stats.faults).toBe(2);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('fault'),
      expect.objectContaining({ tier: 'memory', op: 'write', error: expect.stringContaining('boom on write') }),
    );
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('fault'),
      expect.objectContaining({ tier: 'memory', op: 'get', key }),
    );
    expect(JSON.stringify(warn.mock.calls)).not.toContain('quick brown fox');
  });

  it('a disk tier whose root is a file: gets are misses, writes reach the other tiers', async () => {
    const file = path.join(tempRoot(), 'not-a-directory');
    writeFileSync(file, 'x');
    const { log, warn } = spyLog();
    const memory = new MemoryRenderTier();
    const cache = new TieredRenderCache([memory, new DiskRenderTier({ dir: file })], { log });
    expect(await cache.get(newKey())).toBeUndefined();
    expect(warn).toHaveBeenLastCalledWith(expect.any(String), expect.objectContaining({ tier: 'disk', op: 'get' }));

    const r = fakeRender([100, 100]);
    const key = newKey();
    await store(cache.begin(key), r);
    await cache.whenIdle();
    expect(warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ tier: 'disk', op: 'write' }));
    const hit = await cache.get(key);
    expect(hit?.tier).toBe('memory');
    await expectRender(hit, r);
    expect(cache.stats.misses).toBe(1);
    expect(cache.stats.faults).toBeGreaterThanOrEqual(2);
  });

  it("still throws for the caller's own mistakes", async () => {
    const cache = new TieredRenderCache([new MemoryRenderTier()], spyLog());
    const r = fakeRender([10, 10]);
    const w = cache.begin(newKey());
    await expect(w.writePage(0, r.pages[0])).rejects.toThrow(RangeError);
    await w.writePage(1, r.pages[0]);
    await expect(w.commit(r.meta)).rejects.toThrow(/2 pages, 1 were written/);
    expect(cache.stats.faults).toBe(0);
  });
});

/** The cache the runner builds from `env` (read through the runner's settings schema). */
function fromEnv(env: Record<string, string>, options: { log: CacheLog; cwd?: string }) {
  return createRenderCache(
    readRunnerSettings({ GLYPH_RUNNER_KEYS: 'edge:secret-0123456789abcdef', ...env }).cache,
    options,
  );
}

describe('render cache from the environment', () => {
  it('builds the configured tiers and rejects malformed values', async () => {
    const log = spyLog().log;
    const dir = tempRoot();
    const all = fromEnv(
      {
        GLYPH_CACHE_MEMORY_MB: '8',
        GLYPH_CACHE_DIR: dir,
        GLYPH_S3_BUCKET: 'b',
        GLYPH_S3_ENDPOINT: 'http://127.0.0.1:9',
      },
      { log },
    );
    expect(all.tiers.map((t) => t.name)).toEqual(['memory', 'disk', 's3']);
    expect((all.tiers[0] as MemoryRenderTier).maxBytes).toBe(8 * 1024 * 1024);
    expect((all.tiers[1] as DiskRenderTier).root).toBe(dir);
    expect((all.tiers[2] as S3RenderTier).prefix).toBe('renders/');
    await all.close();

    const defaults = fromEnv({}, { log, cwd: dir });
    expect(defaults.tiers.map((t) => t.name)).toEqual(['memory', 'disk']);
    expect((defaults.tiers[1] as DiskRenderTier).root).toBe(path.join(dir, '.glyph/cache'));

    expect(fromEnv({ GLYPH_CACHE_MEMORY_MB: '0', GLYPH_CACHE_DIR: 'off' }, { log }).tiers).toEqual([]);
    expect(() => fromEnv({ GLYPH_CACHE_MEMORY_MB: 'lots' }, { log })).toThrow(/GLYPH_CACHE_MEMORY_MB/);
    expect(() => fromEnv({ GLYPH_S3_ENDPOINT: 'http://x' }, { log })).toThrow(/GLYPH_S3_BUCKET/);
    expect(() => fromEnv({ GLYPH_S3_BUCKET: 'b', GLYPH_S3_ACCESS_KEY_ID: 'k' }, { log })).toThrow(/together/);
    expect(() => fromEnv({ GLYPH_S3_BUCKET: 'b', GLYPH_S3_PREFIX: '../x/' }, { log })).toThrow(/prefix/);
  });
});
