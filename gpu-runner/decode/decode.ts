/**
 * Decode: read rendered lines back with the OCR model and compare them with the source — the
 * check that a render is legible. Lines are sampled evenly over the whole document; only the pages
 * that hold a sampled line are read, as raw pixels: painted from the plan on a cache miss (no
 * second layout, no PNG round trip), decoded from the cached PNGs on a hit. Each line goes to the
 * shared OCR batcher as a small strip as soon as its page's pixels are there.
 */
import type { DecodeResponse, ManifestLine } from '../../protocol/runner-api.ts';
import { NoVisibleTextError } from '../errors.ts';
import { aggregateAccuracy } from '../ocr/accuracy.ts';
import type { Recognition } from '../ocr/recognizer.ts';
import { lineStrip, type OcrService } from '../ocr/service.ts';
import { abortable } from '../queue/abortable.ts';
import type { RawPage } from '../render/index.ts';
import type { RenderJob } from '../render-service/job.ts';
import { expectedLineText } from './expected-text.ts';

/** Lines sampled when a request does not say. */
export const DEFAULT_DECODE_SAMPLE = 200;

/** Options of {@link decodeDocument}. */
export interface DecodeDocumentOptions {
  job: RenderJob;
  ocr: OcrService;
  /** Lines to check; all of them when the document has fewer. */
  sample?: number;
  /** The document's layout map (from the cache, or from the planner's plan). */
  layout: readonly ManifestLine[];
  /** Raw pixels of the given 1-based pages, in that order (painted from the plan, or decoded from the cache). */
  pages: (numbers: number[]) => AsyncIterable<{ n: number; raw: RawPage }>;
  /** Deadline / client signal: honoured by the OCR batcher, and by the default `check`. */
  signal?: AbortSignal;
  /** Throws when the work must stop; called between steps and pages (the queue ticket's `check`). */
  check?: () => void;
}

/** `count` indexes spread evenly over `0..total-1` (the middle of each of `count` equal slices). */
export function sampleEvenly(total: number, count: number): number[] {
  const n = Math.min(total, count);
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 0.5) * total) / n));
}

/** Reads sampled lines of `job`'s render back and scores them; see the module comment. */
export async function decodeDocument(options: DecodeDocumentOptions): Promise<DecodeResponse> {
  const { job, ocr, signal } = options;
  const check = options.check ?? (() => signal?.throwIfAborted());
  const { layout } = options;
  check();
  if (layout.length === 0) throw new NoVisibleTextError();
  const sampled = sampleEvenly(layout.length, options.sample ?? DEFAULT_DECODE_SAMPLE).map((i) => layout[i]!);

  const byPage = new Map<number, ManifestLine[]>();
  for (const line of sampled) {
    const list = byPage.get(line.page);
    if (list) list.push(line);
    else byPage.set(line.page, [line]);
  }
  const reads: Array<Promise<Recognition>> = [];
  for await (const page of options.pages([...byPage.keys()])) {
    check();
    for (const line of byPage.get(page.n) ?? []) {
      const read = ocr.read(lineStrip(page.raw, line.box), signal);
      // Settled through Promise.all below; this keeps an early abort from leaving it unhandled.
      read.catch(() => {});
      reads.push(read);
    }
  }
  const got = await abortable(Promise.all(reads), signal);
  check();

  const lines = sampled.map((line, i) => ({
    page: line.page,
    line: line.line,
    expected: expectedLineText(job.text, line.start, line.end, job.config),
    got: got[i]!.text,
  }));
  return {
    charAccuracy: aggregateAccuracy(lines, { normalize: true }).accuracy,
    charAccuracyRaw: aggregateAccuracy(lines, { normalize: false }).accuracy,
    charAccuracyVariantInsensitive: aggregateAccuracy(lines, { normalize: true, foldVariants: true }).accuracy,
    linesChecked: lines.length,
    lines,
  };
}
