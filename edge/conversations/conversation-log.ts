/**
 * One Durable Object per (tenant, conversation): the conversation's turns in the object's own
 * SQLite, appended in the order they arrive here. Every method runs its SQL synchronously in one
 * `transactionSync`, with no await between reading the count and writing the rows, so concurrent
 * or out-of-order appends are applied one whole request after another: none is lost, none is
 * interleaved with another, and a request over a limit writes nothing.
 *
 * The object is named `<tenant>/<id>`: another tenant asking for the same id reaches another
 * object, which was never created, and answers exactly as for an id that does not exist.
 */
import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../bindings.ts';
import { countCodePoints } from '../http/read-text.ts';
import type { DurableObjectState } from '@cloudflare/workers-types/latest/index.ts';
import { TURN_SEPARATOR, transcriptOf, turnText, type Message } from './transcript.ts';

/** What a conversation holds now. */
export interface ConversationStat {
  messages: number;
  chars: number;
}

/** The result of an append: the new totals, or why nothing was written. */
export type AppendResult =
  | ({ kind: 'appended' } & ConversationStat)
  | { kind: 'not_found' }
  | { kind: 'too_large'; chars: number; limit: number };

/** The transcript as of now, and the document it was last stored as (when it still matches). */
export interface ConversationSnapshot extends ConversationStat {
  text: string;
  /** The document id of the transcript with exactly `messages` turns, when one was stored. */
  document: string | null;
}

/** The RPC surface routes call (typed here: the ambient stub types are not used). */
export interface ConversationRpc {
  create(): Promise<void>;
  stat(): Promise<ConversationStat | null>;
  append(messages: Message[], maxChars: number): Promise<AppendResult>;
  snapshot(): Promise<ConversationSnapshot | null>;
  list(): Promise<Message[] | null>;
  noteDocument(messages: number, document: string): Promise<void>;
  renderedDocument(renderId: string): Promise<string | null>;
  noteRender(renderId: string, document: string, messages: number): Promise<void>;
}

/** Durable Object class `ConversationLog` (wrangler.toml). */
export class ConversationLog extends DurableObject<Env> implements ConversationRpc {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = this.ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    sql.exec(
      `CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, role TEXT NOT NULL, content TEXT NOT NULL)`,
    );
    // The document of the longest transcript rendered per render id: the next render of that id
    // keeps its unchanged pages. (It replaces `renders`, which kept page hashes to compare with.)
    sql.exec(
      `CREATE TABLE IF NOT EXISTS render_documents (render_id TEXT PRIMARY KEY, document TEXT NOT NULL, messages INTEGER NOT NULL)`,
    );
    sql.exec('DROP TABLE IF EXISTS renders');
  }

  #meta(key: string): string | null {
    const row = this.ctx.storage.sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0];
    return row ? row.value : null;
  }

  #setMeta(key: string, value: string): void {
    this.ctx.storage.sql.exec(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      key,
      value,
    );
  }

  #stat(): ConversationStat | null {
    if (this.#meta('created') === null) return null;
    return { messages: Number(this.#meta('messages') ?? 0), chars: Number(this.#meta('chars') ?? 0) };
  }

  /** Marks the conversation as existing (idempotent: the id is fresh and random). */
  async create(): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      if (this.#meta('created') !== null) return;
      this.#setMeta('created', new Date().toISOString());
      this.#setMeta('messages', '0');
      this.#setMeta('chars', '0');
    });
  }

  /** Message count and transcript length, or null when never created. */
  async stat(): Promise<ConversationStat | null> {
    return this.#stat();
  }

  /** Appends `messages` in order, all or none: none when the transcript would pass `maxChars`. */
  async append(messages: Message[], maxChars: number): Promise<AppendResult> {
    return this.ctx.storage.transactionSync((): AppendResult => {
      const stat = this.#stat();
      if (!stat) return { kind: 'not_found' };
      let chars = stat.chars;
      let count = stat.messages;
      for (const m of messages) {
        chars += (count > 0 ? TURN_SEPARATOR.length : 0) + countCodePoints(turnText(m));
        count++;
      }
      if (chars > maxChars) return { kind: 'too_large', chars, limit: maxChars };
      let seq = stat.messages;
      for (const m of messages)
        this.ctx.storage.sql.exec(
          'INSERT INTO messages (seq, role, content) VALUES (?, ?, ?)',
          ++seq,
          m.role,
          m.content,
        );
      this.#setMeta('messages', String(count));
      this.#setMeta('chars', String(chars));
      return { kind: 'appended', messages: count, chars };
    });
  }

  /** The whole transcript now, with the document it was stored as if that was at this length. */
  async snapshot(): Promise<ConversationSnapshot | null> {
    const stat = this.#stat();
    if (!stat) return null;
    const text = transcriptOf(this.#messages());
    const stored = this.#meta('document');
    const [at, sha] = stored ? stored.split(':') : [];
    return { ...stat, text, document: Number(at) === stat.messages && sha ? sha : null };
  }

  /** Every message, in the order appended; null when never created. */
  async list(): Promise<Message[] | null> {
    if (!this.#stat()) return null;
    return this.#messages();
  }

  #messages(): Message[] {
    return this.ctx.storage.sql
      .exec<{ role: string; content: string }>('SELECT role, content FROM messages ORDER BY seq')
      .toArray() as Message[];
  }

  /** Remembers that the transcript of `messages` turns is the tenant's document `document`. */
  async noteDocument(messages: number, document: string): Promise<void> {
    this.#setMeta('document', `${messages}:${document}`);
  }

  /** The document of the last transcript rendered under `renderId`, or null before the first. */
  async renderedDocument(renderId: string): Promise<string | null> {
    const row = this.ctx.storage.sql
      .exec<{ document: string }>('SELECT document FROM render_documents WHERE render_id = ?', renderId)
      .toArray()[0];
    return row ? row.document : null;
  }

  /**
   * Records that the transcript of `messages` turns (`document`) was rendered under `renderId`,
   * unless a longer one was: two renders finishing out of order leave the longer transcript,
   * whose pages the next render can keep the most of.
   */
  async noteRender(renderId: string, document: string, messages: number): Promise<void> {
    this.ctx.storage.sql.exec(
      `INSERT INTO render_documents (render_id, document, messages) VALUES (?, ?, ?)
       ON CONFLICT(render_id) DO UPDATE SET document = excluded.document, messages = excluded.messages
       WHERE excluded.messages >= render_documents.messages`,
      renderId,
      document,
      messages,
    );
  }
}
