/** Pixel rectangle on a page image: x, y of the top-left corner, in pixels. */
export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One laid-out line of text: where it is painted and which source characters it shows. */
export interface LayoutLine {
  /** 0-based page index. */
  page: number;
  /** 0-based line index within its page. */
  line: number;
  /** Box from the line's ascender to its descender, in page pixels. */
  box: PixelBox;
  /** Source range [start, end) in UTF-16 code units of the original input text. */
  start: number;
  end: number;
  /** Where a styled document's line comes from in its source: a 1-based line, or a PDF page. */
  source?: { line?: number; pdfPage?: number };
}

/** Raw page pixels: 8-bit grayscale (channels 1) or RGB (channels 3), row-major, no padding. */
export interface RawPage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}
