/**
 * Reads a context body: JSON up to MAX_MESSAGES_BODY_BYTES (a history carries messages of up to
 * 100 000 characters, as conversation appends do), strict UTF-8, parsed once for the validator.
 */
import { createMiddleware } from 'hono/factory';
import { MAX_MESSAGES_BODY_BYTES } from '../../protocol/public-api/conversations.ts';
import type { AppEnv } from '../app-env.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import { decodeUtf8, readLimited } from '../http/read-text.ts';

/** Middleware: the body as JSON for the validator; 413 past the limit, 415 for another type. */
export function contextBody() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const bytes = await readLimited(c.req.raw, MAX_MESSAGES_BODY_BYTES, 'context bodies (MAX_MESSAGES_BODY_BYTES)');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (bytes.byteLength === 0)
      throw badRequest('invalid_request', 'send {messages | conversationId, profile, budget}');
    if (type !== 'application/json')
      throw new ApiError(415, 'unsupported_media_type', 'send the context request as application/json');
    let value: unknown;
    try {
      value = JSON.parse(decodeUtf8(bytes)) as unknown;
    } catch {
      throw badRequest('invalid_json', 'request body is not valid JSON');
    }
    c.req.json = <T>() => Promise.resolve(value as T);
    await next();
  });
}
