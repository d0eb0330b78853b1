import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_PRESET,
  PRESET_CHOICES,
  REFLOW_MODES,
  RenderConfigError,
  isAutoPreset,
  isReflowMode,
  readbackFloorSchema,
  resolveRenderConfig,
  type RenderConfig,
} from '../../protocol/render-config.ts';
import { getProfile, PROFILE_NAMES, type ProfileName } from '../../protocol/profiles.ts';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import { textTokenizerFor, type TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import {
  DOCUMENT_KINDS,
  DocumentKindError,
  resolveDocumentKind,
  type DocumentKind,
  type ResolvedKind,
} from '../../protocol/document-kinds.ts';
import type { StyledDocument } from '../kinds/model.ts';
import { worthIt } from '../../protocol/worth-it.ts';
import { startTokenCount, type TokenCountTask } from '../tokens/qwen3.ts';

/** Exit code for bad input (file, preset, profile, config, encoding), as documented in the help. */
export const EXIT_BAD_INPUT = 2;

const USAGE = `usage: glyph render <file|-> [--preset ${PRESET_CHOICES.join('|')}] [--config file.json]
                    [--profile ${PROFILE_NAMES.join('|')}] [--reflow ${REFLOW_MODES.join('|')}]
                    [--kind ${DOCUMENT_KINDS.join('|')}] [--language L]
                    [--readback-floor X] [--out DIR] [--json]

Renders a UTF-8 text file (or stdin with "-") into Glyph page images DIR/page_0001.png, …
and prints pages, visual tokens, text tokens (the profile's own tokenizer) and the ratio.
  --preset   starting config (default ${DEFAULT_PRESET}); auto: pages fitted to --profile, the
             densest font whose OCR read-back at the model's resolution meets the floor
             (the chosen config is printed, and carried by --json)
  --config   JSON file of Glyph render keys that override the preset (with auto: the search's choices)
  --profile  VLM whose visual-token rule prices the pages (default glm-4.1v)
  --reflow   join hard-wrapped prose before layout: auto (when detected; default), on, off
  --readback-floor  auto's read-back floor, 0.5-1 (default 0.99 Latin, 0.97 CJK)
  --out      output folder (default ./glyph-pages); old page_*.png files in it are removed
  --kind     input kind (default: from the file's extension, e.g. .md .py .pdf .html .log; else text):
             Markdown structure, code monospace in colour, PDF text layer, HTML main content, logs
  --language highlighter language of a code file (python, typescript, …; implies --kind code)
  --json     print exactly one JSON object on stdout instead of the summary
Exit codes: 0 done, 2 bad input, 1 anything else.`;

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

/** A user error: printed as one line on stderr, exit code 2. */
class BadInput extends Error {}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof BadInput || err instanceof RenderConfigError) {
      process.stderr.write(`glyph: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`glyph: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        preset: { type: 'string' },
        config: { type: 'string' },
        profile: { type: 'string', default: 'glm-4.1v' },
        reflow: { type: 'string', default: 'auto' },
        'readback-floor': { type: 'string' },
        out: { type: 'string', default: 'glyph-pages' },
        json: { type: 'boolean', default: false },
        kind: { type: 'string' },
        language: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new BadInput(`${(err as Error).message} (see glyph --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command !== 'render' || !file || extra.length) {
    throw new BadInput(
      command && command !== 'render'
        ? `unknown command "${command}" (see glyph --help)`
        : 'usage: glyph render <file|-> [options] (see glyph --help)',
    );
  }
  const profileName = values.profile!;
  let profile;
  try {
    profile = getProfile(profileName);
  } catch {
    throw new BadInput(`unknown profile "${profileName}": use one of ${PROFILE_NAMES.join(', ')}`);
  }
  const reflowMode = values.reflow!;
  if (!isReflowMode(reflowMode))
    throw new BadInput(`unknown reflow mode "${reflowMode}": use one of ${REFLOW_MODES.join(', ')}`);
  const floorArg = values['readback-floor'];
  const floor = floorArg === undefined ? undefined : readbackFloorSchema.safeParse(Number(floorArg));
  if (floor && !floor.success) throw new BadInput(`--readback-floor must be a number from 0.5 to 1, got "${floorArg}"`);
  const override = values.config ? await readConfigFile(values.config) : undefined;
  const preset = values.preset ?? DEFAULT_PRESET;
  const auto = isAutoPreset(preset);
  if (floor && !auto) throw new BadInput('--readback-floor applies to --preset auto only');
  // A fixed preset's config is checked before any file is read; auto's once the text is known.
  let config = auto ? undefined : resolveRenderConfig({ preset, config: override });
  const input = await readInput(file);
  const kind = cliKind(values.kind, values.language, file);
  // A structured kind is drawn from its StyledDocument; its plain text is what tokens are counted on.
  const doc = kind.kind === 'text' ? undefined : await styledDocumentOf(input, kind, file);
  const source = doc ? (await import('../kinds/index.ts')).plainText(doc) : decodeUtf8(input, file);
  let fit: ManifestFit | undefined;
  if (auto) ({ config, fit } = await resolveAuto(source, profile.name, override, floor?.data));
  const { reflow } = await import('../reflow/index.ts');
  // Structured kinds keep their own lines (code, logs, tables are never reflowed).
  const joined = doc ? { text: source, reflowed: false } : reflow(source, reflowMode);
  const text = joined.text;
  const tokenizer = textTokenizerFor(profile.name);
  // Counted while the pages are painted (Qwen3: a long text in a worker thread; see
  // startTokenCount); the other families after painting. Tokens of the text sent, not reflowed.
  const counter = tokenizer.family === 'qwen3' ? startTokenCount(source) : countLater(source, tokenizer.family);

  try {
    const outDir = resolve(values.out!);
    await mkdir(outDir, { recursive: true });
    for (const name of await readdir(outDir)) {
      if (/^page_\d+\.png$/.test(name)) await rm(join(outDir, name));
    }
    return await renderAndSummarize(text, config!, {
      ...values,
      preset,
      profile,
      file,
      outDir,
      counter,
      chars: [...source].length,
      reflowed: joined.reflowed,
      textTokenizer: { family: tokenizer.family, estimate: tokenizer.estimate },
      ...(fit ? { fit } : {}),
      kind: kind.kind,
      ...(doc ? { doc } : {}),
    });
  } finally {
    counter.cancel();
  }
}

interface RenderJobOptions {
  preset: string;
  profile: ReturnType<typeof getProfile>;
  file: string;
  outDir: string;
  json?: boolean;
  counter: TokenCountTask;
  chars: number;
  reflowed: boolean;
  textTokenizer: RenderSummary['textTokenizer'];
  fit?: ManifestFit;
  kind: DocumentKind;
  /** A structured kind's document, drawn by the styled renderer. */
  doc?: StyledDocument;
}

/** The kind of the CLI's input: --kind, --language, else the file's extension; bad values are bad input. */
function cliKind(kind: string | undefined, language: string | undefined, file: string): ResolvedKind {
  try {
    return resolveDocumentKind({ kind, language, fileName: file === '-' ? null : file });
  } catch (err) {
    if (err instanceof DocumentKindError) throw new BadInput(`--${err.message}`);
    throw err;
  }
}

/** The input as a StyledDocument of its kind; a refused PDF (no text layer, encrypted, corrupt) is bad input. */
async function styledDocumentOf(input: Uint8Array, kind: ResolvedKind, file: string): Promise<StyledDocument> {
  const { KindError, toStyledDocument } = await import('../kinds/index.ts');
  try {
    const bytes = kind.kind === 'pdf' ? input : decodeUtf8(input, file);
    return await toStyledDocument(bytes, {
      kind: kind.kind,
      ...(kind.language ? { language: kind.language } : {}),
      ...(file !== '-' ? { fileName: file } : {}),
    });
  } catch (err) {
    if (err instanceof KindError) throw new BadInput(`${file}: ${err.message} (${err.code})`);
    throw err;
  }
}

/** Resolves preset auto: the fit search for the profile, read by the OCR model loaded here. */
async function resolveAuto(
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
function countLater(text: string, family: TextTokenizerFamily): TokenCountTask {
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

async function renderAndSummarize(text: string, config: RenderConfig, options: RenderJobOptions): Promise<number> {
  const { profile, file, outDir, preset } = options;
  // Loaded after the token counter started: Skia, libvips and the fonts take a while to load too.
  const { paintPlan, renderPages } = await import('../render/index.ts');
  const started = performance.now();
  const stream = options.doc
    ? await styledStream(options.doc, config, paintPlan)
    : renderPages(text, config, { output: 'png' });
  const bar = process.stderr.isTTY
    ? new (await import('cli-progress')).SingleBar({
        format: 'rendering [{bar}] {percentage}% | {pages} pages',
        hideCursor: true,
      })
    : null;
  bar?.start(100, 0, { pages: 0 });
  let pages = 0;
  let visualTokens = 0;
  for await (const page of stream) {
    pages += 1;
    visualTokens += profile.visualTokens(page.width, page.height);
    await writeFile(join(outDir, `page_${String(page.index + 1).padStart(4, '0')}.png`), page.png!);
    bar?.update(Math.round(stream.progress * 100), { pages });
  }
  bar?.stop();
  if (pages === 0) throw new BadInput(`${file === '-' ? 'stdin' : file} has no visible text to render`);
  const seconds = (performance.now() - started) / 1000;
  const tokens = await options.counter.count;
  const summary: RenderSummary = {
    pages,
    chars: options.chars,
    textTokens: tokens,
    visualTokens,
    ratio: compressionRatio(tokens, visualTokens),
    seconds: Math.round(seconds * 1000) / 1000,
    pagesPerSecond: Math.round((pages / seconds) * 10) / 10,
    outDir,
    preset,
    profile: profile.name,
    missingGlyphs: stream.missingGlyphs,
    config,
    reflowed: options.reflowed,
    textTokenizer: options.textTokenizer,
    worthIt: worthIt({ textTokens: tokens, visualTokens }).worthIt,
    ...(options.fit ? { fit: options.fit } : {}),
    kind: options.kind,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(formatSummary(summary));
  }
  return 0;
}

/** A styled document's pages in the shape of a PageStream: its plan, painted in order. */
async function styledStream(
  doc: StyledDocument,
  config: RenderConfig,
  paintPlan: typeof import('../render/index.ts').paintPlan,
): Promise<AsyncIterable<{ index: number; width: number; height: number; png?: Uint8Array }> & { progress: number; missingGlyphs: RenderSummary['missingGlyphs'] }> {
  const { planStyledDocument } = await import('../render/styled/index.ts');
  const plan = planStyledDocument(doc, config);
  let done = 0;
  return {
    get progress() {
      return plan.pages.length ? done / plan.pages.length : 1;
    },
    missingGlyphs: plan.missingGlyphs,
    async *[Symbol.asyncIterator]() {
      for await (const page of paintPlan(plan.pages, config, { output: 'png' })) {
        done += 1;
        yield page;
      }
    },
  };
}

function formatSummary(s: RenderSummary): string {
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

async function readInput(file: string): Promise<Uint8Array> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadInput(
      code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (err as Error).message}`,
    );
  }
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadInput(`${file === '-' ? 'stdin' : file} is not valid UTF-8 text`);
  }
}

async function readConfigFile(path: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch {
    throw new BadInput(`no such config file: ${path}`);
  }
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new BadInput(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
