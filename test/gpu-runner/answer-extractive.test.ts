/**
 * The extractive answerer cites the right page and line. Render-free: layouts come from
 * `planPages` (no painting), and each expected line is found by locating a distinctive phrase's
 * offset in the text and the layout line whose source range holds it.
 */
import { describe, expect, it } from 'vitest';
import type { ManifestLine } from '../../protocol/runner-api.ts';
import { planPages } from '../../gpu-runner/render/index.ts';
import { ExtractiveBackend, NO_MATCH_ANSWER } from '../../gpu-runner/answer/extractive.ts';
import type { AnswerEvent, AnswerInput } from '../../gpu-runner/answer/backend.ts';
import { Bm25Index } from '../../gpu-runner/answer/bm25.ts';
import { tokenize } from '../../gpu-runner/answer/tokenize.ts';
import { config, fixture } from './render-helpers.ts';

/** The manifest's layout map (1-based pages) of `text` under `preset`, without painting. */
function layoutOf(text: string, preset: string): ManifestLine[] {
  return planPages(text, config({}, preset)).pages.flatMap((p) => p.lines.map((l) => ({ ...l, page: l.page + 1 })));
}

/** Page and line of the layout line holding the first occurrence of `phrase` (which must be unique). */
function lineOf(text: string, layout: ManifestLine[], phrase: string): { page: number; line: number } {
  const at = text.indexOf(phrase);
  expect(at, `fixture holds "${phrase}"`).toBeGreaterThanOrEqual(0);
  expect(text.indexOf(phrase, at + 1), `"${phrase}" is unique`).toBe(-1);
  const hit = layout.find((l) => l.start <= at && at < l.end);
  expect(hit, `a layout line holds "${phrase}"`).toBeDefined();
  return { page: hit!.page, line: hit!.line };
}

const backend = new ExtractiveBackend();
const input = (question: string, text: string, layout: ManifestLine[]): AnswerInput => ({
  question,
  text,
  layout,
  pages: () => {
    throw new Error('the extractive answerer must not render pages');
  },
});

/** Asks each question and checks that a citation names the line holding its phrase. */
async function expectCites(text: string, layout: ManifestLine[], cases: Array<[question: string, phrase: string]>) {
  for (const [question, phrase] of cases) {
    const expected = lineOf(text, layout, phrase);
    const response = await backend.answer(input(question, text, layout));
    expect(response.answerer).toBe('extractive');
    expect(
      response.citations.map(({ page, line }) => ({ page, line })),
      question,
    ).toContainEqual(expected);
    const cited = response.citations.find((c) => c.page === expected.page && c.line === expected.line)!;
    // The citation's text is that line of the source, whitespace folded, and lies inside the answer.
    const source = layout.find((l) => l.page === expected.page && l.line === expected.line)!;
    expect(cited.text).toBe(text.slice(source.start, source.end).replace(/\s+/g, ' ').trim());
    expect(response.answer).toContain(cited.text);
  }
}

