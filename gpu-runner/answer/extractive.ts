/**
 * The model-free answerer: BM25 over passages of layout lines. It answers with the best passage
 * verbatim and cites its lines, and says `answerer: "extractive"` so nobody takes it for a
 * model's answer. The default when no VLM is configured.
 */
import type { AnswerResponse, Citation } from '../../protocol/runner-api.ts';
import type { AnswerBackend, AnswerEvent, AnswerInput } from './backend.ts';
import { Bm25Index } from './bm25.ts';
import { documentIndex } from './document-index.ts';
import { tokenize } from './tokenize.ts';

/** `answerer` of extractive responses. */
export const EXTRACTIVE_ANSWERER = 'extractive';

/** The answer when no passage shares a term with the question. */
export const NO_MATCH_ANSWER = 'No passage of the document matched the question.';

/** Answers with the document's best-matching passage (see the module comment). */
export class ExtractiveBackend implements AnswerBackend {
  readonly name = 'extractive';

  async answer(input: AnswerInput): Promise<AnswerResponse> {
    input.signal?.throwIfAborted();
    return extractAnswer(input);
  }

  async *stream(input: AnswerInput): AsyncIterable<AnswerEvent> {
    // Nothing is generated incrementally: one delta keeps the event shape the same as a model's.
    const response = await this.answer(input);
    yield { type: 'delta', text: response.answer };
    yield { type: 'done', response };
  }
}

/**
 * The extractive answer to `question` over `text` laid out as `layout`: the best passage's text,
 * citing those of its lines that hold a question term (document order).
 */
export function extractAnswer({
  question,
  text,
  layout,
}: Pick<AnswerInput, 'question' | 'text' | 'layout'>): AnswerResponse {
  const query = tokenize(question);
  const noMatch: AnswerResponse = { answer: NO_MATCH_ANSWER, answerer: EXTRACTIVE_ANSWERER, citations: [] };
  if (query.length === 0 || layout.length === 0) return noMatch;
  const doc = documentIndex(text, layout);
  const [best] = doc.passageIndex.top(query, 1);
  if (!best) return noMatch;
  const { first, last } = doc.passages[best.doc];

  // Cite the lines that hold a query term; the best-scoring line always (it does hold one, since
  // the passage scored above 0, but say so explicitly rather than rely on it).
  const wanted = new Set(query);
  const bestLine = bestLineOf(doc.lineIndex, query, first, last);
  const citations: Citation[] = [];
  for (let i = first; i <= last; i++) {
    const line = doc.lines[i];
    if (i === bestLine || line.terms.some((t) => wanted.has(t))) {
      citations.push({ page: line.page, line: line.line, text: line.text });
    }
  }
  return { answer: doc.sourceOf(first, last), answerer: EXTRACTIVE_ANSWERER, citations };
}

/** Index of the highest-scoring line among `first..last` (scored against the whole document). */
function bestLineOf(index: Bm25Index, query: string[], first: number, last: number): number {
  const scores = index.scores(query);
  let best = first;
  for (let i = first + 1; i <= last; i++) if (scores[i] > scores[best]) best = i;
  return best;
}
