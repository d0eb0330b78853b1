/**
 * Files chosen or dropped on the page, of every input kind the API draws: plain text, Markdown,
 * source code, HTML and logs are read into the text box; a PDF is kept as the file and sent as
 * its bytes. The kind is decided the way the API decides it (protocol/document-kinds.ts).
 */
import type { UploadContentType } from '../../client/index.ts';
import { type DocumentKind, resolveDocumentKind } from '../../protocol/document-kinds.ts';

/** What an upload of the loaded file sends. */
export interface LoadedFile {
  kind: DocumentKind;
  language?: string;
  contentType: UploadContentType;
  /** The text shown in (and sent from) the text box; absent for a PDF. */
  text?: string;
  /** The file itself, for a kind sent as bytes (PDF). */
  bytes?: Blob;
}

/** The kinds' own media types, which the upload is sent as. */
function contentTypeOf(kind: DocumentKind, language: string | undefined): UploadContentType {
  switch (kind) {
    case 'markdown':
      return 'text/markdown';
    case 'html':
      return 'text/html';
    case 'log':
      return 'text/x-log';
    case 'pdf':
      return 'application/pdf';
    case 'code':
      return language ? `text/x-${language}` : 'text/plain';
    default:
      return 'text/plain';
  }
}

/**
 * Reads `file` for upload. A file nothing names a kind for (no known type or extension) is taken
 * as plain text only when the browser says it is text; anything else is refused with a message
 * the page shows.
 */
export async function loadFile(file: File): Promise<LoadedFile> {
  const resolved = resolveDocumentKind({ contentType: file.type, fileName: file.name });
  if (resolved.from === 'default' && !file.type.startsWith('text/')) {
    throw new Error(`Choose a text, Markdown, source code, HTML, log or PDF file (got ${file.name}).`);
  }
  const { kind, language } = resolved;
  const contentType = contentTypeOf(kind, language);
  const sent = { kind, ...(language ? { language } : {}), contentType };
  return kind === 'pdf' ? { ...sent, bytes: file } : { ...sent, text: await file.text() };
}

/** `markdown`, `code, python`: how the page names a loaded file's kind. */
export function kindLabel(loaded: Pick<LoadedFile, 'kind' | 'language'>): string {
  return loaded.language ? `${loaded.kind}, ${loaded.language}` : loaded.kind;
}
