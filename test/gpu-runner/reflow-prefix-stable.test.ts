/**
 * Reflow is prefix-stable (issue 13, item 1: nothing about a page may depend on text after it).
 * What reflow promises (gpu-runner/reflow/reflow.ts, `ReflowResult.stableLength`): the reflow of
 * any extension of a text starts with `text.slice(0, stableLength)` of the text's own reflow, and
 * that prefix reaches at least the end of the paragraph block before the one the text ends in.
 * So cutting a text anywhere and reflowing the piece agrees with the whole text's reflow up to
 * the block the cut falls in, decisions and line map included; and pages drawn from a reflowed
 * text change, when a paragraph is appended, only at its end.
 */
import { describe, expect, it } from 'vitest';
import { reflow, type ReflowMode, type ReflowResult } from '../../gpu-runner/reflow/index.ts';
import { appendedText, transcriptOf, type Message } from '../../edge/conversations/transcript.ts';
import { conversationTurns, turnGenerator } from '../edge/conversations-turns.ts';
import { config, fixture, renderAll, sha256 } from './render-helpers.ts';

/** Greedy wrap at `width` columns, as e-mail clients and e-text tools wrap prose. */
function wrap(line: string, width: number): string {
  const rows: string[] = [];
  let row = '';
  for (const word of line.split(' ')) {
    if (row && row.length + 1 + word.length > width) {
      rows.push(row);
      row = word;
    } else row = row ? `${row} ${word}` : word;
  }
  return [...rows, row].join('\n');
}

const novel = fixture('texts/pride_and_prejudice.txt').replace(/\r\n/g, '\n');
/** Chapters I–VI or so: Gutenberg's 70-column lines, one-line dialogue paragraphs between. */
const novelExcerpt = novel.slice(novel.indexOf('Chapter I.]'), novel.indexOf('Chapter I.]') + 60_000);

const chinese = fixture('texts/shen-yin-yu-excerpt.txt');

/**
 * Mixed: one-line paragraphs first (so nothing is joined until the first wrapped paragraph: a
 * whole-text reflow would still turn their blank lines into plain breaks), then wrapped prose,
 * code, a list, a table, verse, a log, Markdown, quoted mail, first-line-indented Chinese and
 * prose with Windows line ends.
 */
const mixed = [
  'Minutes of the rendering meeting.',
  'Present: the edge team, the runner team and two readers.',
  'The meeting opened at ten.',
  wrap(
    'The runner team reported that the reflowed pages of the novel now fill the width of the page, where the pages drawn from the text as sent leave the right half of every page empty, and that the readers found no difference in how well the model reads them back.',
    70,
  ),
  '## Decisions',
  wrap(
    'It was agreed that the default stays as it is for documents and that conversations follow once appending a turn no longer moves the pages that came before it, which the tests below now check for every cut of the text.',
    64,
  ),
  'def pages(text, width=70):\n    rows = text.splitlines()\n    return sum(1 for row in rows if len(row) > width)',
  '- measure the ratio on the novel before and after\n- keep the line map pointing at the text sent\n- render the last two pages only',
  '| profile | pages |\n|---------|-------|\n| glyph-en | 41 |',
  "I wandered lonely as a cloud\nThat floats on high o'er vales and hills,\nWhen all at once I saw a crowd,\nA host, of golden daffodils;",
  '2026-11-30 10:02:11 INFO runner started\n2026-11-30 10:02:12 WARN cache cold\n2026-11-30 10:02:15 INFO first page painted',
  'On Monday, the editor wrote:\n> The pages of the past must keep their bytes\n> when a turn is appended to the conversation.',
  chinese,
  wrap(
    'The meeting closed at noon, after a short discussion of the figures, which the lead will publish with the closing note of the issue once the benchmarks have run again on the runner.',
    72,
  ).replace(/\n/g, '\r\n'),
  '',
  '',
  wrap(
    'A section break of two blank lines stays as it is, and the paragraph after it is joined like every other wrapped paragraph of the minutes.',
    60,
  ),
].join('\n\n');

