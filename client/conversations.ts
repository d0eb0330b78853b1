/**
 * `client.conversations`: a chat history kept by glyphgate turn by turn, rendered as pages whose
 * past stays byte-identical as turns are appended (`pagesReused`), and asked or read back like a
 * document.
 */
import type { z } from 'zod';
import type {
  conversationAppendedSchema,
  conversationCreatedSchema,
  conversationMessagesSchema,
  conversationRenderSchema,
  conversationViewSchema,
  messageSchema,
} from '../protocol/public-api/conversations.ts';
import type { CallOptions, DecodeOptions, QueryOptions, RenderCallOptions } from './options.ts';
import { queryEvents, type QueryStreamEvent } from './query-stream.ts';
import type { Transport } from './transport.ts';
import type { Answer, DecodeView, JobAccepted } from './types.ts';
import { billing, caching, fields, RENDER_CALL_KEYS, RENDER_KEYS } from './request-fields.ts';

/** One turn: `role` user, assistant or system, and its text. */
export type ConversationMessage = z.output<typeof messageSchema>;
/** `POST /v1/conversations`. */
export type ConversationCreated = z.output<typeof conversationCreatedSchema>;
/** After an append: the message count now. */
export type ConversationAppended = z.output<typeof conversationAppendedSchema>;
/** Message count and transcript characters. */
export type ConversationView = z.output<typeof conversationViewSchema>;
/** Every turn, in order. */
export type ConversationMessages = z.output<typeof conversationMessagesSchema>;
/** A render of the transcript, with `pagesReused` and `pagesRendered`. */
export type ConversationRender = z.output<typeof conversationRenderSchema>;

function path(id: string, rest = ''): string {
  return `/v1/conversations/${encodeURIComponent(id)}${rest}`;
}

/** The conversation calls of a {@link import('./client.ts').GlyphgateClient}. */
export class Conversations {
  readonly #transport: Transport;

  /** Used by the client; share its transport. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Starts a conversation, empty or with `messages` as its first turns. */
  async create(options: CallOptions & { messages?: ConversationMessage[] } = {}): Promise<ConversationCreated> {
    const response = await this.#transport.send({
      method: 'POST',
      path: '/v1/conversations',
      ...(options.messages ? { json: { messages: options.messages } } : {}),
      signal: options.signal,
    });
    return (await response.json()) as ConversationCreated;
  }

  /** Appends one message, or several in order (all or none). */
  async append(
    id: string,
    messages: ConversationMessage | ConversationMessage[],
    options: CallOptions = {},
  ): Promise<ConversationAppended> {
    const response = await this.#transport.send({
      method: 'POST',
      path: path(id, '/messages'),
      json: Array.isArray(messages) ? { messages } : messages,
      signal: options.signal,
    });
    return (await response.json()) as ConversationAppended;
  }

  /** Message count and transcript length. */
  async get(id: string, options: CallOptions = {}): Promise<ConversationView> {
    const response = await this.#transport.send({ method: 'GET', path: path(id), signal: options.signal });
    return (await response.json()) as ConversationView;
  }

  /** Every message, in the order appended. */
  async messages(id: string, options: CallOptions = {}): Promise<ConversationMessages> {
    const response = await this.#transport.send({ method: 'GET', path: path(id, '/messages'), signal: options.signal });
    return (await response.json()) as ConversationMessages;
  }

  /** Renders the transcript (reflow `off` unless asked), or hands a big one to a job (202). */
  async render(id: string, options: RenderCallOptions = {}): Promise<ConversationRender | JobAccepted> {
    const response = await this.#transport.send({
      method: 'POST',
      path: path(id, '/render'),
      headers: billing(options),
      json: fields(options, RENDER_CALL_KEYS),
      signal: options.signal,
    });
    return (await response.json()) as ConversationRender | JobAccepted;
  }

  /** Asks a question about the conversation. */
  async query(id: string, options: QueryOptions): Promise<Answer> {
    return (await (await this.#sendQuery(id, options, false)).json()) as Answer;
  }

  /** Asks a question and yields the answer's events as they arrive. */
  async *queryStream(id: string, options: QueryOptions): AsyncGenerator<QueryStreamEvent> {
    yield* queryEvents(await this.#sendQuery(id, options, true));
  }

  /** OCR read-back of the conversation's pages. */
  async decode(id: string, options: DecodeOptions = {}): Promise<DecodeView> {
    const response = await this.#transport.send({
      method: 'POST',
      path: path(id, '/decode'),
      headers: caching(options),
      json: fields(options, [...RENDER_KEYS, 'sample']),
      signal: options.signal,
    });
    return (await response.json()) as DecodeView;
  }

  #sendQuery(id: string, options: QueryOptions, stream: boolean): Promise<Response> {
    return this.#transport.send({
      method: 'POST',
      path: path(id, '/query'),
      headers: { ...caching(options), ...(stream ? { accept: 'text/event-stream' } : {}) },
      json: { ...fields(options, [...RENDER_KEYS, 'question']), ...(stream ? { stream: true } : {}) },
      signal: options.signal,
    });
  }
}
