/**
 * `glyph render`: the CLI entry (bundled to dist/cli/glyph.js). Arguments are parsed and checked
 * here; the input, the auto fit, the summary and the help live beside it (input.ts, auto.ts,
 * summary.ts, usage.ts).
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DEFAULT_PRESET,
  REFLOW_MODES,
  RenderConfigError,
  isAutoPreset,
  isReflowMode,
  readbackFloorSchema,
  resolveRenderConfig,
  type RenderConfig,
} from '../../protocol/render-config.ts';
import { getProfile, PROFILE_NAMES } from '../../protocol/profiles.ts';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import type { ManifestFit } from '../../protocol/runner-api.ts';
import { textTokenizerFor } from '../../protocol/text-tokenizers.ts';
import type { DocumentKind } from '../../protocol/document-kinds.ts';
import type { StyledDocument } from '../kinds/model.ts';
import { worthIt } from '../../protocol/worth-it.ts';
import { startTokenCount, type TokenCountTask } from '../tokens/qwen3.ts';
import { countLater, resolveAuto } from './auto.ts';
import { cliKind, decodeUtf8, readConfigFile, readInput, styledDocumentOf } from './input.ts';
import { formatSummary, type RenderSummary } from './summary.ts';
import { BadInput, EXIT_BAD_INPUT, USAGE } from './usage.ts';

export { EXIT_BAD_INPUT, type RenderSummary };

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
): Promise<
  AsyncIterable<{ index: number; width: number; height: number; png?: Uint8Array }> & {
    progress: number;
    missingGlyphs: RenderSummary['missingGlyphs'];
  }
> {
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