/** Every paragraph of a turn wrapped at 72 columns (lists and code as generated), as a mailing-list archive is. */
function wrappedTurns(count: number, seed: number): Message[] {
  return conversationTurns(count, seed).map((m) => ({
    role: m.role,
    content: m.content
      .split('\n')
      .map((line) => (line.startsWith('- ') || /^\s*const /.test(line) ? line : wrap(line, 72)))
      .join('\n'),
  }));
}

const dialogue = transcriptOf(wrappedTurns(80, 13));

const texts: Array<[string, string]> = [
  ['hard-wrapped novel', novelExcerpt],
  ['hard-wrapped novel, Windows line ends', novelExcerpt.slice(0, 20_000).replace(/\n/g, '\r\n')],
  ['mixed text', mixed],
  ['dialogue transcript', dialogue],
];

/** Cut points: spread over the text, plus the places next to block boundaries and line ends. */
function cutsOf(text: string, spread: number): number[] {
  const cuts = new Set<number>([0, 1, text.length - 1]);
  for (let i = 1; i < spread; i++) cuts.add(Math.floor((text.length * i) / spread));
  let found = 0;
  for (let i = text.indexOf('\n\n'); i >= 0 && found < spread; i = text.indexOf('\n\n', i + 997), found++) {
    for (const d of [-1, 0, 1, 2, 3]) cuts.add(i + d);
  }
  return [...cuts].filter((c) => c >= 0 && c < text.length).sort((a, b) => a - b);
}

/** Offset where the content of the block before the one `text` ends in ends (0 when none), found without reflow. */
function endOfBlockBefore(text: string): number {
  const rows = text.split('\n');
  const blank = (row: string) => /^\s*$/u.test(row);
  let i = rows.length - 1;
  while (i >= 0 && blank(rows[i]!)) i--; // trailing blank lines
  while (i >= 0 && !blank(rows[i]!)) i--; // the last block
  while (i >= 0 && blank(rows[i]!)) i--; // the blank lines before it
  if (i < 0) return 0;
  return rows
    .slice(0, i + 1)
    .join('\n')
    .trimEnd().length;
}

function decisionsBefore(result: ReflowResult, lastLine: number) {
  return result.paragraphs.filter((p) => p.last < lastLine);
}

describe('reflow of a cut text agrees with the whole text up to the block the cut falls in', () => {
  it.each(texts)('%s: reflow joins lines in it (so the comparison can fail)', (_name, text) => {
    const r = reflow(text, 'auto');
    expect(r.reflowed).toBe(true);
    expect(r.paragraphs.filter((p) => p.action === 'joined').length).toBeGreaterThanOrEqual(3);
  });

  for (const mode of ['auto', 'on'] as const satisfies readonly ReflowMode[]) {
    it.each(texts)(`${mode}, %s`, (_name, text) => {
      const whole = reflow(text, mode);
      for (const c of cutsOf(text, 40)) {
        const piece = text.slice(0, c);
        const cut = reflow(piece, mode);
        const at = `cut at ${c}`;
        // The stable prefix is the whole text's, character for character...
        expect(whole.text.slice(0, cut.stableLength), at).toBe(cut.text.slice(0, cut.stableLength));
        // ...and reaches the end of the block before the one the cut falls in.
        expect(cut.lineMap.sourceOffsetOf(cut.stableLength), at).toBeGreaterThanOrEqual(endOfBlockBefore(piece));
        // The line map agrees over it.
        for (let o = 0; o < cut.stableLength; o += 97) {
          expect(cut.lineMap.sourceOffsetOf(o), `${at}, output offset ${o}`).toBe(whole.lineMap.sourceOffsetOf(o));
        }
        // So do the decisions of every paragraph before the last block.
        const lastBlockLine = piece.slice(0, endOfBlockBefore(piece)).split('\n').length + 1;
        const decided = decisionsBefore(cut, lastBlockLine);
        expect(whole.paragraphs.slice(0, decided.length), at).toEqual(decided);
      }
    });
  }

  it('off: the whole text is stable', () => {
    const r = reflow(mixed, 'off');
    expect(r.stableLength).toBe(mixed.length);
  });

  it('a text that ends with a blank line has its last block settled too', () => {
    const text = `${wrap('Once the block is closed by a blank line, nothing appended can join a line to it or change how it was decided.', 40)}\n\n`;
    const r = reflow(text, 'auto');
    expect(r.reflowed).toBe(true);
    expect(r.text.slice(0, r.stableLength)).toBe(r.text.trimEnd());
    for (const more of ['More.', 'More text\nin two lines.', '\nAfter a section break.', '- a list']) {
      expect(reflow(text + more, 'auto').text.startsWith(r.text.trimEnd())).toBe(true);
    }
  });
});

