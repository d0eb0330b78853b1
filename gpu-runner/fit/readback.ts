/**
 * Read-back of one candidate setting: the calibration text of the script laid out on the
 * profile's page, its first page painted, resized as the model's preprocessing resizes it (its
 * `modelView`; none where the vendor publishes no rule), and an even sample of its lines read by
 * the OCR recognizer at that resolution. Strict character accuracy for Latin text; for CJK the
 * variant-insensitive figure (the recognizer's dictionary lacks many traditional forms).
 */
import sharp from 'sharp';
import { modelView, type ProfileName } from '../../protocol/profiles.ts';
import type { RenderConfig, TextScript } from '../../protocol/render-config.ts';
import { expectedLineText } from '../decode/expected-text.ts';
import { aggregateAccuracy } from '../ocr/accuracy.ts';
import type { LineImage } from '../ocr/recognizer.ts';
import { planPages, paintPlan, type LayoutLine, type RawPage } from '../render/index.ts';
import { calibrationText } from './calibration-texts.ts';

/** Reads line images; the fit search's only use of the OCR model (tests count its calls). */
export type LineReader = (lines: LineImage[]) => Promise<string[]>;

/** Lines read per candidate: enough characters (~2 000 Latin) to tell 0.99 from 0.98. */
export const SAMPLE_LINES = 24;

/** What one candidate read back. */
export interface CandidateReadback {
  readback: number;
  /** Characters compared. */
  chars: number;
  /** Whether the model scales this page down. */
  resizedDown: boolean;
}

/** Options of {@link candidateReadback}. */
export interface CandidateReadbackOptions {
  config: RenderConfig;
  profile: ProfileName;
  script: TextScript;
  read: LineReader;
  /** Lines to read (default {@link SAMPLE_LINES}). */
  sampleLines?: number;
}

/** The read-back of one setting; see the module comment. */
export async function candidateReadback(options: CandidateReadbackOptions): Promise<CandidateReadback> {
  const { config, profile, script } = options;
  const text = calibrationText(script);
  const plan = planPages(text, config);
  const first = plan.pages[0];
  if (!first) throw new Error('fit: the calibration text drew no page');
  const lines = evenSample(
    first.lines.filter((l) => expectedLineText(text, l.start, l.end, config).trim() !== ''),
    options.sampleLines ?? SAMPLE_LINES,
  );
  let page: RawPage | undefined;
  for await (const painted of paintPlan([first], config, { output: 'raw' })) page = painted.raw;
  if (!page) throw new Error('fit: the calibration page was not painted');
  const view = modelView(profile, page.width, page.height);
  const seen =
    view && (view.size.width !== page.width || view.size.height !== page.height) ? await resize(page, view.size) : page;
  const sx = seen.width / page.width;
  const sy = seen.height / page.height;
  const images: LineImage[] = lines.map((l) => ({
    page: seen,
    box: { x: l.box.x * sx, y: l.box.y * sy, width: l.box.width * sx, height: l.box.height * sy },
  }));
  const got = await options.read(images);
  const pairs = lines.map((l, i) => ({ expected: expectedLineText(text, l.start, l.end, config), got: got[i] ?? '' }));
  const score = aggregateAccuracy(pairs, { normalize: true, foldVariants: script === 'cjk' });
  return { readback: score.accuracy, chars: score.length, resizedDown: view?.resizedDown ?? false };
}

/** `want` lines spread evenly over `lines` (all of them when there are fewer). */
export function evenSample(lines: LayoutLine[], want: number): LayoutLine[] {
  const n = Math.min(want, lines.length);
  return Array.from({ length: n }, (_, i) => lines[Math.floor(((i + 0.5) * lines.length) / n)]!);
}

/** The page as the model sees it: resampled to `size` (bicubic, as the Qwen and GLM processors resample). */
export async function resize(page: RawPage, size: { width: number; height: number }): Promise<RawPage> {
  const { data, info } = await sharp(page.data, {
    raw: { width: page.width, height: page.height, channels: page.channels },
  })
    .resize(size.width, size.height, { fit: 'fill', kernel: 'cubic' })
    // libvips may hand a gray page back as RGB: keep the page's own channel count.
    .toColourspace(page.channels === 1 ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: page.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
