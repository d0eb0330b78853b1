/**
 * A new document's Qwen3 text-token count, asked of a runner at upload (`POST /v1/tokens`): the
 * Worker does not ship a tokenizer (bundle size and CPU: see edge/README.md, "Text tokens"). The
 * count is stored in D1 with the document, so it is asked once per tenant and text.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { unavailable } from '../http/errors.ts';
import { describeFailure } from '../runners/failures.ts';
import { runnerClient } from '../runners/runner-client.ts';
import { setTextTokens, type DocumentRecord } from '../storage/documents.ts';

/**
 * `record`'s text-token count: the stored one, else a runner's count of `text`, then stored.
 *
 * @throws {ApiError} 503 (with Retry-After) when no runner can count: the text is already stored,
 *   so the retry is the same upload, answered 200 with the count. A runner's refusal passes through.
 */
export async function textTokensOf(c: Context<AppEnv>, record: DocumentRecord, text: string): Promise<number> {
  if (record.textTokens !== null) return record.textTokens;
  let textTokens: number;
  try {
    ({ textTokens } = await runnerClient(c.env).countTokens(record.sha256, { text }));
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.status !== 503) throw error;
    throw unavailable(
      `the document is stored, but no runner could count its tokens; retry the upload (${failure.message})`,
      failure.retryAfterSeconds ?? 5,
      failure.code,
    );
  }
  await setTextTokens(c.env, c.get('caller').tenant, record.sha256, textTokens);
  return textTokens;
}
