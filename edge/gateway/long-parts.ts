/**
 * Which text of a chat request becomes pages. Only user messages are considered: Chat Completions
 * takes images in user messages only, so a long system prompt stays text. In the last user message,
 * its own short text — the question — always stays text: a short part is kept as it is, and a long
 * string whose last paragraph is short is split there, the paragraph kept as text after the pages.
 */
import type { ChatMessage } from './chat-request.ts';

/** A question (last paragraph) longer than this is part of the context, not the question. */
export const MAX_QUESTION_CHARS = 2000;

/** One text that may become pages, and where it sits. */
export interface TextSlot {
  /** Index in `messages`. */
  message: number;
  /** Index in the message's content parts, or null when the content is a string. */
  part: number | null;
  /** The text to render. */
  text: string;
  /** Text kept after the pages (the question split off the last user message's long text). */
  keep?: string;
}

/** Index of the last user message, or -1. */
export function lastUserIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return -1;
}

/**
 * Splits the question off a long text of the last user message: the last paragraph (after the
 * last blank line) when it is short and there is text before it.
 */
export function splitQuestion(text: string): { context: string; question?: string } {
  const trimmed = text.replace(/\s+$/u, '');
  // The last blank line, in one linear pass (a lookahead for "no blank line after" would rescan
  // the rest of the text at every paragraph).
  let at = -1;
  for (const match of trimmed.matchAll(/\n[ \t]*\n/gu)) at = match.index;
  if (at <= 0) return { context: text };
  const question = trimmed.slice(at).trim();
  const context = trimmed.slice(0, at);
  if (question === '' || question.length > MAX_QUESTION_CHARS || context.trim() === '') return { context: text };
  return { context, question };
}

/**
 * The user texts `isLong` accepts, in message order. `isLong` decides whether pages pay for a
 * text (it sees the text that would be rendered, after any question was split off).
 */
export function longTextSlots(messages: readonly ChatMessage[], isLong: (text: string) => boolean): TextSlot[] {
  const last = lastUserIndex(messages);
  const slots: TextSlot[] = [];
  const consider = (message: number, part: number | null, text: string) => {
    if (message === last) {
      const { context, question } = splitQuestion(text);
      if (isLong(context))
        slots.push({ message, part, text: context, ...(question !== undefined ? { keep: question } : {}) });
      return;
    }
    if (isLong(text)) slots.push({ message, part, text });
  };
  messages.forEach((m, i) => {
    if (m.role !== 'user') return;
    if (typeof m.content === 'string') consider(i, null, m.content);
    else if (Array.isArray(m.content)) {
      m.content.forEach((p, j) => {
        if (p.type === 'text' && typeof p.text === 'string') consider(i, j, p.text);
      });
    }
  });
  return slots;
}

/** A slot's replacement: the parts that stand for its text (pages, then any kept question). */
export interface SlotReplacement<P> {
  slot: TextSlot;
  parts: P[];
}

/**
 * The messages with each slot's text replaced by its parts, in place of that text; every other
 * message, part and field is the same object as before. String content that holds a slot becomes
 * a parts array.
 */
export function replaceSlots<P extends object>(
  messages: readonly ChatMessage[],
  replacements: readonly SlotReplacement<P>[],
): ChatMessage[] {
  const byMessage = new Map<number, SlotReplacement<P>[]>();
  for (const r of replacements) byMessage.set(r.slot.message, [...(byMessage.get(r.slot.message) ?? []), r]);
  return messages.map((m, i) => {
    const mine = byMessage.get(i);
    if (!mine) return m;
    const withQuestion = (r: SlotReplacement<P>): object[] =>
      r.slot.keep !== undefined ? [...r.parts, { type: 'text', text: r.slot.keep }] : r.parts;
    if (typeof m.content === 'string') return { ...m, content: withQuestion(mine[0]!) as ChatMessage['content'] };
    const parts = (m.content ?? []).flatMap((p, j) => {
      const r = mine.find((x) => x.slot.part === j);
      return r ? withQuestion(r) : [p];
    });
    return { ...m, content: parts as ChatMessage['content'] };
  });
}
