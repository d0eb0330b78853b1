/**
 * Path parameters are checked against strict patterns before they reach an R2 key, so `..`, `/`,
 * `%2F`, NUL or anything else odd can never address an object outside the caller's tenant prefix.
 */
import { ID_RULES, type IdRule } from '../../protocol/public-api/id-rules.ts';
import { badRequest } from './errors.ts';

const SHA256 = ID_RULES.document.pattern;

function checked(rule: IdRule, value: string | undefined): string {
  if (value === undefined || !rule.pattern.test(value)) throw badRequest(rule.code, rule.message);
  return value;
}

/** A document id (lowercase hex SHA-256 of the text), or 400. */
export function documentId(value: string | undefined): string {
  return checked(ID_RULES.document, value);
}

/** A render id (the render config hash, 64 lowercase hex), or 400. */
export function renderId(value: string | undefined): string {
  return checked(ID_RULES.render, value);
}

/** A 1-based page number (upper bound checked against the manifest by the caller), or 400. */
export function pageNumber(value: string | undefined): number {
  return Number(checked(ID_RULES.page, value));
}

/** A job id, or 400. */
export function jobId(value: string | undefined): string {
  return checked(ID_RULES.job, value);
}

/** Whether `value` is a lowercase hex SHA-256. */
export function isSha256(value: string): boolean {
  return SHA256.test(value);
}

/** A new job id: 128 random bits. */
export function newJobId(): string {
  return `job_${hex(crypto.getRandomValues(new Uint8Array(16)))}`;
}

/** Lowercase hex of bytes. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Lowercase hex SHA-256 of bytes or a UTF-8 string. */
export async function sha256(data: Uint8Array | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}
