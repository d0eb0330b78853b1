/**
 * `glyphgate/client`: a typed client for the glyphgate API, on Web-standard fetch only (Node 20+,
 * browsers, Cloudflare Workers). Types come from the zod schemas the API validates with.
 */
export { GlyphgateClient, isJobAccepted, isPassthrough, type PageResult, type UploadedDocument } from './client.ts';
export { GlyphgateError, type GlyphgateErrorInit } from './errors.ts';
export { type ContextOptions, type ContextRequest, type ContextTier, type ContextView } from './context.ts';
export {
  Conversations,
  type ConversationAppended,
  type ConversationCreated,
  type ConversationMessage,
  type ConversationMessages,
  type ConversationRender,
  type ConversationView,
} from './conversations.ts';
export type {
  BillableOptions,
  CachedCallOptions,
  CallOptions,
  CompressOptions,
  DecodeOptions,
  GlyphgateClientOptions,
  LayoutOptions,
  PageOptions,
  QueryOptions,
  RenderCallOptions,
  TimeInput,
  UploadContentType,
  UploadDocumentOptions,
  UploadOptions,
  UsageOptions,
  WaitOptions,
} from './options.ts';
export type { QueryStreamEvent } from './query-stream.ts';
export { parseSse, type SseEvent } from './sse.ts';
export * from './payloads.ts';
export type * from './types.ts';
