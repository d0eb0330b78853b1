/** Options objects of the client's calls. */
import type { DocumentKind } from '../protocol/document-kinds.ts';
import type { DecodeBody, JobView, QueryBody, RenderOptions } from './types.ts';

/** How to reach the API. */
export interface GlyphgateClientOptions {
  /** Where the API is, e.g. `https://glyphgate.example.com` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** An API key: sent as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** A fetch to use instead of the global one (a Worker service binding's, a mock's). */
  fetch?: typeof fetch;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the request (and a stream being read). */
  signal?: AbortSignal;
}

/** Options of a billable call. */
export interface BillableOptions extends CallOptions {
  /** A retried call with the same key is billed once. */
  idempotencyKey?: string;
}

/** Options of a call whose result the API caches. */
export interface CachedCallOptions extends BillableOptions {
  /** Skip the cached result and compute it afresh (`Cache-Control: no-cache`). */
  noCache?: boolean;
}

/** Media types an upload can be sent as: text, Markdown, JSON, or an input kind's own type. */
export type UploadContentType =
  | 'text/plain'
  | 'text/markdown'
  | 'application/json'
  | 'text/html'
  | 'text/x-log'
  | `text/x-${string}`
  | 'application/pdf';

/** Options of {@link GlyphgateClient.uploadDocument}. */
export interface UploadOptions extends BillableOptions {
  /** Default: `text/plain` for a string, `application/json` for `{ text }`. */
  contentType?: UploadContentType;
}

/** Options of {@link GlyphgateClient.uploadDocument}: {@link UploadOptions} and the input kind. */
export interface UploadDocumentOptions extends UploadOptions {
  /** `?kind=`: how the document is drawn (wins over the content type). */
  kind?: DocumentKind;
  /** `?language=`: the highlighter language of `code`. */
  language?: string;
}

/** Options of {@link GlyphgateClient.render}. */
export type RenderCallOptions = RenderOptions & BillableOptions;

/** Options of {@link GlyphgateClient.compress}. */
export type CompressOptions = RenderOptions &
  UploadOptions & {
    /** Answer with the text itself when pages would cost the model more tokens than it (default false). */
    passthrough?: boolean;
  };

/** Options of {@link GlyphgateClient.page}. */
export interface PageOptions extends CallOptions {
  /** The ETag of the copy you hold: an unchanged page answers 304 without the bytes. */
  etag?: string;
}

/** Options of {@link GlyphgateClient.layout}. */
export interface LayoutOptions extends CallOptions {
  /** Only this page's lines (from 1); default every page. */
  page?: number;
}

/** Options of {@link GlyphgateClient.query} and {@link GlyphgateClient.queryStream}. */
export type QueryOptions = Omit<QueryBody, 'stream'> & CachedCallOptions;

/** Options of {@link GlyphgateClient.decode}. */
export type DecodeOptions = DecodeBody & CachedCallOptions;

/** Options of {@link GlyphgateClient.waitForJob}. */
export interface WaitOptions extends CallOptions {
  /** Time between polls (default 1000 ms). */
  intervalMs?: number;
  /** Called with each poll's job. */
  onProgress?: (job: JobView) => void;
}

/** A time for {@link GlyphgateClient.usage}: a Date, unix milliseconds, or ISO 8601. */
export type TimeInput = Date | number | string;

/** Options of {@link GlyphgateClient.usage}. */
export interface UsageOptions extends CallOptions {
  /** Start (inclusive); default the start of this UTC month. */
  from?: TimeInput;
  /** End (exclusive); default now. */
  to?: TimeInput;
  /** Most rows listed, 0..1000 (default 100). */
  limit?: number;
}
