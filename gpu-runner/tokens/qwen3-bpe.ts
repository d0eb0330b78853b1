/**
 * Counting Qwen3 tokens from its merge table (qwen3-merge-table.ts), the way `@lenml/tokenizers`
 * tokenizes — the same pipeline, step for step, so every count is the same:
 *
 * 1. added tokens (`<|im_end|>`, `<think>`, …) are cut out first, scanning left to right and
 *    taking the longest at each position; each is one token;
 * 2. the text between them is NFC-normalized and split by the pre-tokenizer regex;
 * 3. each pre-token's UTF-8 bytes start as byte tokens and are merged by Hugging Face's BPE rule:
 *    always the pair whose merge comes first in the merge list, the leftmost of equal pairs.
 *
 * Only the number of tokens is kept, never the tokens. Counts of short pre-tokens are cached
 * (words repeat), and a long pre-token is merged with a heap instead of rescanning it.
 */
import type { MergeTable } from './qwen3-merge-table.ts';

/** Pre-tokens up to this many bytes are merged by rescanning; longer ones with a heap. */
const SCAN_MAX_BYTES = 48;
/** Pre-tokens up to this many UTF-16 code units have their counts cached. */
const CACHE_MAX_CHARS = 64;
const CACHE_ENTRIES = 1 << 17;
const NO_MERGE = -1;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A Qwen3 token counter over a loaded {@link MergeTable}. */
export class Qwen3TokenCounter {
  readonly #t: MergeTable;
  readonly #split: RegExp;
  // Longest first: at one position, a regex alternation takes the first alternative that matches.
  readonly #added: RegExp | undefined;
  readonly #addedFirstChars: string;
  readonly #cache = new Map<string, number>();
  readonly #encoder = new TextEncoder();
  #bytes = new Uint8Array(1024);
  #sym = new Int32Array(256);
  #next = new Int32Array(256);
  #prev = new Int32Array(256);
  #pairRank = new Float64Array(256);
  #pairEntry = new Int32Array(256);
  #heap = new Float64Array(768);

  constructor(table: MergeTable) {
    this.#t = table;
    this.#split = new RegExp(table.pattern, 'gu');
    const added = [...table.addedTokens].sort((a, b) => b.length - a.length);
    this.#added = added.length ? new RegExp(added.map(escapeRegExp).join('|'), 'g') : undefined;
    this.#addedFirstChars = [...new Set(added.map((t) => t[0]!))].join('');
  }

  /** Number of Qwen3 tokens in `text`: what `tokenize(text).length` gives with `@lenml/tokenizers`. */
  countTokens(text: string): number {
    if (text.length === 0) return 0;
    const added = this.#added;
    if (!added || !this.#mayHoldAddedToken(text)) return this.#countSection(text);
    let count = 0;
    let from = 0;
    added.lastIndex = 0;
    for (let m = added.exec(text); m; m = added.exec(text)) {
      count += this.#countSection(text.slice(from, m.index)) + 1;
      from = m.index + m[0].length;
    }
    return count + this.#countSection(text.slice(from));
  }

  #mayHoldAddedToken(text: string): boolean {
    for (const c of this.#addedFirstChars) if (text.includes(c)) return true;
    return false;
  }

  // Text between added tokens: normalized, then split into pre-tokens. The regex matches every
  // character, but text between matches is a pre-token too, as in lenml's split.
  #countSection(raw: string): number {
    if (raw.length === 0) return 0;
    const text = raw.normalize('NFC');
    let count = 0;
    let prev = 0;
    for (const m of text.matchAll(this.#split)) {
      const piece = m[0];
      if (prev < m.index) count += this.#countPreToken(text.slice(prev, m.index));
      if (piece.length > 0) count += this.#countPreToken(piece);
      prev = m.index + piece.length;
    }
    if (prev < text.length) count += this.#countPreToken(text.slice(prev));
    return count;
  }

  #countPreToken(piece: string): number {
    const cacheable = piece.length <= CACHE_MAX_CHARS;
    if (cacheable) {
      const hit = this.#cache.get(piece);
      if (hit !== undefined) return hit;
    }
    if (this.#bytes.length < piece.length * 3) this.#bytes = new Uint8Array(piece.length * 3);
    const n = this.#encoder.encodeInto(piece, this.#bytes).written;
    const count = n <= SCAN_MAX_BYTES ? this.#mergeByScan(n) : this.#mergeByHeap(n);
    if (cacheable) {
      if (this.#cache.size >= CACHE_ENTRIES) this.#cache.clear();
      this.#cache.set(piece, count);
    }
    return count;
  }

  // Index into the table's merge entries of the pair (left, right), or NO_MERGE.
  #entry(left: number, right: number): number {
    const t = this.#t;
    let lo = t.rowStart[left]!;
    let hi = t.rowStart[left + 1]! - 1;
    const rights = t.right;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = rights[mid]!;
      if (r < right) lo = mid + 1;
      else if (r > right) hi = mid - 1;
      else return mid;
    }
    return NO_MERGE;
  }

