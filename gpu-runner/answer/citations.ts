/**
 * Citations for a model's free-text answer: each sentence and quoted span of the answer is
 * matched back to the layout line that BM25 ranks first for it. A model paraphrases, so a match
 * must share most of the span's words that the document has at all (the model's own words don't
 * count against it) and at least two of them — a single shared word is chance, not a source.
 */
import type { Citation } from '../../protocol/runner-api.ts';
import type { DocumentIndex } from './document-index.ts';
import { tokenize } from './tokenize.ts';

/** Options of {@link citeAnswer}. */
export interface CiteAnswerOptions {
  /** Most citations returned; default 3. */
  max?: number;
  /** Share of a span's known terms the cited line must hold; default 0.5. */
  minCoverage?: number;
}

/** Most spans looked up: bounds the work on a long answer (the first ones carry the substance). */
const MAX_SPANS = 32;

/** Lines of the document that the answer's sentences and quotes come from, in document order. */
export function citeAnswer(doc: DocumentIndex, answer: string, options: CiteAnswerOptions = {}): Citation[] {
  const max = options.max ?? 3;
  const minCoverage = options.minCoverage ?? 0.5;
  const best = new Map<number, number>(); // line index → best score
  for (const span of answerSpans(answer).slice(0, MAX_SPANS)) {
    const terms = [...new Set(tokenize(span))].filter((t) => doc.lineIndex.has(t));
    if (terms.length < 2) continue;
    const [hit] = doc.lineIndex.top(terms, 1);
    if (!hit) continue;
    const lineTerms = new Set(doc.lines[hit.doc].terms);
    const shared = terms.filter((t) => lineTerms.has(t)).length;
    if (shared < 2 || shared / terms.length < minCoverage) continue;
    best.set(hit.doc, Math.max(best.get(hit.doc) ?? 0, hit.score));
  }
  return [...best]
    .sort(([la, sa], [lb, sb]) => sb - sa || la - lb)
    .slice(0, max)
    .sort(([la], [lb]) => la - lb)
    .map(([i]) => {
      const { page, line, text } = doc.lines[i];
      return { page, line, text };
    });
}

/**
 * A quoted span: an opening quote, six or more characters, a closing quote. Opening quotes are kept
 * out of the span too: were they allowed, every "“" of an answer with no closing quote would scan
 * to its end and back (quadratic: 140 000 characters took 15 s); as is, each scan stops at the
 * next quote, so matching is linear.
 */
const QUOTED = /["“「『]([^"“”「」『』]{6,})["”」』]/gu;

/** Quoted spans (the model citing verbatim) first, then sentences. */
function answerSpans(answer: string): string[] {
  const quoted = [...answer.matchAll(QUOTED)].map((m) => m[1]);
  const sentences = answer.split(/(?<=[.!?;。！？；])\s*|\n+/u).filter((s) => s.trim().length > 0);
  return [...quoted, ...sentences];
}
