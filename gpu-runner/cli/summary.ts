/** What `glyph render` reports: the `--json` object and the human summary printed from it. */
import type { RenderConfig } from '../../protocol/render-config.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { DocumentKind } from '../../protocol/document-kinds.ts';

/** The summary `glyph render --json` prints. */
export interface RenderSummary {
  pages: number;
  chars: number;
  textTokens: number;
  visualTokens: number;
  ratio: number;
  seconds: number;
  pagesPerSecond: number;
  outDir: string;
  preset: string;
  profile: string;
  missingGlyphs: { count: number; codePoints: string[] };
  /** The resolved config the pages were drawn with (send it back as --config for the same pages). */
  config: RenderConfig;
  /** Whether reflow joined hard-wrapped lines. */
  reflowed: boolean;
  /** The tokenizer `textTokens` was counted with. */
  textTokenizer: { family: TextTokenizerFamily; estimate: boolean };
  /** The input kind the pages were drawn as (--kind, or the file's extension). */
  kind: DocumentKind;
  /** Whether the pages cost the profile fewer tokens than the text. */
  worthIt: boolean;
  /** For --preset auto: what the fit search chose. */
  fit?: ManifestFit;
}

/** The summary as printed without --json. */
export function formatSummary(s: RenderSummary): string {
  const missing = s.missingGlyphs.count
    ? `\n  missing glyphs  ${s.missingGlyphs.count} (${s.missingGlyphs.codePoints.join(' ')})`
    : '';
  const c = s.config;
  const fit = s.fit
    ? `\n  fit             read-back ${s.fit.readback.toFixed(4)} ${s.fit.floorMet ? '>=' : '< (floor out of reach: the best attainable)'} floor ${s.fit.floor} (${s.fit.script}, at ${s.profile}'s resolution)`
    : '';
  return (
    `rendered ${s.pages} page${s.pages === 1 ? '' : 's'} to ${s.outDir} in ${s.seconds.toFixed(2)} s (${s.pagesPerSecond} pages/s)\n` +
    `  characters      ${s.chars}${s.reflowed ? ' (reflowed)' : ''}${s.kind !== 'text' ? `  [kind ${s.kind}]` : ''}\n` +
    `  text tokens     ${s.textTokens} (${s.textTokenizer.family}${s.textTokenizer.estimate ? ', an estimate' : ''})\n` +
    `  visual tokens   ${s.visualTokens} (${s.profile})\n` +
    `  compression     ${s.ratio}×  [preset ${s.preset}]${s.worthIt ? '' : '  (pages cost more than the text: not worth it)'}${missing}\n` +
    `  config          page-size ${c['page-size']} at ${c.dpi} dpi, ${c['font-family']} ${c['font-size']} pt on ${c['line-height']} pt, ` +
    `margins ${c['margin-x']}/${c['margin-y']} pt${c['auto-crop-snap'] ? `, crop snapped to ${c['auto-crop-snap']} px` : ''}${fit}\n`
  );
}