  #ensure(n: number): void {
    if (this.#sym.length >= n) return;
    const size = Math.max(n, this.#sym.length * 2);
    this.#sym = new Int32Array(size);
    this.#next = new Int32Array(size);
    this.#prev = new Int32Array(size);
    this.#pairRank = new Float64Array(size);
    this.#pairEntry = new Int32Array(size);
  }

  // Short pre-tokens: keep the parts in an array and merge the best pair until none merges.
  #mergeByScan(n: number): number {
    if (n <= 1) return n;
    this.#ensure(n);
    const { byteIds, rank, merged } = this.#t;
    const bytes = this.#bytes;
    const sym = this.#sym;
    const pairRank = this.#pairRank;
    const pairEntry = this.#pairEntry;
    for (let i = 0; i < n; i++) sym[i] = byteIds[bytes[i]!]!;
    const setPair = (i: number): void => {
      const e = this.#entry(sym[i]!, sym[i + 1]!);
      pairEntry[i] = e;
      pairRank[i] = e === NO_MERGE ? Number.POSITIVE_INFINITY : rank[e]!;
    };
    for (let i = 0; i + 1 < n; i++) setPair(i);
    let len = n;
    while (len > 1) {
      let best = Number.POSITIVE_INFINITY;
      let at = -1;
      for (let i = 0; i + 1 < len; i++) {
        if (pairRank[i]! < best) {
          best = pairRank[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      sym[at] = merged[pairEntry[at]!]!;
      sym.copyWithin(at + 1, at + 2, len);
      pairRank.copyWithin(at + 1, at + 2, len - 1);
      pairEntry.copyWithin(at + 1, at + 2, len - 1);
      len--;
      if (at + 1 < len) setPair(at);
      if (at > 0) setPair(at - 1);
    }
    return len;
  }

  // Long pre-tokens (a CJK sentence is one): parts in a linked list over byte positions (a part is
  // named by its first byte), candidate pairs in a min-heap keyed by rank × n + position, so the
  // first merge wins and equal merges go left to right, as lenml's priority queue orders them.
  // A popped pair that no longer exists is skipped: a rank names one pair of tokens, so the pair
  // at that position still has that rank only if it is still that pair.
  #mergeByHeap(n: number): number {
    this.#ensure(n);
    const { byteIds, rank, merged } = this.#t;
    const bytes = this.#bytes;
    const sym = this.#sym;
    const next = this.#next;
    const prev = this.#prev;
    if (this.#heap.length < 3 * n) this.#heap = new Float64Array(3 * n);
    const heap = this.#heap;
    let size = 0;
    const push = (key: number): void => {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heap[parent]! <= key) break;
        heap[i] = heap[parent]!;
        i = parent;
      }
      heap[i] = key;
    };
    const pop = (): number => {
      const top = heap[0]!;
      const last = heap[--size]!;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= size) break;
        if (child + 1 < size && heap[child + 1]! < heap[child]!) child++;
        if (heap[child]! >= last) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
      return top;
    };
    const offer = (i: number): void => {
      const e = this.#entry(sym[i]!, sym[next[i]!]!);
      if (e !== NO_MERGE) push(rank[e]! * n + i);
    };
    for (let i = 0; i < n; i++) {
      sym[i] = byteIds[bytes[i]!]!;
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    for (let i = 0; i + 1 < n; i++) offer(i);
    let count = n;
    while (size > 0) {
      const key = pop();
      const r = Math.floor(key / n);
      const i = key - r * n;
      const j = next[i]!;
      if (sym[i]! < 0 || j < 0) continue;
      const e = this.#entry(sym[i]!, sym[j]!);
      if (e === NO_MERGE || rank[e] !== r) continue;
      sym[i] = merged[e]!;
      sym[j] = -1;
      const k = next[j]!;
      next[i] = k;
      if (k >= 0) prev[k] = i;
      count--;
      if (prev[i]! >= 0) offer(prev[i]!);
      if (k >= 0) offer(i);
    }
    return count;
  }
}
