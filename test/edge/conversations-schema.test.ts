/**
 * The conversation pieces that need no Worker: the append body's refusals (each naming its field),
 * and the transcript format (append = a pure suffix). Which pages a render keeps is
 * test/edge/render-reuse.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { appendBodySchema } from '../../protocol/public-api/conversations.ts';
import { issueError } from '../../edge/http/issues.ts';
import { appendedText, transcriptOf, type Message } from '../../edge/conversations/transcript.ts';

function refusal(body: unknown): string {
  const result = appendBodySchema.safeParse(body);
  expect(result.success, JSON.stringify(body)).toBe(false);
  return issueError(result.error!.issues[0]).message;
}

describe('append body', () => {
  it('takes one message or a list', () => {
    expect(appendBodySchema.parse({ role: 'user', content: 'hi' })).toEqual({ role: 'user', content: 'hi' });
    expect(appendBodySchema.parse({ messages: [{ role: 'system', content: 'x' }] })).toEqual({
      messages: [{ role: 'system', content: 'x' }],
    });
  });

  it.each([
    [{ role: 'bot', content: 'x' }, /^role must be one of user, assistant, system/],
    [{ role: 'user' }, /^content is required/],
    [{ content: 'x' }, /^role is required/],
    [{ role: 'user', content: '' }, /^content must not be empty/],
    [
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'x', content: 'b' },
        ],
      },
      /^messages\.1\.role: /,
    ],
    [{ messages: [] }, /^messages must not be empty/],
    [{ messages: [{ role: 'user', content: 'a' }], content: 'b' }, /^messages: send either/],
    [{ role: 'user', content: 'a', extra: 1 }, /unknown field "extra"/],
    [[], /.+/],
  ])('refuses %j naming the field', (body, message) => {
    expect(refusal(body)).toMatch(message);
  });
});

describe('transcript', () => {
  const turns: Message[] = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi\nthere' },
    { role: 'assistant', content: 'Hello.' },
  ];

  it('draws each turn with its speaker, a blank line between turns', () => {
    expect(transcriptOf(turns)).toBe('System: Be brief.\n\nUser: Hi\nthere\n\nAssistant: Hello.');
  });

  it('grows by a suffix only', () => {
    for (let n = 0; n < turns.length; n++) {
      expect(transcriptOf(turns.slice(0, n)) + appendedText(n, turns.slice(n))).toBe(transcriptOf(turns));
    }
  });
});
