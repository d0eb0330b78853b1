/**
 * Keeps a reasoning model's private reasoning out of the answer. Glyph (GLM-4.1V based) thinks
 * before it answers: served with vLLM's `--reasoning-parser glm45` the reasoning arrives in a
 * separate `reasoning_content` field (which we ignore), but without the parser it comes inline
 * as `<think>…</think><answer>…</answer>`, with the final answer possibly in
 * `<|begin_of_box|>…<|end_of_box|>`. This filter drops think blocks and unwraps the markers,
 * incrementally, since a tag can be split across streamed deltas.
 */

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
/** Markers removed from the visible text (their content is kept). */
const UNWRAP = ['<answer>', '</answer>', '<|begin_of_box|>', '<|end_of_box|>'];
const VISIBLE_TAGS = [THINK_OPEN, ...UNWRAP];

/** Streaming filter: push deltas, get the visible text of each. */
export class ReasoningFilter {
  private pending = '';
  private inThink = false;

  /** Visible text completed by `chunk` (a tag's first characters are held back until decided). */
  push(chunk: string): string {
    let buf = this.pending + chunk;
    let out = '';
    this.pending = '';
    for (;;) {
      if (this.inThink) {
        const close = buf.indexOf(THINK_CLOSE);
        if (close < 0) {
          this.pending = heldBack(buf, [THINK_CLOSE]);
          return out;
        }
        buf = buf.slice(close + THINK_CLOSE.length);
        this.inThink = false;
        continue;
      }
      let at = -1;
      let tag = '';
      for (const t of VISIBLE_TAGS) {
        const i = buf.indexOf(t);
        if (i >= 0 && (at < 0 || i < at)) [at, tag] = [i, t];
      }
      if (at < 0) {
        this.pending = heldBack(buf, VISIBLE_TAGS);
        return out + buf.slice(0, buf.length - this.pending.length);
      }
      out += buf.slice(0, at);
      buf = buf.slice(at + tag.length);
      if (tag === THINK_OPEN) this.inThink = true;
    }
  }

  /** The rest at the end of the stream: held-back text that turned out not to be a tag. */
  end(): string {
    const rest = this.inThink ? '' : this.pending; // an unclosed think block never reached an answer
    this.pending = '';
    return rest;
  }
}

/** The whole visible answer of a complete (non-streamed) model output. */
export function stripReasoning(content: string): string {
  // A chat template may open the think block in the prompt, so the output starts inside it and
  // only the closing tag shows: everything before it is reasoning.
  const open = content.indexOf(THINK_OPEN);
  const close = content.indexOf(THINK_CLOSE);
  if (close >= 0 && (open < 0 || open > close)) content = content.slice(close + THINK_CLOSE.length);
  const filter = new ReasoningFilter();
  return (filter.push(content) + filter.end()).trim();
}

/** Longest suffix of `buf` that is a proper prefix of one of `tags` (could still become a tag). */
function heldBack(buf: string, tags: readonly string[]): string {
  const from = buf.lastIndexOf('<');
  if (from < 0) return '';
  const tail = buf.slice(from);
  return tags.some((t) => t.length > tail.length && t.startsWith(tail)) ? tail : '';
}
