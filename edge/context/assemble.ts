/**
 * The messages of a budgeted context in one API's shape: one user message that carries the
 * marker of the omitted turns and each tier's pages (their instruction, then the images), then
 * the turns kept as text with their own roles. OpenAI takes system turns in `messages`;
 * Anthropic Messages and Gemini take them outside, so for those they come back as `system`.
 */
import type { PayloadFormat } from '../../protocol/model-payloads.ts';
import type { Message } from '../conversations/transcript.ts';

/** Input of {@link assembleMessages}. */
export interface AssembleInput {
  format: PayloadFormat;
  /** The marker text, when turns were dropped. */
  marker: string | null;
  /** Each tier's content parts in `format`'s shape (instruction, then images), oldest first. */
  pageParts: readonly Record<string, unknown>[][];
  /** The turns kept as text, in order. */
  text: readonly Message[];
}

/** The assembled messages, and the system text for formats that take it apart. */
export interface AssembledContext {
  messages: Record<string, unknown>[];
  system?: string;
}

/** Builds the messages; see the module comment. */
export function assembleMessages(input: AssembleInput): AssembledContext {
  const { format } = input;
  const textPart = (text: string) => (format === 'gemini' ? { text } : { type: 'text', text });
  const context: Record<string, unknown>[] = [
    ...(input.marker !== null ? [textPart(input.marker)] : []),
    ...input.pageParts.flat(),
  ];
  const messages: Record<string, unknown>[] = [];
  if (context.length > 0)
    messages.push(format === 'gemini' ? { role: 'user', parts: context } : { role: 'user', content: context });
  const system: string[] = [];
  for (const m of input.text) {
    if (m.role === 'system' && format !== 'openai') {
      system.push(m.content);
      continue;
    }
    if (format === 'gemini')
      messages.push({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] });
    else messages.push({ role: m.role, content: m.content });
  }
  return system.length > 0 ? { messages, system: system.join('\n\n') } : { messages };
}
