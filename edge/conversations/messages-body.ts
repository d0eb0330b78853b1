/**
 * Reads a messages body: JSON, up to MAX_MESSAGES_BODY_BYTES (a message may hold 100 000
 * characters, far past the 64 KiB of options bodies), strict UTF-8, parsed once and handed to the
 * route's validator as the other body middleware do (edge/http/body-middleware.ts).
 */
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.ts';
import { ApiError, badRequest } from '../http/errors.ts';
import { decodeUtf8, readLimited } from '../http/read-text.ts';
import { MAX_MESSAGES_BODY_BYTES } from '../../protocol/public-api/conversations.ts';

/** Options of {@link messagesBody}. */
export interface MessagesBodyOptions {
  /** No body at all is allowed (then the validator sees none). */
  optional?: boolean;
}

/** Middleware: the body as JSON for the validator; 413 past the limit, 415 for another type. */
export function messagesBody(options: MessagesBodyOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const bytes = await readLimited(c.req.raw, MAX_MESSAGES_BODY_BYTES, 'conversation message bodies');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (bytes.byteLength > 0 && type !== 'application/json')
      throw new ApiError(415, 'unsupported_media_type', 'send messages as application/json');
    const text = decodeUtf8(bytes);
    let value: unknown;
    try {
      value = text.length === 0 ? undefined : (JSON.parse(text) as unknown);
    } catch {
      throw badRequest('invalid_json', 'request body is not valid JSON');
    }
    if (value === undefined) {
      if (!options.optional) throw badRequest('invalid_request', 'send {role, content} or {messages: [...]}');
      // As jsonOptions does: a body-less request without a label, so the validator has nothing to check.
      const headers = new Headers(c.req.raw.headers);
      headers.delete('content-type');
      headers.delete('content-length');
      c.req.raw = new Request(c.req.url, { method: c.req.method, headers });
    } else c.req.json = <T>() => Promise.resolve(value as T);
    await next();
  });
}
