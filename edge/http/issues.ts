/**
 * One zod issue → the 400 the client sees: `invalid_request` naming the field, or the issue's own
 * code when the schema gave it one (`params.code`, see protocol/public-api/coded.ts), so a schema can keep a
 * route's established error codes (`invalid_document_id`, `invalid_config`, …).
 */
import type { z } from 'zod';
import { badRequest, type ApiError } from './errors.ts';

/** Where a value came from: names unknown keys the way the client sent them. */
export type IssueSource = 'json' | 'query' | 'param' | 'header' | (string & {});

// zod's own text for unknown keys; a schema with its own message for them keeps that.
const ZOD_UNRECOGNIZED = /^Unrecognized keys?:/;

/** The ApiError for the first problem zod found. */
export function issueError(issue: z.core.$ZodIssue | undefined, source: IssueSource = 'json'): ApiError {
  if (!issue) return badRequest('invalid_request', 'invalid request');
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') {
    // A coded issue carries the route's whole message, as its hand-written check used to.
    return badRequest(issue.params.code, issue.message);
  }
  if (issue.code === 'unrecognized_keys') {
    if (!ZOD_UNRECOGNIZED.test(issue.message)) return badRequest('invalid_request', issue.message);
    if (source === 'query') return badRequest('invalid_request', `unknown query parameter "${issue.keys[0]}"`);
    return badRequest('invalid_request', `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  const field = issue.path.map(String).join('.');
  const message = issue.message;
  return badRequest('invalid_request', field && !message.startsWith(field) ? `${field}: ${message}` : message);
}
