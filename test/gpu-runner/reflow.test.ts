import { describe, expect, it } from 'vitest';
import { reflow, type ParagraphDecision } from '../../gpu-runner/reflow/index.ts';
import { fixture } from './render-helpers.ts';

const novel = fixture('texts/pride_and_prejudice.txt').replace(/\r\n/g, '\n');
/** Lines `first..last` (1-based, inclusive) of the novel: chapter I of the Gutenberg text. */
const chapterOne = novel.split('\n').slice(695, 735).join('\n');

// Wordsworth, "I Wandered Lonely as a Cloud" (1807), public domain.
const poem = `I wandered lonely as a cloud
That floats on high o'er vales and hills,
When all at once I saw a crowd,
A host, of golden daffodils;
Beside the lake, beneath the trees,
Fluttering and dancing in the breeze.`;

const python = `def page_count(text, width=70):
    lines = text.splitlines()
    if not lines:
        return 0
    return sum(1 for line in lines if len(line) > width)`;

const javascript = `export function pageCount(text, width = 70) {
  const lines = text.split('\\n');
  return lines.filter((line) => line.length > width).length;
}`;

const pipeTable = `| profile  | glyph-en | reflowed |
|----------|----------|----------|
| glm-4.1v | 2.51     | 3.03     |
| qwen3-vl | 3.34     | 3.93     |`;

const alignedTable = `profile     glyph-en   reflowed   pages
glm-4.1v    2.51       3.03       76
qwen3-vl    3.34       3.93       38`;

const bullets = `- render the pages at the size the model reads without resizing them
- count the text tokens with the tokenizer of the model that reads the pages
- say so when the pages cost more than the text they replace would have`;

const numbered = `1. Upload the document to the edge and keep the identifier it returns.
2. Ask for a render with the profile of the model that will read it.
3. Send the page images to the model in place of the long text part.`;

const email = `Hello Anne,

thank you for the figures you sent on Friday. I have looked at them with
the rest of the team and we agree that the reflowed pages read just as
well as the ones we render today, at half the number of pages.

On Friday, Anne Elliot wrote:
> The reflowed pages of the novel come out at thirty-eight pages, where
> the same text wrapped at seventy columns needs seventy-six of them.
> Read-back stays at the same level on both.

Best regards,
Frederick`;

const decisions = (text: string, mode: 'auto' | 'on' = 'auto') =>
  reflow(text, mode).paragraphs.map((p: ParagraphDecision) => `${p.first}-${p.last} ${p.action} ${p.reason}`);

