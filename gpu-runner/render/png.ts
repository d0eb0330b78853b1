import sharp from 'sharp';
import type { RawPage } from './types.ts';

/**
 * zlib level for page PNGs. Measured on the English novel's glyph-en pages (566 × 842 gray,
 * 2-core machine, one encode at a time): level 3 ~2.4 ms of CPU a page for ~40 KB; level 4
 * ~2.9 ms for 39 KB (4 and up switch zlib to its slower lazy matching, for 2 % smaller files);
 * level 6 ~4 ms for 38 KB. Adaptive row filters make anti-aliased text both larger and slower.
 */
export const PNG_COMPRESSION_LEVEL = 3;

// One libvips thread per image: a page is small, and libuv's pool already runs several encodes at
// once (the render's encode window), so more threads per image only add hand-offs. Measured on the
// novel: 5.7 ms of CPU a page in all, against 7.5 ms with libvips' default of one thread per core.
sharp.concurrency(1);

/**
 * Encodes raw page pixels as an 8-bit grayscale (or RGB) PNG. sharp (libvips) runs the encode on
 * libuv's thread pool, so encodes overlap each other and the painting on the main thread.
 */
export async function encodePng(page: RawPage, level = PNG_COMPRESSION_LEVEL): Promise<Buffer> {
  const image = sharp(page.data, { raw: { width: page.width, height: page.height, channels: page.channels } });
  // Without 'b-w' libvips interprets one-channel raw input as sRGB and writes an RGB PNG.
  return (page.channels === 1 ? image.toColourspace('b-w') : image)
    .png({ compressionLevel: level, adaptiveFiltering: false })
    .toBuffer();
}

/** Decodes a page PNG (as {@link encodePng} wrote it) back to raw pixels: 8-bit gray or RGB. */
export async function decodePng(png: Uint8Array): Promise<RawPage> {
  // Colour type 0 (byte 25 of the IHDR) is gray; libvips would hand it back as sRGB otherwise.
  const image = png[25] === 0 ? sharp(png).toColourspace('b-w') : sharp(png);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 && info.channels !== 3)
    throw new Error(`decodePng: expected 1 or 3 channels, got ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
