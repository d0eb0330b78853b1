/** `POST /v1/tokens`: a text's token count, which the edge stores with a new document. */
import { z } from 'zod';
import { TEXT_TOKENIZER_FAMILIES, type TextTokenizerFamily } from '../text-tokenizers.ts';

const familySchema = z.enum(TEXT_TOKENIZER_FAMILIES as readonly [TextTokenizerFamily, ...TextTokenizerFamily[]], {
  error: `family must be one of ${TEXT_TOKENIZER_FAMILIES.join(', ')}`,
});

/**
 * Request of `POST /v1/tokens`: the text, and the tokenizer family to count it in (default
 * `qwen3`, the count uploads report; another profile's family for its totals and worthIt).
 */
export const tokensRequestSchema = z.strictObject({ text: z.string(), family: familySchema.optional() });
/** Request of `POST /v1/tokens`. */
export type TokensRequest = z.infer<typeof tokensRequestSchema>;

/** Response of `POST /v1/tokens`: the count and the tokenizer family that made it (the one asked for). */
export const tokensResponseSchema = z.object({ textTokens: z.number().int().nonnegative(), tokenizer: familySchema });
/** Response of `POST /v1/tokens`. */
export type TokensResponse = z.infer<typeof tokensResponseSchema>;
