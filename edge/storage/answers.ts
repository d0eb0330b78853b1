/**
 * Cached answers in R2, keyed by (tenant, document, config, answer backend, normalized question):
 * the same question asked again — modulo case, spacing and Unicode compatibility forms — is
 * answered from R2 without a runner call.
 */
import type { AnswerResponse } from '../../protocol/runner-api.ts';
import type { Env } from '../bindings.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';
import { answerKey } from './keys.ts';

/** A cached answer: the runner's response plus when and for which question it was made. */
export interface StoredAnswer extends AnswerResponse {
  question: string;
  storedAt: string;
}

/** The cache form of a question: NFKC, lowercase, whitespace collapsed, trimmed. */
export function normalizeQuestion(question: string): string {
  return question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Backend names become key segments: lowercase, safe characters only. */
export function backendSegment(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 63);
  return cleaned || 'default';
}

/** Where an answer is cached. */
export interface AnswerLocation {
  tenant: string;
  sha: string;
  configHash: string;
  backend: string;
  question: string;
}

async function keyOf(at: AnswerLocation): Promise<string> {
  return answerKey(
    at.tenant,
    at.sha,
    at.configHash,
    backendSegment(at.backend),
    await sha256Hex(normalizeQuestion(at.question)),
  );
}

/** The cached answer, or null. */
export async function readAnswer(env: Env, at: AnswerLocation): Promise<StoredAnswer | null> {
  const object = await env.ANSWERS.get(await keyOf(at));
  return object ? ((await object.json()) as StoredAnswer) : null;
}

/**
 * Caches an answer under the backend that actually produced it (`answerer`): if the runners'
 * backend differs from ANSWER_BACKEND, lookups simply miss instead of serving one backend's
 * answer as another's.
 */
export async function writeAnswer(
  env: Env,
  at: Omit<AnswerLocation, 'backend'>,
  answer: AnswerResponse,
): Promise<void> {
  const stored: StoredAnswer = {
    answer: answer.answer,
    answerer: answer.answerer,
    citations: answer.citations,
    question: at.question,
    storedAt: new Date().toISOString(),
  };
  await env.ANSWERS.put(await keyOf({ ...at, backend: answer.answerer }), JSON.stringify(stored), {
    httpMetadata: { contentType: 'application/json' },
  });
}
