import sharp from 'sharp';
import type { RawPage } from './types.ts';

/**
 * zlib level for page PNGs. Measured on the English novel's pages (2-core machine): level 4 with
 * no row filter takes ~3.6 ms a page for ~79 KB; level 6 ~6 ms for 77 KB; level 9 ~29 ms for
 * 66 KB. Adaptive row filters make anti-aliased text both larger (~98 KB) and slower.
 */
export const PNG_COMPRESSION_LEVEL = 4;

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
  if (info.channels !== 1 && info.channels !== 3) throw new Error(`decodePng: expected 1 or 3 channels, got ${info.channels}`);
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
