/**
 * The input kind of an upload, and how a stored document's kind reaches the runner. The kind is
 * chosen by `?kind=&language=` (which win), then the body's Content-Type (protocol/document-kinds.ts);
 * it is stored with the document and sent with every render, query and decode, and it names the
 * render (the same text drawn as Markdown is another render than drawn as plain text).
 */
import { DocumentKindError, resolveDocumentKind, type ResolvedKind } from '../../protocol/document-kinds.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { badRequest } from '../http/errors.ts';
import type { ResolvedRender } from '../renders/render-options.ts';
import type { DocumentRecord } from '../storage/documents.ts';

/** The kind an upload asks for; 400 `invalid_request` naming `kind` or `language` for a bad value. */
export function uploadKind(query: { kind?: string; language?: string }, mediaType: string | undefined): ResolvedKind {
  try {
    return resolveDocumentKind({ kind: query.kind, language: query.language, contentType: mediaType ?? null });
  } catch (error) {
    if (error instanceof DocumentKindError) throw badRequest('invalid_request', error.message);
    throw error;
  }
}

/**
 * `resolved` for document `doc`: its kind (and language) added to what the runner is sent, and
 * for any kind but `text` a render id of its own (plain-text renders keep their ids).
 */
export async function withDocumentKind(
  resolved: ResolvedRender,
  doc: Pick<DocumentRecord, 'kind' | 'language'>,
): Promise<ResolvedRender> {
  if (doc.kind === 'text') return resolved;
  const renderId = await sha256Hex(`${resolved.renderId}|kind=${doc.kind}|language=${doc.language ?? ''}`);
  return {
    ...resolved,
    renderId,
    configHash: renderId,
    render: { ...resolved.render, kind: doc.kind, ...(doc.language ? { language: doc.language } : {}) },
  };
}
