/** `POST /v1/tokens`: a text's token count, which the edge stores with a new document. */
import { z } from 'zod';

/** Request of `POST /v1/tokens`. */
export const tokensRequestSchema = z.strictObject({ text: z.string() });
/** Request of `POST /v1/tokens`. */
export type TokensRequest = z.infer<typeof tokensRequestSchema>;

/** Response of `POST /v1/tokens`: the count and the tokenizer that made it (`qwen3`). */
export const tokensResponseSchema = z.object({ textTokens: z.number().int().nonnegative(), tokenizer: z.literal('qwen3') });
/** Response of `POST /v1/tokens`. */
export type TokensResponse = z.infer<typeof tokensResponseSchema>;
