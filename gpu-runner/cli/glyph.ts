import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PRESET, RenderConfigError, resolveRenderConfig, type RenderConfig } from '../../protocol/render-config.ts';
import { getProfile, PROFILE_NAMES } from '../../protocol/profiles.ts';
import { compressionRatio } from '../../protocol/compression-ratio.ts';
import { startTokenCount, type TokenCountTask } from '../tokens/qwen3.ts';

/** Exit code for bad input (file, preset, profile, config, encoding), as documented in the help. */
export const EXIT_BAD_INPUT = 2;

const USAGE = `usage: glyph render <file|-> [--preset glyph-en|glyph-zh] [--config file.json]
                    [--profile ${PROFILE_NAMES.join('|')}] [--out DIR] [--json]

Renders a UTF-8 text file (or stdin with "-") into Glyph page images DIR/page_0001.png, …
and prints pages, visual tokens, Qwen3 text tokens and the compression ratio.
  --preset   starting config (default ${DEFAULT_PRESET})
  --config   JSON file of Glyph render keys that override the preset
  --profile  VLM whose visual-token rule prices the pages (default glm-4.1v)
  --out      output folder (default ./glyph-pages); old page_*.png files in it are removed
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
        out: { type: 'string', default: 'glyph-pages' },
        json: { type: 'boolean', default: false },
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
    throw new BadInput(command && command !== 'render' ? `unknown command "${command}" (see glyph --help)` : 'usage: glyph render <file|-> [options] (see glyph --help)');
  }
  const profileName = values.profile!;
  let profile;
  try {
    profile = getProfile(profileName);
  } catch {
    throw new BadInput(`unknown profile "${profileName}": use one of ${PROFILE_NAMES.join(', ')}`);
  }
  const override = values.config ? await readConfigFile(values.config) : undefined;
  const preset = values.preset ?? DEFAULT_PRESET;
  const config = resolveRenderConfig({ preset, config: override });
  const text = decodeUtf8(await readInput(file), file);
  // Counted while the pages are painted (a long text in a worker thread; see startTokenCount).
  const counter = startTokenCount(text);

  try {
    const outDir = resolve(values.out!);
    await mkdir(outDir, { recursive: true });
    for (const name of await readdir(outDir)) {
      if (/^page_\d+\.png$/.test(name)) await rm(join(outDir, name));
    }
    return await renderAndSummarize(text, config, { ...values, preset, profile, file, outDir, counter });
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
}

async function renderAndSummarize(text: string, config: RenderConfig, options: RenderJobOptions): Promise<number> {
  const { profile, file, outDir, preset } = options;
  // Loaded after the token counter started: Skia, libvips and the fonts take a while to load too.
  const { renderPages } = await import('../render/index.ts');
  const started = performance.now();
  const stream = renderPages(text, config, { output: 'png' });
  const bar = process.stderr.isTTY
    ? new (await import('cli-progress')).SingleBar({ format: 'rendering [{bar}] {percentage}% | {pages} pages', hideCursor: true })
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
    chars: [...text].length,
    textTokens: tokens,
    visualTokens,
    ratio: compressionRatio(tokens, visualTokens),
    seconds: Math.round(seconds * 1000) / 1000,
    pagesPerSecond: Math.round((pages / seconds) * 10) / 10,
    outDir,
    preset,
    profile: profile.name,
    missingGlyphs: stream.missingGlyphs,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    process.stdout.write(formatSummary(summary));
  }
  return 0;
}

function formatSummary(s: RenderSummary): string {
  const missing = s.missingGlyphs.count
    ? `\n  missing glyphs  ${s.missingGlyphs.count} (${s.missingGlyphs.codePoints.join(' ')})`
    : '';
  return (
    `rendered ${s.pages} page${s.pages === 1 ? '' : 's'} to ${s.outDir} in ${s.seconds.toFixed(2)} s (${s.pagesPerSecond} pages/s)\n` +
    `  characters      ${s.chars}\n` +
    `  text tokens     ${s.textTokens} (Qwen3)\n` +
    `  visual tokens   ${s.visualTokens} (${s.profile})\n` +
    `  compression     ${s.ratio}×  [preset ${s.preset}]${missing}\n`
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
    throw new BadInput(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (err as Error).message}`);
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
