/**
 * Text tokens of the short texts a budgeted context sends (turns, the marker, the pages'
 * instruction), in the profile's tokenizer family, counted by a runner (`POST /v1/tokens`): the
 * Worker ships no tokenizer (edge/README.md, "Text tokens"). Counts are kept per isolate by
 * family and SHA-256 of the text: a history sent again turn by turn asks only for its new turns.
 */
import { LRUCache } from 'lru-cache';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { RunnerClient } from '../runners/runner-client.ts';
import { ApiError } from '../http/errors.ts';

const counts = new LRUCache<string, number>({ max: 20_000 });

/** Counts texts in one family, each once, in parallel. */
export class TextTokenCounter {
  constructor(
    private readonly runners: RunnerClient,
    readonly family: TextTokenizerFamily,
  ) {}

  /** The count of `text`. @throws what the runner client throws when no runner can count. */
  async count(text: string): Promise<number> {
    if (text.length === 0) return 0;
    const sha = await sha256Hex(text);
    const key = `${this.family}/${sha}`;
    const known = counts.get(key);
    if (known !== undefined) return known;
    const counted = await this.runners.countTokens(sha, { text, family: this.family });
    if (counted.tokenizer !== this.family) {
      // A runner older than the `family` field: its count is in another tokenizer, so no budget could be kept.
      throw new ApiError(502, 'runner_error', `the runner counted in ${counted.tokenizer}, not ${this.family}`);
    }
    counts.set(key, counted.textTokens);
    return counted.textTokens;
  }

  /** The counts of `texts`, in order. */
  countAll(texts: readonly string[]): Promise<number[]> {
    return Promise.all(texts.map((t) => this.count(t)));
  }
}
