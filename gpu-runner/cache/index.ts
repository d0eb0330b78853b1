/** The runner's render cache: memory → disk → S3 tiers keyed by (sha256(text), config hash). */
export type {
  CachedRender,
  CachedRenderMeta,
  CacheLog,
  RenderCacheTier,
  RenderCacheTierName,
  RenderCacheWriter,
} from './types.ts';
export { pageFileName, parseRenderCacheKey, renderCacheKey, type RenderCacheKeyParts } from './key.ts';
export { DEFAULT_MEMORY_CACHE_BYTES, MemoryRenderTier, type MemoryRenderTierOptions } from './memory-tier.ts';
export { DEFAULT_CACHE_DIR, DiskRenderTier, type DiskRenderTierOptions } from './disk-tier.ts';
export { DEFAULT_S3_PREFIX, S3RenderTier, type S3RenderTierOptions } from './s3-tier.ts';
export {
  TieredRenderCache,
  type RenderCacheStats,
  type TieredCacheHit,
  type TieredRenderCacheOptions,
} from './tiered-cache.ts';
export { createRenderCache, type CreateRenderCacheOptions, type RenderCacheSettings } from './from-settings.ts';
