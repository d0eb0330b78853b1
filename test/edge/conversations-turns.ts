/**
 * A deterministic generator of varied chat turns (seeded PRNG): short questions, long prose
 * answers, bulleted lists, indented code, numbers and non-ASCII punctuation, so that a long
 * conversation exercises the line breaker the way real histories do.
 */
import type { Message } from '../../edge/conversations/transcript.ts';

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a of to and in is it that for on with as was at by this be are from or an have not they which one you ' +
  'were all we when there can more if out so up said what its about than into them only some could time these two may ' +
  'first then do any like my now over such our man me even most made after also did many before must through back years ' +
  'where much your way well down should because each just those people how too little state good very make world still ' +
  'own see men work long get here between both life being under never day same another know while last might us great ' +
  'old year off come since against go came right used take three renderer page token budget context window cache prefix ' +
  'latency throughput glyph compression résumé café naïve coöperate façade — “quoted” ‘single’ …'
).split(' ');

/** A generator of turns: `next(role)` writes one message of that role. */
export function turnGenerator(seed: number) {
  const random = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sentence = () => {
    const words = Array.from({ length: int(4, 22) }, () => pick(WORDS));
    if (random() < 0.2) words.splice(int(0, words.length), 0, String(int(1, 99_999)));
    const first = words[0]!;
    words[0] = first.charAt(0).toUpperCase() + first.slice(1);
    return `${words.join(' ')}${pick(['.', '.', '.', '?', '!', ';', ':'])}`;
  };
  const paragraph = (sentences: number) => Array.from({ length: sentences }, sentence).join(' ');
  const list = () => Array.from({ length: int(2, 6) }, () => `- ${sentence()}`).join('\n');
  const code = () =>
    Array.from(
      { length: int(2, 8) },
      (_, i) => `${'  '.repeat(int(0, 3))}const v${i} = f(${int(0, 999)}, "${pick(WORDS)}");`,
    ).join('\n');

  return (role: Message['role']): Message => {
    if (role === 'user') return { role, content: random() < 0.3 ? paragraph(int(2, 5)) : sentence() };
    if (role === 'system') return { role, content: paragraph(1) };
    const parts: string[] = [paragraph(int(2, 9))];
    if (random() < 0.3) parts.push(list());
    if (random() < 0.2) parts.push(code());
    if (random() < 0.5) parts.push(paragraph(int(1, 6)));
    return { role, content: parts.join(random() < 0.5 ? '\n' : '\n\n') };
  };
}

/** `count` turns: a system prompt, then user and assistant alternating. */
export function conversationTurns(count: number, seed = 13): Message[] {
  const next = turnGenerator(seed);
  return Array.from({ length: count }, (_, i) => next(i === 0 ? 'system' : i % 2 === 1 ? 'user' : 'assistant'));
}