describe('extractive answers', () => {
  it('cites the line that answers, in Little Red Riding Hood (glyph-en)', async () => {
    const text = fixture('glyph/input.txt');
    await expectCites(text, layoutOf(text, 'glyph-en'), [
      ['What color was the butterfly?', 'A yellow butterfly'],
      ['What did the hunter stop to ask for?', 'glass of water'],
      ['Where did she lay her basket when she saw the strawberries?', 'laying her basket'],
      ['Who swallowed the old lady?', 'swallowed the old lady'],
    ]);
  });

  it('cites the right page and line in a 185-page novel (Pride and Prejudice, glyph-en)', async () => {
    const text = fixture('texts/pride_and_prejudice.txt');
    const layout = layoutOf(text, 'glyph-en');
    expect(new Set(layout.map((l) => l.page)).size).toBeGreaterThan(100);
    await expectCites(text, layout, [
      ['Which truth is universally acknowledged about a single man?', 'truth universally acknowledged'],
      ['Who is tolerable, but not handsome enough to tempt him?', 'handsome enough to tempt'],
      ['How ardently does Darcy admire and love Elizabeth?', 'how ardently I admire'],
      ['What unhappy alternative is before Elizabeth?', 'unhappy alternative'],
    ]);
  });

  it('cites the right line of a Chinese technical note (glyph-zh)', async () => {
    const text = fixture('texts/vlm-rendering-notes-zh.txt');
    await expectCites(text, layoutOf(text, 'glyph-zh'), [
      ['抽取式回答用什么为每一行计算相关度?', '用 BM25 为每一行计算相关度'],
      ['runner 会拒绝时钟偏差超过多少秒的请求?', '拒绝时钟偏差超过六十秒'],
      ['中文字体的子集文件注册到哪里?', '注册到同一个字体族名下'],
    ]);
  });

  it('says so, with no citations, when nothing matches', async () => {
    const text = fixture('glyph/input.txt');
    const layout = layoutOf(text, 'glyph-en');
    for (const question of ['zyzzyva quokka?', 'What is it?', '?', '']) {
      expect(await backend.answer(input(question, text, layout))).toEqual({
        answer: NO_MATCH_ANSWER,
        answerer: 'extractive',
        citations: [],
      });
    }
    expect((await backend.answer(input('wolf', text, []))).citations).toEqual([]);
  });

  it('streams one delta with the whole answer, then done', async () => {
    const text = fixture('glyph/input.txt');
    const layout = layoutOf(text, 'glyph-en');
    const events: AnswerEvent[] = [];
    for await (const event of backend.stream(input('What color was the butterfly?', text, layout))) events.push(event);
    const whole = await backend.answer(input('What color was the butterfly?', text, layout));
    expect(events).toEqual([
      { type: 'delta', text: whole.answer },
      { type: 'done', response: whole },
    ]);
  });

  it('stops when the request is already aborted', async () => {
    const text = fixture('glyph/input.txt');
    const signal = AbortSignal.abort(new Error('client gone'));
    await expect(backend.answer({ ...input('wolf', text, layoutOf(text, 'glyph-en')), signal })).rejects.toThrow(
      'client gone',
    );
  });
});

describe('tokenize', () => {
  it('lowercases English, drops stopwords and single letters, folds common suffixes', () => {
    expect(tokenize("What did she pick? She PICKED strawberries at Grandma's.")).toEqual([
      'pick',
      'pick',
      'strawberry',
      'grandma',
    ]);
  });

  it('splits CJK into unigrams and bigrams, keeps Latin words inside Chinese apart, folds full-width forms', () => {
    expect(tokenize('用Glyph压缩')).toEqual(['用', 'glyph', '压', '压缩', '缩']);
    expect(tokenize('ＧＬＹＰＨ２')).toEqual(['glyph2']);
    expect(tokenize('是什么')).toEqual([]); // question scaffolding only
  });
});

describe('Bm25Index', () => {
  it('ranks rarer and denser matches higher, normalizes by length, ignores absent terms', () => {
    const index = new Bm25Index([
      ['wolf', 'forest', 'path'],
      ['wolf', 'grandma'],
      ['basket', 'cake', 'cake', 'cake'],
      ['wolf', 'wolf', 'grandma', 'bed', 'hat', 'dress', 'room', 'lady'],
    ]);
    expect(index.top(['grandma', 'wolf'], 4).map((h) => h.doc)).toEqual([1, 3, 0]);
    expect(index.idf('basket')).toBeGreaterThan(index.idf('wolf'));
    expect(index.idf('wolf')).toBeGreaterThan(0); // positive even for a term in most documents
    expect(index.top(['unicorn'], 3)).toEqual([]);
    expect(index.top(['cake', 'cake'], 1)[0].score).toBeCloseTo(index.top(['cake'], 1)[0].score); // query terms count once
  });
});
