/**
 * Documents: the text in R2 (DOCUMENTS, content-addressed per tenant) and a row in D1
 * (`documents`) with its size and, once a render reported it, its Qwen3 text-token count.
 */
import { isDocumentKind, type DocumentKind } from '../../protocol/document-kinds.ts';
import { isTextTokenizerFamily, type TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { Env } from '../bindings.ts';
import { storageWrite } from './errors.ts';
import { documentKey } from './keys.ts';

/** A document of one tenant. */
export interface DocumentRecord {
  sha256: string;
  chars: number;
  bytes: number;
  /** Source lines (see `countLines`); null for documents stored before they were counted. */
  lines: number | null;
  /** Null until the first render's manifest reports the count (see edge/README). */
  textTokens: number | null;
  /** Text tokens per tokenizer family known so far (migration 0003); `qwen3` mirrors `textTokens`. */
  textTokensByFamily: TokensByFamily;
  createdAt: number;
  /** The input kind it was (last) uploaded as (migration 0004; `text` for older documents). */
  kind: DocumentKind;
  /** A code document's highlighter language, when known. */
  language: string | null;
}

/** Text-token counts of one text, by tokenizer family (only the families counted so far). */
export type TokensByFamily = Partial<Record<TextTokenizerFamily, number>>;

interface Row {
  sha256: string;
  chars: number;
  bytes: number;
  lines: number | null;
  text_tokens: number | null;
  text_tokens_by_family: string | null;
  created_at: number;
  kind: string | null;
  language: string | null;
}

// A malformed or foreign value reads as "nothing known": the count is asked again, never trusted.
function parseByFamily(json: string | null, qwen3: number | null): TokensByFamily {
  const counts: TokensByFamily = {};
  try {
    const parsed: unknown = json === null ? {} : JSON.parse(json);
    if (typeof parsed === 'object' && parsed !== null) {
      for (const [family, n] of Object.entries(parsed)) {
        if (isTextTokenizerFamily(family) && Number.isSafeInteger(n) && (n as number) >= 0)
          counts[family] = n as number;
      }
    }
  } catch {
    // ignored: see above
  }
  if (qwen3 !== null) counts.qwen3 = qwen3;
  return counts;
}

function fromRow(row: Row): DocumentRecord {
  return {
    sha256: row.sha256,
    chars: row.chars,
    bytes: row.bytes,
    lines: row.lines,
    textTokens: row.text_tokens,
    textTokensByFamily: parseByFamily(row.text_tokens_by_family, row.text_tokens),
    createdAt: row.created_at,
    kind: row.kind !== null && isDocumentKind(row.kind) ? row.kind : 'text',
    language: row.language,
  };
}

/** The caller's document `sha`, or null: another tenant's document is as absent as a missing one. */
export async function findDocument(env: Env, tenant: string, sha: string): Promise<DocumentRecord | null> {
  const row = await env.DB.prepare(
    'SELECT sha256, chars, bytes, lines, text_tokens, text_tokens_by_family, created_at, kind, language FROM documents WHERE tenant = ?1 AND sha256 = ?2',
  )
    .bind(tenant, sha)
    .first<Row>();
  return row ? fromRow(row) : null;
}

/** Options of {@link storeDocument}. */
export interface StoreDocumentOptions {
  tenant: string;
  sha: string;
  bytes: Uint8Array;
  chars: number;
  /** Source lines of the text (http/read-text.ts `countLines`). */
  lines: number;
  /** The kind it is uploaded as (default `text`) and a code document's language. */
  kind?: DocumentKind;
  language?: string;
}

/**
 * Stores a document for a tenant unless it already has it. The R2 object is written before the
 * D1 row, so a row always points at stored text; two concurrent uploads of the same text both
 * write the same bytes, and `INSERT OR IGNORE` lets exactly one of them report "created".
 */
export async function storeDocument(
  env: Env,
  options: StoreDocumentOptions,
): Promise<{ created: boolean; record: DocumentRecord }> {
  const { tenant, sha, bytes, chars, lines } = options;
  const kind = options.kind ?? 'text';
  const language = options.language ?? null;
  const existing = await findDocument(env, tenant, sha);
  if (existing) {
    // The same text uploaded as another kind (a `.md` sent again as plain text) is drawn as the
    // kind it was uploaded as last: the render id names the kind, so no render is served as another's.
    if (existing.kind === kind && existing.language === language) return { created: false, record: existing };
    await env.DB.prepare('UPDATE documents SET kind = ?3, language = ?4 WHERE tenant = ?1 AND sha256 = ?2')
      .bind(tenant, sha, kind === 'text' ? null : kind, language)
      .run();
    return { created: false, record: { ...existing, kind, language } };
  }
  await storageWrite(
    'document',
    env.DOCUMENTS.put(documentKey(tenant, sha), bytes, {
      httpMetadata: { contentType: 'text/plain; charset=utf-8' },
      customMetadata: { chars: String(chars), kind, ...(language ? { language } : {}) },
    }),
  );
  const now = Date.now();
  const result = await env.DB.prepare(
    'INSERT OR IGNORE INTO documents (tenant, sha256, chars, bytes, lines, text_tokens, created_at, kind, language) VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8)',
  )
    .bind(tenant, sha, chars, bytes.byteLength, lines, now, kind === 'text' ? null : kind, language)
    .run();
  if (result.meta.changes === 1) {
    return {
      created: true,
      record: {
        sha256: sha,
        chars,
        bytes: bytes.byteLength,
        lines,
        textTokens: null,
        textTokensByFamily: {},
        createdAt: now,
        kind,
        language,
      },
    };
  }
  return { created: false, record: (await findDocument(env, tenant, sha))! };
}

/** The text of a stored document, or null when R2 has no object for it. */
export async function readDocumentText(env: Env, tenant: string, sha: string): Promise<string | null> {
  const object = await env.DOCUMENTS.get(documentKey(tenant, sha));
  return object ? object.text() : null;
}

/** Records the Qwen3 token count a runner manifest reported (first one wins; it is deterministic). */
export async function setTextTokens(env: Env, tenant: string, sha: string, textTokens: number): Promise<void> {
  await env.DB.prepare(
    'UPDATE documents SET text_tokens = ?3 WHERE tenant = ?1 AND sha256 = ?2 AND text_tokens IS NULL',
  )
    .bind(tenant, sha, textTokens)
    .run();
}

/**
 * Records `family`'s token count of the document (deterministic, so any writer's count is the
 * count). A `qwen3` count also fills `text_tokens`, the count uploads report.
 */
export async function setFamilyTextTokens(
  env: Env,
  tenant: string,
  sha: string,
  family: TextTokenizerFamily,
  textTokens: number,
): Promise<void> {
  if (!isTextTokenizerFamily(family)) throw new Error(`storage: unknown tokenizer family ${String(family)}`);
  await env.DB.prepare(
    "UPDATE documents SET text_tokens_by_family = json_set(COALESCE(text_tokens_by_family, '{}'), '$.' || ?3, ?4), " +
      "text_tokens = CASE WHEN ?3 = 'qwen3' THEN COALESCE(text_tokens, ?4) ELSE text_tokens END WHERE tenant = ?1 AND sha256 = ?2",
  )
    .bind(tenant, sha, family, textTokens)
    .run();
}
