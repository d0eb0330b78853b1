/**
 * A document's text tokens in one tokenizer family: each profile counts text in its own model's
 * family (protocol/text-tokenizers.ts), and one stored render serves every profile, so a render
 * priced for gpt-4o (o200k) and viewed for qwen3-vl needs the Qwen3 count. Counts are kept per
 * family with the document (storage/documents.ts); a missing one is asked of a runner once.
 */
import type { TextTokenizerFamily } from '../../protocol/text-tokenizers.ts';
import type { Env } from '../bindings.ts';
import type { RunnerClient } from '../runners/runner-client.ts';
import { readDocumentText, setFamilyTextTokens, type DocumentRecord } from '../storage/documents.ts';

/** Options of {@link familyTextTokens}. */
export interface FamilyTextTokensOptions {
  env: Env;
  runners: RunnerClient;
  tenant: string;
  doc: DocumentRecord;
  family: TextTokenizerFamily;
  /** The document's text when the caller has it (else it is read from R2). */
  text?: string;
}

/**
 * `family`'s count of the document's text: the stored one, else a runner's (then stored).
 * Undefined when the runner counted in another family than asked (a runner older than the
 * `family` field): the caller then reports the count it has under the family it is in.
 *
 * @throws what {@link RunnerClient.countTokens} throws when no runner can count.
 */
export async function familyTextTokens(options: FamilyTextTokensOptions): Promise<number | undefined> {
  const { env, runners, tenant, doc, family } = options;
  const known = doc.textTokensByFamily[family];
  if (known !== undefined) return known;
  const text = options.text ?? (await readDocumentText(env, tenant, doc.sha256));
  if (text === null) return undefined;
  const counted = await runners.countTokens(doc.sha256, { text, family });
  if (counted.tokenizer !== family) return undefined;
  await setFamilyTextTokens(env, tenant, doc.sha256, family, counted.textTokens);
  doc.textTokensByFamily[family] = counted.textTokens;
  return counted.textTokens;
}
