/**
 * Chinese character variants folded for a variant-insensitive read-back. PP-OCRv4's dictionary
 * (`ppocr_keys_v1.txt`) is mostly simplified, so on traditional text it often returns the
 * simplified form of a glyph it read correctly (婦隨 → 婦随, 謂 → 谓). Converting both sides to
 * one script before comparing tells "read the wrong character" from "wrote the right character
 * in the other script". The conversion is OpenCC's (through `opencc-js`): traditional →
 * simplified (mainland), which is many-to-one and so safe to apply to both sides, whereas
 * simplified → traditional is one-to-many (发 → 發 or 髮) and would invent differences.
 * Text that is already simplified, or not Chinese, comes back unchanged.
 */
import { Converter } from 'opencc-js/t2cn';

let toSimplified: ((text: string) => string) | undefined;

/** `text` with every traditional Chinese form replaced by its simplified one (OpenCC t → cn). */
export function foldChineseVariants(text: string): string {
  // Building the converter loads OpenCC's dictionaries (a few MB): only when first needed.
  toSimplified ??= Converter({ from: 't', to: 'cn' });
  return toSimplified(text);
}
