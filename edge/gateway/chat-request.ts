/**
 * The part of an OpenAI Chat Completions request the gateway reads — `model`, `messages` and
 * their content — validated loosely: every other field (and every field of a message or part we do
 * not touch) passes through to the upstream exactly as sent.
 */
import { z } from 'zod';
import { GatewayError } from './openai-error.ts';

const part = z.looseObject({ type: z.string() });
const message = z.looseObject({
  role: z.string().min(1),
  content: z.union([z.string(), z.array(part), z.null()]).optional(),
});

/** What the gateway needs of a request body (the rest is kept as it came). */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  messages: z.array(message).min(1),
  stream: z.boolean().optional(),
});

/** A parsed request. */
export type ChatRequest = z.infer<typeof chatRequestSchema>;
/** One message of it. */
export type ChatMessage = ChatRequest['messages'][number];
/** One content part. */
export type ChatContentPart = z.infer<typeof part>;

/** `messages[2].content[0].text` from a zod issue path. */
function paramOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || 'body';
}

/**
 * Parses and checks a request body: JSON, the fields above, and `text` parts that carry a string.
 * @throws GatewayError 400 `invalid_request_error` naming the field (`param`).
 */
export function parseChatRequest(raw: string): ChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new GatewayError(400, 'invalid_json', 'request body is not valid JSON');
  }
  const parsed = chatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = paramOf(issue.path);
    throw new GatewayError(400, 'invalid_request', `${param}: ${issue.message}`, param);
  }
  parsed.data.messages.forEach((m, i) => {
    if (!Array.isArray(m.content)) return;
    m.content.forEach((p, j) => {
      if (p.type === 'text' && typeof p.text !== 'string') {
        const param = `messages[${i}].content[${j}].text`;
        throw new GatewayError(400, 'invalid_request', `${param}: a text part needs a string "text"`, param);
      }
    });
  });
  return parsed.data;
}