describe('reflow decisions (auto)', () => {
  it('joins a Gutenberg-wrapped paragraph; a single blank line between prose paragraphs becomes a plain break', () => {
    const r = reflow(chapterOne, 'auto');
    expect(r.reflowed).toBe(true);
    const out = r.text.split('\n');
    expect(out[0]).toBe(
      'It is a truth universally acknowledged, that a single man in possession of a good fortune must be in want of a wife.',
    );
    expect(out[1]).toMatch(/^However little known .* their daughters\.$/);
    // One-line paragraphs stay whole lines of their own; no paragraph break costs an empty row.
    expect(out).toContain('Mr. Bennet replied that he had not.');
    expect(r.text).not.toContain('\n\n');
    expect(out.length).toBe(chapterOne.split(/\n[ \t]*\n/).length);
    expect(r.text.replace(/\s+/g, ' ')).toBe(chapterOne.replace(/\s+/g, ' '));
  });

  it('keeps two or more blank lines, and blank lines next to kept blocks, as they are', () => {
    const wrapped = (s: string) =>
      `${s} stayed at home all the long winter evening and read\naloud from the book that had come by the morning post to the house.`;
    const text = [wrapped('Anne'), '', '', wrapped('Mary'), '', python, '', wrapped('Jane'), '', wrapped('Kitty')].join(
      '\n',
    );
    const r = reflow(text, 'auto');
    const blocks = r.text.split('\n\n');
    expect(r.text).toContain('the house.\n\n\nMary stayed');
    expect(r.text).toContain(`the house.\n\n${python}\n\nJane stayed`);
    expect(r.text).toContain('the house.\nKitty stayed');
    expect(blocks.at(-1)).toMatch(/^Jane .*house\.\nKitty .*house\.$/);
    // The line map still names the customer's lines: Kitty's paragraph is lines 17-18 of the source.
    const kitty = r.text.indexOf('Kitty');
    expect(r.lineMap.sourceLinesOf({ start: kitty, end: r.text.length })).toEqual({ first: 17, last: 18 });
    expect(reflow(text, 'off').text).toBe(text);
  });

  it('joins hard-wrapped classical Chinese without spaces, one paragraph per indented line', () => {
    const zh = fixture('texts/shen-yin-yu-excerpt.txt');
    const r = reflow(zh, 'auto');
    expect(r.reflowed).toBe(true);
    const first = r.text.split('\n').find((l) => l.startsWith('　　正命者'));
    expect(first).toBe(
      '　　正命者，完卻正理，全卻初氣，未嘗以我害之，雖桎梏而死，不害其為正命。若初氣所鑿喪，正理不完，即正寢告終，恐非正命也。',
    );
    // Paragraphs that follow each other with no blank line, each opened by 　　, stay apart.
    expect(r.text).toContain('不失為改過之鬼，況一息尚存乎？」\n　　既做人在世間');
    expect(r.text.replace(/\s/g, '')).toBe(zh.replace(/\s/g, ''));
  });

  it('keeps code (Python and JavaScript)', () => {
    for (const code of [python, javascript]) {
      const r = reflow(code, 'auto');
      expect(r.text).toBe(code);
      expect(r.paragraphs).toEqual([expect.objectContaining({ action: 'kept', reason: 'code' })]);
    }
  });

  it('keeps a poem of short lines', () => {
    expect(reflow(poem, 'auto').text).toBe(poem);
    expect(decisions(poem)).toEqual(['1-6 kept verse']);
  });

  it('keeps tables, with pipes or aligned columns', () => {
    expect(decisions(pipeTable)).toEqual(['1-4 kept table']);
    expect(decisions(alignedTable)).toEqual(['1-3 kept table']);
    expect(reflow(alignedTable).text).toBe(alignedTable);
  });

  it('keeps bulleted and numbered lists', () => {
    expect(decisions(bullets)).toEqual(['1-3 kept list']);
    expect(decisions(numbered)).toEqual(['1-3 kept list']);
  });

  it('joins an e-mail body but keeps its quoted lines, greeting and signature', () => {
    const r = reflow(email, 'auto');
    expect(decisions(email)).toEqual([
      '1-1 kept single-line',
      '3-5 joined wrapped',
      '7-10 kept quote',
      '12-13 kept not-wrapped',
    ]);
    expect(r.text).toContain('I have looked at them with the rest of the team');
    expect(r.text).toContain(
      'On Friday, Anne Elliot wrote:\n> The reflowed pages of the novel come out at thirty-eight pages, where\n> the same',
    );
    expect(r.text.endsWith('Best regards,\nFrederick')).toBe(true);
  });

  it('keeps short hand-broken lines in wrapped prose (a caption inside a novel)', () => {
    const caption = `${chapterOne}\n\n“Such very superior dancing is not\noften seen.”`;
    expect(decisions(caption).at(-1)).toMatch(/ kept not-wrapped$/);
  });
});

describe('reflow modes', () => {
  it('off returns the text unchanged', () => {
    const r = reflow(chapterOne, 'off');
    expect(r).toMatchObject({ text: chapterOne, reflowed: false, paragraphs: [] });
    expect(r.lineMap.sourceLineOf(chapterOne.indexOf('However'))).toBe(4);
  });

  it('on joins a plain paragraph auto leaves, but never code, tables, lists, quotes or verse', () => {
    const ragged = 'A short first line\nand then a much longer second line that goes on for a while';
    expect(reflow(ragged, 'auto').reflowed).toBe(false);
    expect(reflow(ragged, 'on').text).toBe(
      'A short first line and then a much longer second line that goes on for a while',
    );
    expect(decisions(ragged, 'on')).toEqual(['1-2 joined on']);
    for (const kept of [python, javascript, pipeTable, alignedTable, bullets, numbered, poem])
      expect(reflow(kept, 'on').text).toBe(kept);
    expect(reflow(email, 'on').text).toContain(
      '> The reflowed pages of the novel come out at thirty-eight pages, where\n>',
    );
  });

  it('reports reflowed: false when nothing was joined', () => {
    expect(reflow(python, 'auto')).toMatchObject({ text: python, reflowed: false });
  });

  it('keeps Windows line ends of kept lines and joins across them', () => {
    const crlf = chapterOne.replace(/\n/g, '\r\n');
    const r = reflow(crlf, 'auto');
    expect(r.text.split('\r\n')[0]).toBe(
      'It is a truth universally acknowledged, that a single man in possession of a good fortune must be in want of a wife.',
    );
    expect(r.text).not.toMatch(/[^\r]\n/);
  });
});
