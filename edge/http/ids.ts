/**
 * Path parameters are checked against strict patterns before they reach an R2 key, so `..`, `/`,
 * `%2F`, NUL or anything else odd can never address an object outside the caller's tenant prefix.
 */
import { badRequest } from './errors.ts';

const SHA256 = /^[0-9a-f]{64}$/;
const JOB_ID = /^job_[0-9a-f]{32}$/;
const PAGE = /^[1-9][0-9]{0,5}$/;

/** A document id (lowercase hex SHA-256 of the text), or 400. */
export function documentId(value: string | undefined): string {
  if (value === undefined || !SHA256.test(value)) {
    throw badRequest('invalid_document_id', 'document id must be 64 lowercase hex characters (the SHA-256 of the text)');
  }
  return value;
}

/** A render id (the render config hash, 64 lowercase hex), or 400. */
export function renderId(value: string | undefined): string {
  if (value === undefined || !SHA256.test(value)) {
    throw badRequest('invalid_render_id', 'render id must be 64 lowercase hex characters');
  }
  return value;
}

/** A 1-based page number (upper bound checked against the manifest by the caller), or 400. */
export function pageNumber(value: string | undefined): number {
  if (value === undefined || !PAGE.test(value)) {
    throw badRequest('invalid_page', 'page must be a whole number from 1');
  }
  return Number(value);
}

/** A job id, or 400. */
export function jobId(value: string | undefined): string {
  if (value === undefined || !JOB_ID.test(value)) {
    throw badRequest('invalid_job_id', 'job id must look like job_ followed by 32 hex characters');
  }
  return value;
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
