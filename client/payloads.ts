/**
 * Model-ready payloads in the SDK: the content parts OpenAI, Anthropic or Gemini take for pages
 * you already hold (from `page()` as PNG bytes, or their `sharedUrl`s), the same parts the API
 * returns for `format` on render and compress.
 */
import {
  modelPayload,
  toBase64,
  type ModelPayload,
  type PayloadFormat,
  type PayloadPage,
} from '../protocol/model-payloads.ts';

export {
  documentInstruction,
  IMAGE_DELIVERIES,
  modelPayload,
  PAYLOAD_FORMATS,
  type AnthropicContentBlock,
  type GeminiPart,
  type ImageDelivery,
  type ModelPayload,
  type OpenAIContentPart,
  type PayloadFormat,
  type PayloadPage,
} from '../protocol/model-payloads.ts';

/** A page held by the caller: its number and either its PNG bytes or a URL the model's API can fetch. */
export type HeldPage = { n: number; png: Uint8Array } | { n: number; url: string };

/** `format`'s content parts for `pages` (PNG bytes go inline as base64, URLs by reference), in page order. */
export function payloadFor<F extends PayloadFormat>(format: F, pages: readonly HeldPage[]): ModelPayload<F> {
  const payloadPages: PayloadPage[] = pages.map((p) =>
    'png' in p ? { n: p.n, base64: toBase64(p.png) } : { n: p.n, url: p.url },
  );
  return modelPayload(format, payloadPages);
}
