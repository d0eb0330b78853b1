/** `--preset auto` in the CLI: the fit search for the profile, read by the OCR model loaded in this process. */
import { resolve } from 'node:path';
import { RenderConfigError, type RenderConfig } from '../../protocol/render-config.ts';
import type { ProfileName } from '../../protocol/profiles.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { TokenCountTask } from '../tokens/qwen3.ts';

/** Resolves preset auto: the fit search for the profile, read by the OCR model loaded here. */
export async function resolveAuto(
  text: string,
  profile: ProfileName,
  override: unknown,
  readbackFloor: number | undefined,
): Promise<{ config: RenderConfig; fit: ManifestFit }> {
  if (override !== undefined && (typeof override !== 'object' || override === null || Array.isArray(override))) {
    throw new RenderConfigError('config must be a JSON object of Glyph render keys', 'config');
  }
  const [{ FitSearches, resolveAutoConfig }, { LineRecognizer }] = await Promise.all([
    import('../fit/index.ts'),
    import('../ocr/recognizer.ts'),
  ]);
  const device =
    process.env.GLYPH_DEVICE === 'cuda' || process.env.GLYPH_DEVICE === 'cpu' ? process.env.GLYPH_DEVICE : 'auto';
  const recognizer = await LineRecognizer.load({ device });
  try {
    const searches = new FitSearches({
      read: async (lines) => (await recognizer.recognizeMany(lines)).map((r) => r.text),
      // The runner's disk cache, when named: a search already run there is not run again.
      ...(process.env.GLYPH_CACHE_DIR ? { dir: resolve(process.env.GLYPH_CACHE_DIR) } : {}),
    });
    return await resolveAutoConfig({
      profile,
      text,
      readbackFloor,
      override: override as Record<string, unknown> | undefined,
      searches,
    });
  } finally {
    await recognizer.release();
  }
}

/** Counts after the caller's next turn (the families other than Qwen3 have no worker here). */
export function countLater(text: string, family: TextTokenizerFamily): TokenCountTask {
  let cancelled = false;
  const count = (async () => {
    await new Promise((r) => setImmediate(r));
    if (cancelled) throw new Error('the token count was cancelled');
    return (await import('../tokens/count-text-tokens.ts')).countTextTokens(text, family);
  })();
  count.catch(() => {});
  const cancel = (): void => {
    cancelled = true;
  };
  return { count, cancel };
}
