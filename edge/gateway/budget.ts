/**
 * `x-glyph-budget` on `POST /v1/chat/completions`: the request's messages replaced by the
 * budgeted context of the same history (edge/context/): the recent turns as text, older ones as
 * pages, the oldest denser or dropped behind a marker, never over the budget for the profile the
 * gateway chose. Only text messages can be budgeted (their content a string or text parts).
 */
import { MAX_CONTEXT_BUDGET } from '../../protocol/public-api/context.ts';
import type { Message, Role } from '../conversations/transcript.ts';
import type { ChatMessage } from './chat-request.ts';
import { GatewayError } from './openai-error.ts';

/** Request header: the most tokens the messages may cost the model. */
export const BUDGET_HEADER = 'x-glyph-budget';

/** The header's budget. @throws GatewayError 400 `invalid_budget` unless a whole number from 1 to the maximum. */
export function parseBudget(header: string): number {
  const value = header.trim();
  const n = /^[0-9]{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_CONTEXT_BUDGET) {
    throw new GatewayError(
      400,
      'invalid_budget',
      `${BUDGET_HEADER} must be a whole number of tokens from 1 to ${MAX_CONTEXT_BUDGET}, got "${value.slice(0, 32)}"`,
      BUDGET_HEADER,
    );
  }
  return n;
}

// OpenAI's `developer` role is its newer name for `system`.
const ROLES: Record<string, Role> = { user: 'user', assistant: 'assistant', system: 'system', developer: 'system' };

/**
 * The request's messages as history turns: text content only (a string, or text parts joined by
 * a blank line). @throws GatewayError 400 naming the message that cannot be budgeted.
 */
export function historyOf(messages: readonly ChatMessage[]): Message[] {
  return messages.map((m, i) => {
    const role = ROLES[m.role];
    if (!role) {
      throw new GatewayError(
        400,
        'invalid_request',
        `messages[${i}].role: "${m.role.slice(0, 32)}" cannot be budgeted (${BUDGET_HEADER} takes user, assistant, system and developer messages)`,
        `messages[${i}].role`,
      );
    }
    let content: string;
    if (typeof m.content === 'string') content = m.content;
    else if (Array.isArray(m.content)) {
      content = m.content
        .map((p, j) => {
          if (p.type !== 'text' || typeof p.text !== 'string') {
            throw new GatewayError(
              400,
              'invalid_request',
              `messages[${i}].content[${j}]: ${BUDGET_HEADER} budgets text parts only`,
              `messages[${i}].content[${j}]`,
            );
          }
          return p.text;
        })
        .join('\n\n');
    } else content = '';
    if (content.trim() === '') {
      throw new GatewayError(
        400,
        'invalid_request',
        `messages[${i}].content: a budgeted message needs text`,
        `messages[${i}].content`,
      );
    }
    return { role, content };
  });
}
