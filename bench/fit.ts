/**
 * `npm run bench:fit` — what preset `auto` buys each profile: for every profile, a fixed preset
 * (glyph-en on the English novel, as drawn today: no reflow; glyph-zh on the Chinese text) beside
 * `auto` (pages fitted to the profile, the fit search's font, reflow auto) on the texts in
 * ../shared/fixtures/texts/: compression ratio (text tokens in the profile's own tokenizer ÷
 * visual tokens), pages, OCR read-back of an even sample of lines *at the model's resolution*
 * (each page resized as the model's preprocessing resizes it; Gemini publishes no rule: as drawn)
 * and whether any page is resized down by the model. Strict character accuracy; for Chinese also
 * the variant-insensitive figure (the one auto's floor applies to).
 *
 *   npm run bench:fit [-- --lines 40] [--profiles gpt-4o,claude]
 *
 * CPU-heavy (OCR of small text is ~0.1–0.4 s a line on 2 cores, plus the fit searches): run it
 * under `flock /tmp/glyph/heavy.lock` on a shared machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PROFILE_NAMES, getProfile, isProfileName, modelView, type ProfileName } from '../protocol/profiles.ts';
import {
  DEFAULT_READBACK_FLOOR,
  resolveRenderConfig,
  type ReflowMode,
  type RenderConfig,
} from '../protocol/render-config.ts';
import { compressionRatio } from '../protocol/compression-ratio.ts';
import { textTokenizerFor } from '../protocol/text-tokenizers.ts';
import { expectedLineText } from '../gpu-runner/decode/expected-text.ts';
import { FitSearches, resolveAutoConfig } from '../gpu-runner/fit/index.ts';
import { evenSample, resize } from '../gpu-runner/fit/readback.ts';
import { aggregateAccuracy } from '../gpu-runner/ocr/accuracy.ts';
import { LineRecognizer, type LineImage } from '../gpu-runner/ocr/recognizer.ts';
import { reflow } from '../gpu-runner/reflow/index.ts';
import { paintPlan, planPages } from '../gpu-runner/render/index.ts';
import { countTextTokens } from '../gpu-runner/tokens/count-text-tokens.ts';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '40' },
    profiles: { type: 'string', default: PROFILE_NAMES.join(',') },
  },
});
const SAMPLE = Number(values.lines);
const profiles = values.profiles!.split(',').filter((p): p is ProfileName => {
  if (!isProfileName(p)) throw new Error(`unknown profile ${p}`);
  return true;
});

const SHARED = fileURLToPath(new URL('../../shared/fixtures/texts/', import.meta.url));
if (!existsSync(SHARED)) {
  console.log(
    `bench:fit skipped: ${SHARED} is absent (it holds the English novel and the Chinese text this measures).`,
  );
  process.exit(0);
}
const texts: Array<{ name: string; text: string; fixed: 'glyph-en' | 'glyph-zh' }> = [
  // The 300 kB the issue's figures were measured on: the start of the Gutenberg text.
  {
    name: 'English novel (300 kB)',
    text: readFileSync(`${SHARED}pride_and_prejudice.txt`, 'utf8').slice(0, 300_000),
    fixed: 'glyph-en',
  },
  { name: 'classical Chinese', text: readFileSync(`${SHARED}shen_yin_yu-part1.txt`, 'utf8'), fixed: 'glyph-zh' },
];

const recognizer = await LineRecognizer.load({ device: 'auto' });
const read = async (lines: LineImage[]) => (await recognizer.recognizeMany(lines)).map((r) => r.text);
const searches = new FitSearches({ read });

interface Row {
  text: string;
  profile: ProfileName;
  preset: string;
  font: string;
  page: string;
  pages: number;
  ratio: number;
  strict: number;
  folded: number;
  resizedDown: string;
  seconds: number;
}

async function measure(
  text: string,
  name: string,
  profile: ProfileName,
  preset: string,
  config: RenderConfig,
  mode: ReflowMode,
): Promise<Row> {
  const t0 = performance.now();
  const joined = reflow(text, mode);
  const drawn = joined.text;
  const plan = planPages(drawn, config);
  const p = getProfile(profile);
  let visual = 0;
  let resized = 0;
  let published = true;
  for (const page of plan.pages) {
    visual += p.visualTokens(page.width, page.height);
    const view = modelView(p, page.width, page.height);
    if (!view) published = false;
    else if (view.resizedDown) resized++;
  }
  const tokens = countTextTokens(text, textTokenizerFor(profile).family);
  // An even sample of the document's lines, read on their pages as the model sees them.
  const lines = plan.pages
    .flatMap((pg) => pg.lines)
    .filter((l) => expectedLineText(drawn, l.start, l.end, config).trim() !== '');
  const chosen = evenSample(lines, SAMPLE);
  const pageIdx = [...new Set(chosen.map((l) => l.page))];
  const images: LineImage[] = [];
  const order: typeof chosen = [];
  for await (const painted of paintPlan(
    pageIdx.map((i) => plan.pages[i]!),
    config,
    { output: 'raw' },
  )) {
    const raw = painted.raw!;
    const view = modelView(p, raw.width, raw.height);
    const seen =
      view && (view.size.width !== raw.width || view.size.height !== raw.height) ? await resize(raw, view.size) : raw;
    const sx = seen.width / raw.width;
    const sy = seen.height / raw.height;
    for (const l of chosen.filter((c) => c.page === painted.index)) {
      images.push({
        page: seen,
        box: { x: l.box.x * sx, y: l.box.y * sy, width: l.box.width * sx, height: l.box.height * sy },
      });
      order.push(l);
    }
  }
  const got = await read(images);
  const pairs = order.map((l, i) => ({ expected: expectedLineText(drawn, l.start, l.end, config), got: got[i]! }));
  const strict = aggregateAccuracy(pairs, { normalize: true }).accuracy;
  const folded = aggregateAccuracy(pairs, { normalize: true, foldVariants: true }).accuracy;
  const [w, h] = config['page-size'].split(',').map(Number) as [number, number];
  return {
    text: name,
    profile,
    preset: `${preset}${mode === 'off' ? '' : ` (reflow ${mode}${joined.reflowed ? '' : ', none'})`}`,
    font: `${config['font-size']}/${config['line-height']} pt`,
    page: `${Math.round((w * config.dpi) / 72)}x${Math.round((h * config.dpi) / 72)}`,
    pages: plan.pages.length,
    ratio: compressionRatio(tokens, visual),
    strict,
    folded,
    resizedDown: published ? (resized ? `${resized} pages` : 'no') : 'no rule',
    seconds: (performance.now() - t0) / 1000,
  };
}

const rows: Row[] = [];
const fits: string[] = [];
for (const { name, text, fixed } of texts) {
  for (const profile of profiles) {
    rows.push(await measure(text, name, profile, fixed, resolveRenderConfig({ preset: fixed }), 'off'));
    const t0 = performance.now();
    const { config, fit } = await resolveAutoConfig({ profile, text, searches });
    fits.push(
      `  ${name} / ${profile}: ${fit.script} ${fit.fontSize}/${fit.lineHeight} pt, calibration read-back ${fit.readback.toFixed(4)} ` +
        `${fit.floorMet ? '>=' : '< (out of reach: best attainable)'} ${fit.floor} (search ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    rows.push(await measure(text, name, profile, 'auto', config, 'auto'));
    console.error(`done ${name} ${profile}`);
  }
}
await recognizer.release();

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
const header = [
  'text',
  'profile',
  'preset',
  'font',
  'page px',
  'pages',
  'ratio',
  'read-back',
  'variant-insens.',
  'resized down',
];
const table = rows.map((r) => [
  r.text,
  r.profile,
  r.preset,
  r.font,
  r.page,
  String(r.pages),
  `${r.ratio.toFixed(2)}×`,
  pct(r.strict),
  pct(r.folded),
  r.resizedDown,
]);
console.log(
  `bench:fit — ${SAMPLE} lines read per render at the model's resolution (${recognizer.device}); floors ${DEFAULT_READBACK_FLOOR.latin} Latin (strict), ${DEFAULT_READBACK_FLOOR.cjk} CJK (variant-insensitive)`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of table) console.log(`| ${r.join(' | ')} |`);
console.log('fit searches:');
for (const f of fits) console.log(f);
