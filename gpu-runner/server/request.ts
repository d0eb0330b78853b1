/**
 * Reading a signed request's JSON body: content type, UTF-8, JSON, then the route's zod schema
 * (protocol/runner-api.ts). Every failure is a 4xx {@link RunnerError} that names the field.
 */
import type { z } from 'zod';
import { RunnerError } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks the content type and parses `body` (the verified raw bytes) with `schema`.
 * 415 unless `application/json`; 400 `invalid_json` or `invalid_request` naming the field.
 */
export function parseJsonBody<S extends z.ZodType>(
  contentType: string | undefined,
  body: Uint8Array,
  schema: S,
): z.infer<S> {
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new RunnerError(
      415,
      'unsupported_media_type',
      `content-type must be application/json, got ${mediaType || 'none'}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    throw new RunnerError(400, 'invalid_json', 'the body is not valid UTF-8 JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new RunnerError(400, 'invalid_request', describeIssue(parsed.error.issues[0]));
  return parsed.data;
}

/** One zod issue as `field: message`, or the unknown field's name. */
function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid request body';
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  const field = issue.path.map(String).join('.');
  if (!field) return `body: ${issue.message}`;
  return issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
}
