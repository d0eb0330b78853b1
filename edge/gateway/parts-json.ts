/**
 * The upstream body with each replaced text's parts spliced in as serialized JSON. A cached 100 kB
 * context is ~1.6 MB of base64 pages: serialized once per render (and kept, bounded by size), a
 * repeated context costs one string concatenation instead of re-encoding and re-stringifying its
 * pages on every request. The parts hold page images and the instruction only, never a key.
 */
import { LRUCache } from 'lru-cache';
import type { ImageDelivery, OpenAIContentPart } from '../../protocol/model-payloads.ts';
import { randomHex } from '../../protocol/primitives/bytes.ts';
import type { ChatRequest } from './chat-request.ts';
import { replaceSlots, type SlotReplacement, type TextSlot } from './long-parts.ts';

/** Serialized parts (the JSON of the parts array without its brackets) by render. */
export type PartsJsonCache = LRUCache<string, string>;

/** Default byte bound of a {@link PartsJsonCache}. */
export const DEFAULT_PARTS_CACHE_BYTES = 48 * 1024 * 1024;

/** A cache of serialized parts bounded by `maxBytes` (UTF-16 code units × 2: V8's worst case). */
export function partsJsonCache(maxBytes: number = DEFAULT_PARTS_CACHE_BYTES): PartsJsonCache {
  return new LRUCache<string, string>({ maxSize: maxBytes, sizeCalculation: (json) => Math.max(1, json.length * 2) });
}

/** What names one render's parts: committed renders never change, so this is the whole key. */
export interface PartsKey {
  tenant: string;
  documentId: string;
  renderId: string;
  delivery: ImageDelivery;
}

/** The cache key of a render's parts. */
export function partsKey(key: PartsKey): string {
  return `${key.tenant}\n${key.documentId}\n${key.renderId}\n${key.delivery}`;
}

/** The parts as they sit inside a content array: their JSON without the enclosing brackets. */
export function serializeParts(parts: readonly OpenAIContentPart[]): string {
  return JSON.stringify(parts).slice(1, -1);
}

/** A slot and the serialized parts that replace its text. */
export interface SerializedReplacement {
  slot: TextSlot;
  /** {@link serializeParts} of its parts (non-empty). */
  json: string;
}

/**
 * The request body with each slot's text replaced by its serialized parts: the same bytes as
 * `JSON.stringify({ ...request, messages: replaceSlots(...) })` with the parts themselves.
 * Each slot first becomes a placeholder part whose type carries a per-call random nonce; its JSON
 * (`{"type":"…"}`, unescaped quotes) can only be that part, never the inside of a string value.
 */
export function spliceBody(request: ChatRequest, replacements: readonly SerializedReplacement[]): string {
  const nonce = randomHex(16);
  const placeholder = (i: number) => `glyph-parts-${nonce}-${i}`;
  const marked: SlotReplacement<{ type: string }>[] = replacements.map((r, i) => ({
    slot: r.slot,
    parts: [{ type: placeholder(i) }],
  }));
  const skeleton = JSON.stringify({ ...request, messages: replaceSlots(request.messages, marked) });
  const pieces: string[] = [];
  let from = 0;
  // Placeholders appear in slot order (messages in order, parts in order within each).
  const order = replacements
    .map((r, i) => ({ i, at: skeleton.indexOf(JSON.stringify({ type: placeholder(i) })) }))
    .sort((a, b) => a.at - b.at);
  for (const { i, at } of order) {
    if (at < 0) throw new Error('a replaced slot is missing from the request body');
    pieces.push(skeleton.slice(from, at), replacements[i]!.json);
    from = at + JSON.stringify({ type: placeholder(i) }).length;
  }
  pieces.push(skeleton.slice(from));
  return pieces.join('');
}
