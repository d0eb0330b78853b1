/**
 * The OCR model as a shared service: one recognizer session behind one dynamic batcher, so line
 * crops from concurrent decode requests share model runs (grouped by width class). Items carry
 * their request's signal: a request that hit its deadline or lost its client has its lines
 * skipped at batch time instead of run for nobody.
 */
import type { PixelBox, RawPage } from '../render/index.ts';
import type { RunnerMetrics } from '../server/metrics.ts';
import { DynamicBatcher } from './batcher.ts';
import type { DeviceLabel, DeviceRequest } from './execution.ts';
import { LineRecognizer, type LineImage, type Recognition } from './recognizer.ts';

/** Options of {@link OcrService.load}. */
export interface OcrServiceOptions {
  /** `auto` (CUDA when it starts, else CPU), `cpu` or `cuda`. Default `auto`. */
  device?: DeviceRequest;
  /** Intra-op threads of the session (default: the recognizer's, `GLYPH_OCR_THREADS` or all cores). */
  threads?: number;
  /** Most lines in one model run. Default: the recognizer's `suggestedMaxBatch` (large on CUDA, small on CPU). */
  maxBatch?: number;
  /** Longest wait for company before a partial batch runs. Default 5 ms. */
  maxWaitMs?: number;
  /** Most lines waiting; more are refused with the batcher's QueueFullError (429). Default 8192. */
  maxQueue?: number;
  metrics?: RunnerMetrics;
}

interface Item {
  line: LineImage;
  signal?: AbortSignal;
}

const SKIPPED: Recognition = { text: '', confidence: 0 };

/** Shared, batched line recognition; see the module comment. */
export class OcrService {
  private constructor(
    /** The loaded recognizer (one ONNX session). */
    readonly recognizer: LineRecognizer,
    private readonly batcher: DynamicBatcher<Item, Recognition>,
  ) {}

  /** Loads the recognition model and starts the batcher. */
  static async load(options: OcrServiceOptions = {}): Promise<OcrService> {
    const recognizer = await LineRecognizer.load({ device: options.device ?? 'auto', threads: options.threads });
    const metrics = options.metrics;
    const batcher = new DynamicBatcher<Item, Recognition>({
      keyOf: (item) => recognizer.widthBucket(item.line),
      // On CPU a batch costs as much per line as single runs (see LineRecognizer.suggestedMaxBatch);
      // the batcher then still serializes runs, which beats concurrent runs fighting for the cores.
      maxBatch: options.maxBatch ?? recognizer.suggestedMaxBatch,
      maxWaitMs: options.maxWaitMs ?? 5,
      maxQueue: options.maxQueue ?? 8192,
      run: async (items) => {
        const live = items.filter((item) => !item.signal?.aborted);
        if (live.length === 0) return items.map(() => SKIPPED);
        metrics?.ocrBatchSize.observe(live.length);
        metrics?.ocrLines.inc(live.length);
        const read = await recognizer.recognize(live.map((item) => item.line));
        const byItem = new Map(live.map((item, i) => [item, read[i]!]));
        return items.map((item) => byItem.get(item) ?? SKIPPED);
      },
    });
    return new OcrService(recognizer, batcher);
  }

  /** Device the model runs on. */
  get device(): DeviceLabel {
    return this.recognizer.device;
  }

  /** Why `auto` fell back to CPU, when it did. */
  get fallbackReason(): string | undefined {
    return this.recognizer.execution.fallbackReason;
  }

  /** On CPU, why CUDA is not in use (asked for CPU, provider not installed, or its load error). */
  get cpuReason(): string | undefined {
    return this.recognizer.execution.cpuReason;
  }

  /** Lines waiting for a batch. */
  queued(): number {
    return this.batcher.stats().queued;
  }

  /** Reads one line through the shared batcher. Rejects with QueueFullError when the batcher is full. */
  read(line: LineImage, signal?: AbortSignal): Promise<Recognition> {
    return this.batcher.submit({ line, signal });
  }

  /** Frees the model session. */
  async close(): Promise<void> {
    await this.recognizer.release();
  }
}

/**
 * The strip of `page` around `box` (full width, `margin` rows above and below) as its own small
 * page, with the box moved onto it. A decode keeps crops, not pages, while lines wait for the
 * model: ~6 KB a line instead of ~500 KB a page. Full width keeps the recognizer's own
 * padding and clipping exactly as on the page.
 */
export function lineStrip(page: RawPage, box: PixelBox, margin = 8): LineImage {
  const top = Math.max(0, Math.floor(box.y) - margin);
  const bottom = Math.min(page.height, Math.ceil(box.y + box.height) + margin);
  const rowBytes = page.width * page.channels;
  const data = page.data.slice(top * rowBytes, bottom * rowBytes);
  return {
    page: { width: page.width, height: bottom - top, channels: page.channels, data },
    box: { ...box, y: box.y - top },
  };
}