describe('pages of a reflowed text, and of it with a paragraph appended, differ only at the end (reflow auto)', () => {
  async function pageHashes(text: string) {
    const { pages } = await renderAll(reflow(text, 'auto').text, config(), { output: 'raw' });
    return pages.map((p) => sha256(Buffer.concat([Buffer.from(`${p.raw!.width}x${p.raw!.height}:`), p.raw!.data])));
  }
  const firstDifference = (a: string[], b: string[]) => {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
  };

  const pasted = wrap(
    'Here is the reply I had from the venue, as it came: the room is free on the second Tuesday of the month from nine until five, lunch can be brought in, and the projector takes the usual connector.',
    60,
  );
  /**
   * Short one-line turns (a few words each, narrower than the pasted lines): nothing to join
   * until a wrapped turn arrives. (Where the turns are long single lines, the text's estimated
   * wrap width is past any wrap width and auto joins nothing; see wrap-width.ts.)
   */
  const next = turnGenerator(5);
  const shortTurns: Message[] = Array.from({ length: 700 }, (_, i) => {
    const m = next(i === 0 ? 'system' : i % 2 ? 'user' : 'assistant');
    return { role: m.role, content: `${m.content.split(/\s+/u).slice(0, 6).join(' ')}.` };
  });

  const cases: Array<[string, string, string]> = [
    ['hard-wrapped novel + a wrapped paragraph', novel.slice(0, 150_000), `\n\n${pasted}`],
    [
      'wrapped dialogue + a wrapped turn',
      transcriptOf(wrappedTurns(160, 21)),
      appendedText(160, [{ role: 'user', content: pasted }]),
    ],
    [
      'short one-line turns + the first wrapped turn',
      transcriptOf(shortTurns),
      appendedText(shortTurns.length, [{ role: 'user', content: pasted }]),
    ],
    ['mixed text + a one-line paragraph', mixed.repeat(6), '\n\nThank you.'],
  ];

  it.each(cases)('%s', async (_name, before, added) => {
    const after = before + added;
    const old = await pageHashes(before);
    const now = await pageHashes(after);
    expect(old.length).toBeGreaterThanOrEqual(6);
    expect(firstDifference(old, now)).toBeGreaterThanOrEqual(old.length - 2);
  });

  it('the first wrapped turn is joined, and the blank lines of the earlier turns are left as they were', () => {
    const before = transcriptOf(shortTurns);
    const after = before + appendedText(shortTurns.length, [{ role: 'user', content: pasted }]);
    const a = reflow(before, 'auto');
    const b = reflow(after, 'auto');
    expect(a.reflowed).toBe(false);
    expect(b.reflowed).toBe(true);
    expect(b.text.startsWith(a.text)).toBe(true);
    expect(b.text.slice(a.text.length)).toBe(`\nUser: ${pasted.replace(/\n/g, ' ')}`);
  });
});
