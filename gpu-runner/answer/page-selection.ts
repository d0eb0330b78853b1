/**
 * Which pages go to the VLM when a document has more than it may take: the pages whose lines
 * best match the question (BM25 over lines, summed per page, so a page with several relevant
 * lines beats one with a single stray hit), sent in page order so the model still reads the
 * document front to back. Pages that match nothing rank by position: the opening pages carry
 * the title and the setting, the best guess when the question shares no word with the text.
 */
import type { DocumentIndex } from './document-index.ts';
import { tokenize } from './tokenize.ts';

/** The page numbers (1-based, ascending) to send, at most `maxPages` of the layout's pages. */
export function selectPages(doc: DocumentIndex, question: string, maxPages: number): number[] {
  const pageScore = new Map<number, number>();
  for (const line of doc.lines) if (!pageScore.has(line.page)) pageScore.set(line.page, 0);
  if (pageScore.size > maxPages) {
    const scores = doc.lineIndex.scores(tokenize(question));
    doc.lines.forEach((line, i) => pageScore.set(line.page, pageScore.get(line.page)! + scores[i]));
  }
  return [...pageScore]
    .sort(([pa, sa], [pb, sb]) => sb - sa || pa - pb)
    .slice(0, Math.max(0, maxPages))
    .map(([page]) => page)
    .sort((a, b) => a - b);
}
