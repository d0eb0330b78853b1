/**
 * The searchable form of one document: its layout lines with their text and terms, a BM25 index
 * over lines (citations, page selection) and one over passages (extractive answers).
 */
import type { ManifestLine } from '../../protocol/runner-api.ts';
import { Bm25Index } from './bm25.ts';
import { tokenize } from './tokenize.ts';

/** Lines per passage. Three Glyph lines hold about a sentence or two: enough to answer, short enough to cite. */
export const PASSAGE_LINES = 3;

/** A layout line with what search needs. */
export interface IndexedLine {
  /** Page, 1-based (as in the manifest). */
  page: number;
  /** Row on the page, 0-based. */
  line: number;
  /** Source range [start, end) in the original text. */
  start: number;
  end: number;
  /** The line's text with whitespace folded (what a citation shows). */
  text: string;
  /** BM25 terms of the line. */
  terms: string[];
}

/** A window of consecutive lines of one page: `lines[first..last]` (inclusive) of the index. */
export interface Passage {
  first: number;
  last: number;
}

/** Collapses runs of whitespace (newlines, tabs, NBSP) to one space and trims. */
export function foldWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** Lines, passages and their BM25 indexes for one (text, layout) pair. */
export class DocumentIndex {
  /** The layout's lines in reading order. */
  readonly lines: IndexedLine[];
  /** BM25 over single lines. */
  readonly lineIndex: Bm25Index;
  private passageCache?: { passages: Passage[]; index: Bm25Index };

  constructor(
    /** The document the layout was made from. */
    readonly text: string,
    layout: readonly ManifestLine[],
  ) {
    const ordered = isReadingOrder(layout) ? layout : [...layout].sort((a, b) => a.page - b.page || a.line - b.line);
    this.lines = ordered.map(({ page, line, start, end }) => {
      const raw = text.slice(start, end);
      return { page, line, start, end, text: foldWhitespace(raw), terms: tokenize(raw) };
    });
    this.lineIndex = new Bm25Index(this.lines.map((l) => l.terms));
  }

  /**
   * Passages: every window of {@link PASSAGE_LINES} consecutive lines on a page, at stride 1
   * (a page shorter than that is one passage). Stride 1 rather than 2 so that whatever two
   * lines an answer straddles, some window holds both; it costs ~3× the terms of the line index,
   * which is still only a few MB for a novel. Windows never cross a page, so a passage's
   * citations all point into one image. Built on first use: only the extractive answerer needs it.
   */
  get passages(): Passage[] {
    return this.passageData().passages;
  }

  /** BM25 over {@link passages}. */
  get passageIndex(): Bm25Index {
    return this.passageData().index;
  }

  /** The source text of lines `first..last`, whitespace folded (keeps the text's own spacing, which matters for CJK). */
  sourceOf(first: number, last: number): string {
    return foldWhitespace(this.text.slice(this.lines[first].start, this.lines[last].end));
  }

  private passageData(): { passages: Passage[]; index: Bm25Index } {
    if (this.passageCache) return this.passageCache;
    const passages: Passage[] = [];
    const lines = this.lines;
    for (let pageStart = 0; pageStart < lines.length; ) {
      let pageEnd = pageStart;
      while (pageEnd + 1 < lines.length && lines[pageEnd + 1].page === lines[pageStart].page) pageEnd++;
      const count = pageEnd - pageStart + 1;
      if (count <= PASSAGE_LINES) passages.push({ first: pageStart, last: pageEnd });
      else
        for (let i = pageStart; i + PASSAGE_LINES - 1 <= pageEnd; i++)
          passages.push({ first: i, last: i + PASSAGE_LINES - 1 });
      pageStart = pageEnd + 1;
    }
    const docs = passages.map(({ first, last }) => lines.slice(first, last + 1).flatMap((l) => l.terms));
    this.passageCache = { passages, index: new Bm25Index(docs) };
    return this.passageCache;
  }
}

function isReadingOrder(layout: readonly ManifestLine[]): boolean {
  for (let i = 1; i < layout.length; i++) {
    const a = layout[i - 1];
    const b = layout[i];
    if (b.page < a.page || (b.page === a.page && b.line <= a.line)) return false;
  }
  return true;
}

/**
 * Indexes of recent documents, keyed by the layout array: the service keeps a document's layout
 * in its cache, so follow-up questions on the same document reuse the index instead of
 * re-tokenizing a novel. A WeakMap, so an index lives exactly as long as its layout does.
 */
const indexes = new WeakMap<readonly ManifestLine[], DocumentIndex>();

/** The index of (text, layout), reused while the same layout array is passed with the same text. */
export function documentIndex(text: string, layout: readonly ManifestLine[]): DocumentIndex {
  const cached = indexes.get(layout);
  if (cached && cached.text === text) return cached;
  const index = new DocumentIndex(text, layout);
  indexes.set(layout, index);
  return index;
}
