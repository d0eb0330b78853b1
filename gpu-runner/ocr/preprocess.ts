/**
 * Line crop → recognizer input, following PaddleOCR's `resize_norm_img`: scale to the model's
 * height keeping the aspect ratio (bilinear, OpenCV's half-pixel convention), normalize to
 * (x/255 − 0.5)/0.5, then right-pad to the batch width with 0 (mid-gray after normalization), as
 * PaddleOCR does. Padding with the paper colour instead looks more natural but reads worse: the
 * model was trained on zero padding and, padded with white, starts dropping spaces and letters
 * once the padding is long (measured on 9 px lines scaled to 810 px: white padding to 1700 px
 * 91.2 % char accuracy, zero padding 100 %).
 *
 * The resize is written by hand on the output tensor: the crop is tiny (≈ 15 × 500 px) and writing
 * straight into the Float32Array avoids two RGBA copies and a canvas round trip (measured on a
 * 2-core box, 1300 px output row: ~0.7 ms a line by hand vs ~1.5 ms through @napi-rs/canvas
 * putImageData + drawImage + data(); either is noise next to the ~50 ms model run).
 */
import type { PixelBox, RawPage } from '../render/types.ts';

/** An 8-bit gray image, row-major. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The crop rectangle of `box` grown by `pad` pixels on every side, rounded outwards and clamped to the page. */
export function cropRect(page: { width: number; height: number }, box: PixelBox, pad: number): PixelBox {
  // Round outwards so fractional boxes never cut a glyph edge.
  const x0 = clamp(Math.floor(box.x) - pad, 0, page.width);
  const y0 = clamp(Math.floor(box.y) - pad, 0, page.height);
  const x1 = clamp(Math.ceil(box.x + box.width) + pad, 0, page.width);
  const y1 = clamp(Math.ceil(box.y + box.height) + pad, 0, page.height);
  if (x1 <= x0 || y1 <= y0 || !Number.isFinite(x1 - x0) || !Number.isFinite(y1 - y0)) {
    throw new RangeError(`line box ${JSON.stringify(box)} lies outside the ${page.width}×${page.height} page`);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Crops `box` grown by `pad` pixels on every side (clamped to the page) and converts it to gray. */
export function cropGray(page: RawPage, box: PixelBox, pad: number): GrayImage {
  if (page.channels !== 1 && page.channels !== 3)
    throw new RangeError(`page channels must be 1 or 3, got ${String(page.channels)}`);
  if (page.data.length < page.width * page.height * page.channels) {
    throw new RangeError(
      `page data holds ${page.data.length} bytes, expected ${page.width * page.height * page.channels}`,
    );
  }
  const { x: x0, y: y0, width, height } = cropRect(page, box, pad);
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
 * of the row up to `batchWidth` with 0, and copies the plane into every channel.
 */
export function writeNormalized(img: GrayImage, width: number, slot: TensorSlot): void {
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
    data.fill(0, o + width, o + W);
  }
  for (let c = 1; c < channels; c++) data.copyWithin(base + c * plane, base, base + plane);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
