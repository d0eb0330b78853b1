import sharp from 'sharp';
import type { RawPage } from './types.ts';

/**
 * zlib level for page PNGs. Text pages are mostly background, so level 3 is within a few percent
 * of level 9 in size at a fraction of the time (measured by `npm run bench:render`).
 */
export const PNG_COMPRESSION_LEVEL = 3;

/**
 * Encodes raw page pixels as an 8-bit grayscale (or RGB) PNG. sharp (libvips) runs the encode on
 * libuv's thread pool, so encodes overlap each other and the painting on the main thread.
 */
export async function encodePng(page: RawPage, level = PNG_COMPRESSION_LEVEL): Promise<Buffer> {
  return sharp(page.data, { raw: { width: page.width, height: page.height, channels: page.channels } })
    .png({ compressionLevel: level, adaptiveFiltering: true })
    .toBuffer();
}
