/**
 * Search tokens for the answer backends' BM25: English words and Chinese characters alike.
 *
 * Chinese has no spaces and we ship no word segmenter, so a run of CJK characters becomes its
 * unigrams plus its bigrams: unigrams give recall (a question's word may be split differently),
 * bigrams give precision (most Chinese words are two characters, and "模型" should outrank a line
 * that merely holds "模" and "型" apart). Latin-script words are lowercased, lightly suffix-folded
 * and stopword-filtered. Text is NFKC-normalized first, so full-width letters and digits (common
 * in Chinese text) match their ASCII forms.
 */

/** English function words that carry no topic; dropped from queries and documents alike. */
const ENGLISH_STOPWORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her him his how i if in into ' +
    'is it its me my no not of on or our she so than that the their them then there these they this those to ' +
    'us was we were what when where which who whom why will with would you your'
  ).split(' '),
);

/**
 * Chinese question scaffolding ("什么", "如何", …) and the commonest particles as unigrams: they
 * would otherwise make every question match every line that asks something.
 */
const CJK_STOPWORDS = new Set([
  '的',
  '了',
  '是',
  '在',
  '和',
  '与',
  '也',
  '就',
  '都',
  '而',
  '及',
  '或',
  '之',
  '其',
  '吗',
  '呢',
  '吧',
  '啊',
  '么',
  '什',
  '怎',
  '哪',
  '谁',
  '什么',
  '是什',
  '么是',
  '怎么',
  '怎样',
  '如何',
  '哪些',
  '哪个',
  '为什',
  '请问',
  '这个',
  '那个',
  '一个',
]);

/** Han ideographs, kana: scripts written without spaces. Hangul is space-delimited, so it is a "word" script. */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/**
 * Maximal runs of either CJK characters or other letters/digits (the lookahead keeps a Latin run
 * from swallowing the Han characters that follow it without a space: "Glyph提升").
 */
const TOKEN_RUN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}])[\p{L}\p{N}\p{M}])+/gu;

/**
 * Folds common English inflections so "picked" matches "pick" and "strawberries" "strawberry".
 * Deliberately tiny (not Porter): both sides of a match go through it, so it need only be
 * consistent, and being conservative keeps short words ("need", "was", "this") intact.
 */
function foldSuffix(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (word.endsWith('ing') && word.length >= 7) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length >= 6) return word.slice(0, -2);
  if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Splits text into BM25 terms: folded English words and CJK unigrams + bigrams, stopwords removed. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const normalized = text.normalize('NFKC').toLowerCase();
  for (const [run] of normalized.matchAll(TOKEN_RUN)) {
    if (CJK_CHAR.test(run[0])) {
      // A CJK run is code-point safe here: Han supplementary-plane characters are rare but real.
      const chars = Array.from(run);
      for (let i = 0; i < chars.length; i++) {
        if (!CJK_STOPWORDS.has(chars[i])) out.push(chars[i]);
        if (i + 1 < chars.length) {
          const bigram = chars[i] + chars[i + 1];
          if (!CJK_STOPWORDS.has(bigram)) out.push(bigram);
        }
      }
      continue;
    }
    // Single letters ("s" of "grandma's", "t" of "don't") are noise; single digits are kept.
    if (run.length === 1 && !/\d/.test(run)) continue;
    if (ENGLISH_STOPWORDS.has(run)) continue;
    out.push(foldSuffix(run));
  }
  return out;
}
