/**
 * Plain text → one paragraph block per run of non-blank lines, its line breaks kept as they are
 * (the renderer's reflow rule decides whether to join them, as it does for any text today).
 */
import { sourceLines } from './lines.ts';
import { BODY, type StyledDocument } from './model.ts';

/** Plain text as a {@link StyledDocument}: paragraphs split at blank lines, source lines kept. */
export function textToStyledDocument(text: string): StyledDocument {
  const lines = sourceLines(text);
  const doc: StyledDocument = { kind: 'text', blocks: [] };
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const blank = i === lines.length || lines[i].trim() === '';
    if (!blank && start === -1) start = i;
    if (blank && start !== -1) {
      doc.blocks.push({
        role: 'paragraph',
        runs: [{ text: lines.slice(start, i).join('\n'), style: BODY }],
        keepLines: false,
        wrapMark: false,
        source: { line: start + 1 },
      });
      start = -1;
    }
  }
  return doc;
}
