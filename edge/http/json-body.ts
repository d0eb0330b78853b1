/**
 * Small JSON request bodies (render, query, decode options): size-capped, parsed, and checked
 * with a zod schema whose first problem becomes a 400 naming the field.
 */
import type { z } from 'zod';
import { badRequest } from './errors.ts';
import { decodeUtf8, readLimited } from './read-text.ts';

/** Options bodies are tiny; anything near this is not an options object. */
export const MAX_OPTIONS_BYTES = 64 * 1024;

/**
 * Parses `request`'s body with `schema`. An absent body counts as `{}` so that, e.g., a render
 * with all defaults needs no body at all.
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const bytes = await readLimited(request, MAX_OPTIONS_BYTES);
  let json: unknown = {};
  if (bytes.byteLength > 0) {
    const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') throw badRequest('invalid_content_type', 'send options as application/json');
    try {
      json = JSON.parse(decodeUtf8(bytes));
    } catch {
      throw badRequest('invalid_json', 'request body is not valid JSON');
    }
  }
  return parseWith(schema, json);
}

/** Validates `value` with `schema`, or throws 400 `invalid_request` naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw badRequest('invalid_request', `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  const field = issue?.path.map(String).join('.') ?? '';
  const message = issue?.message ?? 'invalid request';
  throw badRequest('invalid_request', field && !message.startsWith(field) ? `${field}: ${message}` : message);
}
