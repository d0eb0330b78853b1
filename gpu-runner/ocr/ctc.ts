/**
 * CTC greedy decoding for PaddleOCR recognizers: take the best class at each time step, merge
 * repeats, drop blanks. Class 0 is the CTC blank; classes 1..K are the dictionary lines in
 * order; PP-OCRv4 is trained with `use_space_char=True`, which appends one more class, a space,
 * after the dictionary (so the model has K + 2 outputs). A dictionary that already lists the
 * space, or a model trained without it, has K + 1; {@link classTable} accepts both.
 */
import fs from 'node:fs';

/** One decoded line. */
export interface Decoded {
  /** The text, with spaces at either end removed (they cannot be seen on a line crop). */
  text: string;
  /**
   * Mean probability of the chosen class over the emitted characters (PaddleOCR's score). For an
   * empty result it is the mean blank probability instead: how sure the model is the line is empty.
   */
  confidence: number;
}

/** Reads a PaddleOCR dictionary: one character per line, kept as is (a line may be a space). */
export function readKeys(path: string): string[] {
  const text = fs.readFileSync(path, 'utf8');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  // A final newline ends the last entry; it does not add an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Class index → string for a model with `numClasses` outputs: `''` (blank), the keys, and a space when the model has one. */
export function classTable(keys: readonly string[], numClasses: number): string[] {
  if (numClasses === keys.length + 2) return ['', ...keys, ' '];
  if (numClasses === keys.length + 1) return ['', ...keys];
  throw new RangeError(
    `recognizer has ${numClasses} classes but the dictionary has ${keys.length} entries ` +
      `(expected ${keys.length + 1} or ${keys.length + 2}): wrong keys file for this model?`,
  );
}

/**
 * Greedy-decodes one batch row of `[N, steps, classes]` probabilities starting at `offset`.
 * Expects probabilities (PaddleOCR exports end in softmax), which the confidence relies on.
 */
export function ctcGreedyDecode(probs: Float32Array, offset: number, steps: number, table: readonly string[]): Decoded {
  const C = table.length;
  let text = '';
  let prev = -1;
  let sum = 0;
  let count = 0;
  let blankSum = 0;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * C;
    let best = 0;
    let bestP = probs[row];
    for (let c = 1; c < C; c++) {
      const p = probs[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    blankSum += probs[row];
    if (best !== 0 && best !== prev) {
      text += table[best];
      sum += bestP;
      count++;
    }
    prev = best;
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) return { text: '', confidence: steps > 0 ? blankSum / steps : 0 };
  return { text: trimmed, confidence: sum / count };
}
