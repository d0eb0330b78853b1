import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classTable, ctcGreedyDecode, readKeys } from '../../gpu-runner/ocr/ctc.ts';

/** Builds a [1, steps, classes] probability tensor where step t puts `p` on class `path[t]`. */
function probs(path: number[], classes: number, p = 0.9): Float32Array {
  const out = new Float32Array(path.length * classes).fill((1 - p) / (classes - 1));
  path.forEach((c, t) => (out[t * classes + c] = p));
  return out;
}

describe('readKeys', () => {
  it('keeps one entry per line, tolerates CRLF and a final newline, keeps a space entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keys-'));
    const file = path.join(dir, 'keys.txt');
    fs.writeFileSync(file, 'a\r\nb\n \n中\n');
    expect(readKeys(file)).toEqual(['a', 'b', ' ', '中']);
    fs.writeFileSync(file, 'a\nb');
    expect(readKeys(file)).toEqual(['a', 'b']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('classTable', () => {
  const keys = ['a', 'b', 'c'];
  it('adds blank first and the space class last for use_space_char models (K + 2)', () => {
    expect(classTable(keys, 5)).toEqual(['', 'a', 'b', 'c', ' ']);
  });
  it('adds only the blank when the model has K + 1 classes', () => {
    expect(classTable(keys, 4)).toEqual(['', 'a', 'b', 'c']);
  });
  it('refuses a dictionary that does not fit the model', () => {
    expect(() => classTable(keys, 9)).toThrow(/9 classes .* 3 entries/);
  });
});

describe('ctcGreedyDecode', () => {
  const table = ['', 'h', 'e', 'l', 'o', ' '];
  it('merges repeats, drops blanks, and keeps a letter repeated across a blank', () => {
    // h h e _ l l _ l o  → "hello"
    const p = probs([1, 1, 2, 0, 3, 3, 0, 3, 4], table.length);
    const d = ctcGreedyDecode(p, 0, 9, table);
    expect(d.text).toBe('hello');
    expect(d.confidence).toBeCloseTo(0.9);
  });

  it('decodes the right row of a batch', () => {
    const a = probs([1, 0, 2], table.length);
    const b = probs([4, 5, 4], table.length);
    const both = new Float32Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    expect(ctcGreedyDecode(both, a.length, 3, table).text).toBe('o o');
  });

  it('trims spaces at the ends of a line', () => {
    expect(ctcGreedyDecode(probs([5, 1, 5, 2, 5], table.length), 0, 5, table).text).toBe('h e');
  });

  it('gives an empty line the mean blank probability as confidence', () => {
    const d = ctcGreedyDecode(probs([0, 0, 0], table.length, 0.8), 0, 3, table);
    expect(d).toEqual({ text: '', confidence: expect.closeTo(0.8, 5) });
  });
});
