/**
 * Okapi BM25 over pre-tokenized documents (for us: layout lines and passages of a few lines).
 * Written by hand rather than pulled from npm: it is ~60 lines, and the corpus is one request's
 * document, so an inverted index in plain arrays is all it needs.
 */

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation; default 1.2. */
  k1?: number;
  /** Length normalization, 0 (none) – 1 (full); default 0.75. */
  b?: number;
}

/** One scored document. */
export interface Bm25Hit {
  /** Index of the document in the array the index was built from. */
  doc: number;
  score: number;
}

/** An inverted index that scores queries with BM25. */
export class Bm25Index {
  /** Number of documents. */
  readonly size: number;
  private readonly k1: number;
  private readonly b: number;
  private readonly lengths: Uint32Array;
  private readonly avgLength: number;
  /** term → [doc, tf, doc, tf, …]: flat pairs keep a big document's index compact. */
  private readonly postings = new Map<string, number[]>();

  constructor(docs: readonly (readonly string[])[], options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.size = docs.length;
    this.lengths = new Uint32Array(docs.length);
    let total = 0;
    const tf = new Map<string, number>();
    docs.forEach((terms, doc) => {
      this.lengths[doc] = terms.length;
      total += terms.length;
      tf.clear();
      for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
      for (const [term, count] of tf) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push(doc, count);
      }
    });
    this.avgLength = docs.length ? total / docs.length || 1 : 1;
  }

  /**
   * Inverse document frequency, in the always-positive form ln(1 + (N − n + 0.5)/(n + 0.5)) used
   * by Lucene: the classic form goes negative for terms in over half the documents, which would
   * make a common query word *lower* a passage's score.
   */
  idf(term: string): number {
    const n = (this.postings.get(term)?.length ?? 0) / 2;
    return Math.log(1 + (this.size - n + 0.5) / (n + 0.5));
  }

  /** Whether any document holds `term`. */
  has(term: string): boolean {
    return this.postings.has(term);
  }

  /**
   * Scores every document for `query` (repeated query terms count once: a question that repeats a
   * word does not mean it twice as much). Documents without a query term score 0.
   */
  scores(query: readonly string[]): Float64Array {
    const out = new Float64Array(this.size);
    const { k1, b } = this;
    for (const term of new Set(query)) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i];
        const tf = list[i + 1];
        const norm = k1 * (1 - b + (b * this.lengths[doc]) / this.avgLength);
        out[doc] += (idf * tf * (k1 + 1)) / (tf + norm);
      }
    }
    return out;
  }

  /** The `k` best documents with a score above 0, best first; ties go to the earlier document. */
  top(query: readonly string[], k: number): Bm25Hit[] {
    return topOf(this.scores(query), k);
  }
}

/** The `k` highest positive entries of `scores`, best first, earlier index first on ties. */
export function topOf(scores: ArrayLike<number>, k: number): Bm25Hit[] {
  const hits: Bm25Hit[] = [];
  if (k <= 0) return hits;
  for (let doc = 0; doc < scores.length; doc++) {
    const score = scores[doc];
    if (!(score > 0)) continue;
    if (hits.length === k && score <= hits[k - 1].score) continue;
    // k is small (1–64): insertion into a sorted array beats a heap at this size.
    let at = hits.length;
    while (at > 0 && hits[at - 1].score < score) at--;
    hits.splice(at, 0, { doc, score });
    if (hits.length > k) hits.pop();
  }
  return hits;
}
