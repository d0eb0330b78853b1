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
