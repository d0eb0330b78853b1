/**
 * A conversation's transcript as a document of its tenant: stored as uploads are
 * (content-addressed, so an unchanged transcript is the same document), once per transcript
 * length — the conversation log remembers which document its current length was stored as. It is
 * not billed as an upload: the caller appended turns (free) and is billed for the render, query
 * or decode that needed the document, once.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { badRequest, notFound } from '../http/errors.ts';
import { countCodePoints, countLines } from '../http/read-text.ts';
import { findDocument, storeDocument, type DocumentRecord } from '../storage/documents.ts';
import { sha256Hex, utf8Bytes } from '../../protocol/primitives/bytes.ts';
import { conversationFor } from './client.ts';

/** The transcript's document and the message count it holds. */
export interface TranscriptDocument {
  record: DocumentRecord;
  messages: number;
}

/** The document of conversation `id`'s transcript now: 404 for none (or another tenant's), 400 when empty. */
export async function transcriptDocument(c: Context<AppEnv>, id: string): Promise<TranscriptDocument> {
  const { tenant } = c.get('caller');
  const log = conversationFor(c.env, tenant, id);
  const snapshot = await log.snapshot();
  if (!snapshot) throw notFound('conversation');
  if (snapshot.messages === 0)
    throw badRequest('empty_conversation', 'the conversation has no messages yet: append some first');
  if (snapshot.document) {
    const known = await findDocument(c.env, tenant, snapshot.document);
    if (known) return { record: known, messages: snapshot.messages };
  }
  const bytes = utf8Bytes(snapshot.text);
  const { record } = await storeDocument(c.env, {
    tenant,
    sha: await sha256Hex(bytes),
    bytes,
    chars: countCodePoints(snapshot.text),
    lines: countLines(snapshot.text),
  });
  await log.noteDocument(snapshot.messages, record.sha256);
  return { record, messages: snapshot.messages };
}
