/**
 * Texts the tokenizer tests count: short samples in several scripts, and long texts (over the
 * 65 536-character piece size) whose count cut into pieces must equal the count of the whole.
 */
import { readFileSync } from 'node:fs';

/** Short texts: English, Chinese, emoji, whitespace runs, a literal special-token string. */
export const SAMPLES: readonly string[] = [
  'hello world',
  'The quick brown fox jumps over the lazy dog.',
  'It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.',
  '你好，世界',
  '道可道，非常道；名可名，非常名。無名天地之始，有名萬物之母。',
  '👋🌍 emoji 🎉🎉 and a family: 👨‍👩‍👧‍👦',
  '  indented\n\n\n  lines\r\nwith CRLF\tand tabs  \n',
  'Ünïcödé café naïve ﬁ ligature ①②③ ＦＵＬＬＷＩＤＴＨ',
  '<|endoftext|> and <bos> as plain text',
];

/** The first `chars` characters of Pride and Prejudice (public domain, test/fixtures). */
export function novel(chars: number): string {
  return readFileSync(new URL('../fixtures/texts/pride_and_prejudice.txt', import.meta.url), 'utf8').slice(0, chars);
}

/**
 * A long text of lines in several scripts with every kind of line break the cutting rules must
 * get right: lone breaks, blank lines, indents, trailing spaces, CRLF, breaks between CJK, and
 * Gemma's one token with an inner space (">▁</").
 */
export function mixedText(lines: number): string {
  const parts = [
    'Plain prose line that goes on for a while, as hard-wrapped text does',
    '    an indented line of code();',
    '中文的一行，没有空格也能分词。',
    'trailing spaces   ',
    '',
    '\tTabbed 👋 emoji line',
    '繁體中文：聖人不仁，以百姓為芻狗。',
    'numbers 12345 67890 and symbols -- ... !!!',
    'markup <p>a paragraph</p> <b> </b> and   runs   of    spaces',
  ];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(parts[i % parts.length]! + (i % 5 === 0 ? '\r' : ''));
  return out.join('\n');
}
