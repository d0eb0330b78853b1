/**
 * Renders one known line of text into a small page, the way the renderer paints lines (black on
 * white, box from ascender to descender). Used for the OCR self-check at start-up, the OCR tests
 * and `measure.ts`; it is not the product renderer (gpu-runner/render/ is).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { GlobalFonts, createCanvas } from '@napi-rs/canvas';
import type { PixelBox, RawPage } from '../render/types.ts';

/** Family names the sample fonts are registered under. */
export const SAMPLE_FAMILIES = { latin: 'DejaVu Sans', cjk: 'Noto Sans SC' } as const;

/** Options for {@link renderSampleLine}. */
export interface SampleLineOptions {
  /** CSS font family list. Default `"DejaVu Sans", "Noto Sans SC"`. */
  family?: string;
  /** Font size in pixels. Default 9 (9 pt at 72 dpi, the Glyph preset). */
  sizePx?: number;
  /** Background around the line box, in pixels, as a page would have. Default 4. */
  margin?: number;
  /** Page channels. Default 1 (gray). */
  channels?: 1 | 3;
}

/** A rendered line: the page and the box of the line on it. */
export interface SampleLine {
  page: RawPage;
  box: PixelBox;
}

let registered = false;

/** Registers DejaVu Sans and every Noto Sans SC 400 subset (once per process). */
export function registerSampleFonts(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  const dejavu = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf', 'DejaVuSans.ttf');
  if (!GlobalFonts.registerFromPath(dejavu, SAMPLE_FAMILIES.latin)) throw new Error(`cannot register ${dejavu}`);
  // @fontsource's exports map hides package.json; its files/ folder sits next to index.css.
  const notoDir = path.join(path.dirname(require.resolve('@fontsource/noto-sans-sc')), 'files');
  // Fontsource splits CJK into ~100 unicode-range subsets; registering all under one family
  // lets Skia pick the subset that has each glyph.
  for (const f of fs.readdirSync(notoDir)) {
    if (f.endsWith('-400-normal.woff2')) GlobalFonts.registerFromPath(path.join(notoDir, f), SAMPLE_FAMILIES.cjk);
  }
  registered = true;
}

/** Renders `text` black on white and returns the page and the line's ascender-to-descender box. */
export function renderSampleLine(text: string, options: SampleLineOptions = {}): SampleLine {
  registerSampleFonts();
  const family = options.family ?? `"${SAMPLE_FAMILIES.latin}", "${SAMPLE_FAMILIES.cjk}"`;
  const size = options.sizePx ?? 9;
  const margin = options.margin ?? 4;
  const font = `${size}px ${family}`;

  const probe = createCanvas(1, 1).getContext('2d');
  probe.font = font;
  const m = probe.measureText(text);
  const ascent = Math.ceil(m.fontBoundingBoxAscent);
  const descent = Math.ceil(m.fontBoundingBoxDescent);
  const box: PixelBox = { x: margin, y: margin, width: Math.max(1, Math.ceil(m.width)), height: ascent + descent };

  const width = box.width + 2 * margin;
  const height = box.height + 2 * margin;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = font;
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(text, box.x, box.y + ascent);

  const rgba = canvas.data();
  const channels = options.channels ?? 1;
  const data = new Uint8Array(width * height * channels);
  for (let i = 0, n = width * height; i < n; i++) {
    for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[i * 4 + c];
  }
  return { page: { width, height, channels, data }, box };
}

/** Public-domain English prose (Austen, *Pride and Prejudice*, ch. 1) for OCR checks and benchmarks. */
export const SAMPLE_PARAGRAPH =
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in ' +
  'want of a wife. However little known the feelings or views of such a man may be on his first entering a ' +
  'neighbourhood, this truth is so well fixed in the minds of the surrounding families, that he is considered ' +
  'the rightful property of some one or other of their daughters. "My dear Mr. Bennet," said his lady to him ' +
  'one day, "have you heard that Netherfield Park is let at last?" Mr. Bennet replied that he had not. "But it ' +
  'is," returned she; "for Mrs. Long has just been here, and she told me all about it." Mr. Bennet made no ' +
  'answer. "Do you not want to know who has taken it?" cried his wife impatiently. "You want to tell me, and I ' +
  'have no objection to hearing it." This was invitation enough. "Why, my dear, you must know, Mrs. Long says ' +
  'that Netherfield is taken by a young man of large fortune from the north of England; that he came down on ' +
  'Monday in a chaise and four to see the place, and was so much delighted with it, that he agreed with Mr. ' +
  'Morris immediately; that he is to take possession before Michaelmas, and some of his servants are to be in ' +
  'the house by the end of next week." "What is his name?" "Bingley." "Is he married or single?" "Oh! Single, ' +
  'my dear, to be sure! A single man of large fortune; four or five thousand a year. What a fine thing for our ' +
  'girls!"';

/** Options for {@link wrapSampleText}. */
export interface WrapOptions {
  /** Widest line in pixels. */
  maxWidth: number;
  /** Font size in pixels. Default 9. */
  sizePx?: number;
  /** CSS font family list. Default as {@link renderSampleLine}. */
  family?: string;
}

/** Greedy word wrap at `maxWidth` pixels, measured with the same font as {@link renderSampleLine}. */
export function wrapSampleText(text: string, options: WrapOptions): string[] {
  registerSampleFonts();
  const ctx = createCanvas(1, 1).getContext('2d');
  ctx.font = `${options.sizePx ?? 9}px ${options.family ?? `"${SAMPLE_FAMILIES.latin}", "${SAMPLE_FAMILIES.cjk}"`}`;
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (current && ctx.measureText(next).width > options.maxWidth) {
      lines.push(current);
      current = word;
    } else {
      current = next;
    }
  }
  if (current) lines.push(current);
  return lines;
}
