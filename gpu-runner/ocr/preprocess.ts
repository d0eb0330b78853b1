/**
 * Line crop → recognizer input, following PaddleOCR's `resize_norm_img`: scale to the model's
 * height keeping the aspect ratio (bilinear, OpenCV's half-pixel convention), normalize to
 * (x/255 − 0.5)/0.5, then right-pad to the batch width. Unlike PaddleOCR (which pads with 0, i.e.
 * mid-gray after normalization) we pad with the crop's own background level, so padding looks like
 * more empty line rather than a gray block the model might read as a character.
 *
 * The resize is written by hand on the output tensor: the crop is tiny (≈ 15 × 500 px) and writing
 * straight into the Float32Array avoids two RGBA copies and a canvas round trip (measured: ~0.3 ms
 * a line by hand vs ~1.5 ms through @napi-rs/canvas drawImage + data()).
 */
import type { PixelBox, RawPage } from '../render/types.ts';

/** An 8-bit gray image, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Crops `box` grown by `pad` pixels on every side (clamped to the page) and converts it to gray. */
export function cropGray(page: RawPage, box: PixelBox, pad: number): GrayImage {
  if (page.channels !== 1 && page.channels !== 3) throw new RangeError(`page channels must be 1 or 3, got ${String(page.channels)}`);
  if (page.data.length < page.width * page.height * page.channels) {
    throw new RangeError(`page data holds ${page.data.length} bytes, expected ${page.width * page.height * page.channels}`);
  }
  // Round outwards so fractional boxes never cut a glyph edge.
  const x0 = clamp(Math.floor(box.x) - pad, 0, page.width);
  const y0 = clamp(Math.floor(box.y) - pad, 0, page.height);
  const x1 = clamp(Math.ceil(box.x + box.width) + pad, 0, page.width);
  const y1 = clamp(Math.ceil(box.y + box.height) + pad, 0, page.height);
  const width = x1 - x0;
  const height = y1 - y0;
  if (width <= 0 || height <= 0) {
    throw new RangeError(`line box ${JSON.stringify(box)} lies outside the ${page.width}×${page.height} page`);
  }
  const data = new Uint8Array(width * height);
  const src = page.data;
  if (page.channels === 1) {
    for (let y = 0; y < height; y++) {
      const s = (y0 + y) * page.width + x0;
      data.set(src.subarray(s, s + width), y * width);
    }
  } else {
    for (let y = 0; y < height; y++) {
      let s = ((y0 + y) * page.width + x0) * 3;
      for (let x = 0, d = y * width; x < width; x++, d++, s += 3) {
        // BT.601 luma in integers: (77 R + 150 G + 29 B) / 256.
        data[d] = (77 * src[s] + 150 * src[s + 1] + 29 * src[s + 2]) >> 8;
      }
    }
  }
  return { width, height, data };
}

/** Most common value on the crop's outer ring of pixels: the paper colour around the line. */
export function backgroundLevel(img: GrayImage): number {
  const hist = new Uint32Array(256);
  const { width: w, height: h, data } = img;
  for (let x = 0; x < w; x++) {
    hist[data[x]]++;
    hist[data[(h - 1) * w + x]]++;
  }
  for (let y = 1; y < h - 1; y++) {
    hist[data[y * w]]++;
    hist[data[y * w + w - 1]]++;
  }
  let best = 255;
  for (let v = 0; v < 256; v++) if (hist[v] > hist[best]) best = v;
  return best;
}

/** Width after scaling a `width`×`height` crop to `targetHeight` (PaddleOCR rounds up). */
export function scaledWidth(width: number, height: number, targetHeight: number): number {
  return Math.max(1, Math.ceil((targetHeight * width) / height));
}

/** Where {@link writeNormalized} puts one line inside an NCHW batch tensor. */
export interface TensorSlot {
  /** The batch tensor data, `[N, channels, height, batchWidth]`. */
  data: Float32Array;
  /** Row of the batch (N index). */
  index: number;
  /** Channels of the model input (the gray plane is copied into each). */
  channels: number;
  /** Model input height. */
  height: number;
  /** Width every row of the batch is padded to. */
  batchWidth: number;
}

/**
 * Resizes `img` to `slot.height` × `width` (bilinear), normalizes into [−1, 1], fills the rest
 * of the row up to `batchWidth` with the normalized background, and copies the plane into every
 * channel.
 */
export function writeNormalized(img: GrayImage, width: number, background: number, slot: TensorSlot): void {
  const { data, index, channels, height: H, batchWidth: W } = slot;
  if (width > W) throw new RangeError(`line width ${width} exceeds batch width ${W}`);
  const plane = H * W;
  const base = index * channels * plane;
  const sw = img.width;
  const sh = img.height;
  const src = img.data;
  const k = 1 / 127.5; // (x/255 − 0.5)/0.5 = x/127.5 − 1

  // Column taps are the same for every row: compute them once.
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const fx = new Float32Array(width);
  const scaleX = sw / width;
  for (let x = 0; x < width; x++) {
    const s = Math.max(0, (x + 0.5) * scaleX - 0.5);
    const i = Math.min(Math.floor(s), sw - 1);
    xs0[x] = i;
    xs1[x] = Math.min(i + 1, sw - 1);
    fx[x] = s - i;
  }
  const scaleY = sh / H;
  const pad = background * k - 1;
  for (let y = 0; y < H; y++) {
    const s = Math.max(0, (y + 0.5) * scaleY - 0.5);
    const j = Math.min(Math.floor(s), sh - 1);
    const fy = s - j;
    const r0 = j * sw;
    const r1 = Math.min(j + 1, sh - 1) * sw;
    const o = base + y * W;
    for (let x = 0; x < width; x++) {
      const a = src[r0 + xs0[x]];
      const b = src[r0 + xs1[x]];
      const c = src[r1 + xs0[x]];
      const d = src[r1 + xs1[x]];
      const top = a + (b - a) * fx[x];
      const bottom = c + (d - c) * fx[x];
      data[o + x] = (top + (bottom - top) * fy) * k - 1;
    }
    data.fill(pad, o + width, o + W);
  }
  for (let c = 1; c < channels; c++) data.copyWithin(base + c * plane, base, base + plane);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
