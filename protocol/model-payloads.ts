/**
 * Model-ready payloads: a render's pages as the content parts one vendor's API takes, in page
 * order, after a short instruction that the images hold the document. Ready to drop into a
 * request's `content` (OpenAI Chat Completions, Anthropic Messages) or `parts` (Gemini).
 *
 * Shapes, from each vendor's API reference:
 * - OpenAI Chat Completions: `{ type: 'text', text }`, `{ type: 'image_url', image_url: { url, detail } }`;
 *   inline images are `data:image/png;base64,…` URLs in the same field.
 * - Anthropic Messages: `{ type: 'text', text }`, `{ type: 'image', source: { type: 'url', url } }`
 *   or `{ type: 'image', source: { type: 'base64', media_type, data } }`.
 * - Gemini `generateContent`: `{ text }`, `{ inline_data: { mime_type, data } }`,
 *   `{ file_data: { mime_type, file_uri } }`.
 *
 * Pure and Web-standard only: the edge builds these for render responses and the gateway, the
 * client (SDK) for pages it already holds.
 */

/** The APIs a payload can be shaped for. */
export type PayloadFormat = 'openai' | 'anthropic' | 'gemini';

/** Every {@link PayloadFormat}, in the order docs and errors list them. */
export const PAYLOAD_FORMATS: readonly PayloadFormat[] = Object.freeze(['openai', 'anthropic', 'gemini'] as const);

/** How the images travel: by URL the model's API fetches, or inline as base64. */
export type ImageDelivery = 'url' | 'inline';

/** Every {@link ImageDelivery}. */
export const IMAGE_DELIVERIES: readonly ImageDelivery[] = Object.freeze(['url', 'inline'] as const);

/** Media type of every page image. */
export const PAGE_MEDIA_TYPE = 'image/png';

/** Whether `value` names a payload format. */
export function isPayloadFormat(value: string): value is PayloadFormat {
  return (PAYLOAD_FORMATS as readonly string[]).includes(value);
}

/** One page as a payload needs it: a URL a model's API can fetch, or the PNG as base64. */
export type PayloadPage = { n: number; url: string } | { n: number; base64: string };

/** An OpenAI Chat Completions content part (the two kinds a payload uses). */
export type OpenAIContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } };

/** An Anthropic Messages content block (the two kinds a payload uses). */
export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | {
      type: 'image';
      source: { type: 'url'; url: string } | { type: 'base64'; media_type: typeof PAGE_MEDIA_TYPE; data: string };
    };

/** A Gemini `Part` (the three kinds a payload uses). */
export type GeminiPart =
  | { text: string }
  | { inline_data: { mime_type: typeof PAGE_MEDIA_TYPE; data: string } }
  | { file_data: { mime_type: typeof PAGE_MEDIA_TYPE; file_uri: string } };

/** The parts of each format. */
export interface PayloadParts {
  openai: OpenAIContentPart[];
  anthropic: AnthropicContentBlock[];
  gemini: GeminiPart[];
}

/** The content parts of one format. */
export type ModelPayload<F extends PayloadFormat = PayloadFormat> = PayloadParts[F];

/**
 * The instruction placed before the images: says what they are, so the model reads them as the
 * text it was given rather than as pictures to describe.
 */
export function documentInstruction(pageCount: number): string {
  const pages =
    pageCount === 1 ? 'The next image is one page' : `The next ${pageCount} images are the pages, in order,`;
  return `${pages} of a document rendered as text images. Read them as the document's text.`;
}

/**
 * The pages of a render as `format`'s content parts: the instruction, then one image part per
 * page in page order (whatever order `pages` came in). OpenAI parts ask for `detail: "high"`, the
 * detail the gpt-4o profile prices pages at.
 */
export function modelPayload<F extends PayloadFormat>(format: F, pages: readonly PayloadPage[]): ModelPayload<F> {
  const ordered = [...pages].sort((a, b) => a.n - b.n);
  const instruction = documentInstruction(ordered.length);
  switch (format) {
    case 'openai':
      return [{ type: 'text', text: instruction }, ...ordered.map(openaiImage)] as ModelPayload<F>;
    case 'anthropic':
      return [{ type: 'text', text: instruction }, ...ordered.map(anthropicImage)] as ModelPayload<F>;
    case 'gemini':
      return [{ text: instruction }, ...ordered.map(geminiImage)] as ModelPayload<F>;
    default:
      throw new TypeError(`unknown payload format "${String(format)}"; expected one of ${PAYLOAD_FORMATS.join(', ')}`);
  }
}

/** `data:image/png;base64,…` of a page's base64 (how OpenAI-compatible APIs take inline images). */
export function pageDataUrl(base64: string): string {
  return `data:${PAGE_MEDIA_TYPE};base64,${base64}`;
}

function openaiImage(page: PayloadPage): OpenAIContentPart {
  const url = 'url' in page ? page.url : pageDataUrl(page.base64);
  return { type: 'image_url', image_url: { url, detail: 'high' } };
}

function anthropicImage(page: PayloadPage): AnthropicContentBlock {
  if ('url' in page) return { type: 'image', source: { type: 'url', url: page.url } };
  return { type: 'image', source: { type: 'base64', media_type: PAGE_MEDIA_TYPE, data: page.base64 } };
}

function geminiImage(page: PayloadPage): GeminiPart {
  if ('url' in page) return { file_data: { mime_type: PAGE_MEDIA_TYPE, file_uri: page.url } };
  return { inline_data: { mime_type: PAGE_MEDIA_TYPE, data: page.base64 } };
}

// Chunked so a multi-MB page never builds one giant argument list for String.fromCharCode.
const BASE64_CHUNK = 0x8000;

/** Standard (padded) base64 of bytes, with Web APIs only (`btoa`), as every vendor's inline images take it. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  }
  return btoa(binary);
}
