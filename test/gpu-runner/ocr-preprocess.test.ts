import { describe, expect, it } from 'vitest';
import { cropGray, cropRect, scaledWidth, writeNormalized } from '../../gpu-runner/ocr/preprocess.ts';
import type { RawPage } from '../../gpu-runner/render/types.ts';

function grayPage(width: number, height: number, f: (x: number, y: number) => number): RawPage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, channels: 1, data };
}

describe('cropRect / cropGray', () => {
  it('pads the box and clamps it to the page', () => {
    const page = { width: 10, height: 8 };
    expect(cropRect(page, { x: 2, y: 2, width: 4, height: 3 }, 1)).toEqual({ x: 1, y: 1, width: 6, height: 5 });
    expect(cropRect(page, { x: 0, y: 6, width: 10, height: 2 }, 2)).toEqual({ x: 0, y: 4, width: 10, height: 4 });
  });

  it('rounds fractional boxes outwards', () => {
    expect(cropRect({ width: 10, height: 10 }, { x: 1.5, y: 1.2, width: 2, height: 2 }, 0)).toEqual({
      x: 1,
      y: 1,
      width: 3,
      height: 3,
    });
  });

  it('refuses a box outside the page', () => {
    expect(() => cropRect({ width: 10, height: 10 }, { x: 20, y: 0, width: 5, height: 5 }, 1)).toThrow(RangeError);
  });

  it('copies gray pixels and converts RGB with luma weights', () => {
    const gray = grayPage(4, 3, (x, y) => 10 * y + x);
    expect(Array.from(cropGray(gray, { x: 1, y: 1, width: 2, height: 1 }, 0).data)).toEqual([11, 12]);
    const rgb: RawPage = { width: 2, height: 1, channels: 3, data: Uint8Array.from([255, 0, 0, 255, 255, 255]) };
    const c = cropGray(rgb, { x: 0, y: 0, width: 2, height: 1 }, 0);
    expect(c.data[0]).toBe(76); // (77 × 255) >> 8
    expect(c.data[1]).toBe(255);
  });

  it('refuses a page whose data is too short', () => {
    const bad: RawPage = { width: 4, height: 4, channels: 1, data: new Uint8Array(3) };
    expect(() => cropGray(bad, { x: 0, y: 0, width: 1, height: 1 }, 0)).toThrow(/3 bytes/);
  });
});

describe('writeNormalized', () => {
  it('keeps the aspect ratio when scaling', () => {
    expect(scaledWidth(100, 10, 48)).toBe(480);
    expect(scaledWidth(101, 10, 48)).toBe(485); // rounds up, as PaddleOCR does
  });

  it('maps 0 → −1 and 255 → 1, pads with 0 and fills every channel', () => {
    const img = { width: 2, height: 1, data: Uint8Array.from([0, 255]) };
    const H = 2;
    const W = 6;
    const data = new Float32Array(2 * 3 * H * W).fill(9);
    writeNormalized(img, 4, { data, index: 1, channels: 3, height: H, batchWidth: W });
    const row = (c: number, y: number) =>
      Array.from(data.subarray((1 * 3 + c) * H * W + y * W, (1 * 3 + c) * H * W + (y + 1) * W));
    // Half-pixel bilinear 2 → 4: edge pixels copy, inner pixels blend 1/4 and 3/4.
    const expected = [-1, -0.5, 0.5, 1, 0, 0];
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < H; y++) row(c, y).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    // Row 0 of the batch is untouched.
    expect(data[0]).toBe(9);
  });

  it('refuses a line wider than the batch', () => {
    const img = { width: 1, height: 1, data: new Uint8Array(1) };
    expect(() =>
      writeNormalized(img, 5, { data: new Float32Array(12), index: 0, channels: 1, height: 3, batchWidth: 4 }),
    ).toThrow(RangeError);
  });
});
