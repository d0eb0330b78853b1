/** Files chosen or dropped on the page: which ones the demo takes, and as what content type. */
import type { UploadContentType } from '../../client/index.ts';

/** A file read as text, with the content type its upload says. */
export interface LoadedText {
  text: string;
  contentType: Exclude<UploadContentType, 'application/json'>;
}

const MARKDOWN_NAME = /\.(md|markdown)$/i;

/** Reads a .txt or .md file; anything else is refused with a message the page shows. */
export async function loadTextFile(file: File): Promise<LoadedText> {
  if (!/\.(txt|md|markdown)$/i.test(file.name) && !/^text\/(plain|markdown)/.test(file.type)) {
    throw new Error(`Choose a .txt or .md file (got ${file.name}).`);
  }
  const markdown = MARKDOWN_NAME.test(file.name) || file.type.startsWith('text/markdown');
  return { text: await file.text(), contentType: markdown ? 'text/markdown' : 'text/plain' };
}
