/**
 * How a conversation becomes the text its pages are drawn from: each turn a paragraph that opens
 * with its speaker (`User:`, `Assistant:`, `System:`), as Glyph's MRCR evaluation renders a dialogue
 * (its contexts are the turns of a chat flattened into one text, speaker first), turns separated by
 * one blank line. A message's own line breaks are kept.
 *
 * Appending a turn appends text and never rewrites any: the transcript of n turns is a prefix of
 * the transcript of n + 1, which is what lets the pages of the past stay byte-identical.
 */

/** Who said a turn. */
export type Role = 'user' | 'assistant' | 'system';

/** One turn as stored. */
export interface Message {
  role: Role;
  content: string;
}

const SPEAKER: Record<Role, string> = { user: 'User', assistant: 'Assistant', system: 'System' };

/** Between two turns. */
export const TURN_SEPARATOR = '\n\n';

/** The text of one turn: its speaker, a colon, its content. */
export function turnText(message: Message): string {
  return `${SPEAKER[message.role]}: ${message.content}`;
}

/** The whole transcript of `messages`, in order. */
export function transcriptOf(messages: readonly Message[]): string {
  return messages.map(turnText).join(TURN_SEPARATOR);
}

/** What appending `next` to a transcript of `existing` turns adds to its end. */
export function appendedText(existing: number, next: readonly Message[]): string {
  const text = next.map(turnText).join(TURN_SEPARATOR);
  return existing === 0 || next.length === 0 ? text : TURN_SEPARATOR + text;
}
