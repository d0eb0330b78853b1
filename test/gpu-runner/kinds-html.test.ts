import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToStyledDocument } from '../../gpu-runner/kinds/html.ts';
import { blockText, plainText } from '../../gpu-runner/kinds/model.ts';
import { fixture } from './kinds-helpers.ts';

/** A TCP listener on 127.0.0.1 that counts the connections it gets: none may arrive. */
let server: Server;
let connections = 0;
let page = '';

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  page = fixture('article.html').replaceAll('PORT', String(address.port));
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('htmlToStyledDocument', () => {
  it("keeps the article's headings, paragraphs, list, code and image alt text", () => {
    const doc = htmlToStyledDocument(page);
    const headings = doc.blocks.filter((b) => b.role === 'heading');
    expect(headings.map((h) => [h.role === 'heading' && h.level, blockText(h)])).toEqual([
      [1, 'How lighthouses kept their lamps lit'],
      [2, 'The daily round'],
      [2, 'The log book'],
    ]);
    expect(headings[0].runs[0].style.scale).toBeGreaterThan(headings[1].runs[0].style.scale);
    const items = doc.blocks.filter((b) => b.role === 'list-item');
    expect(items.map(blockText)).toEqual([
      'Trim the wick and fill the oil reservoir.',
      'Polish the brass and the lens prisms.',
      'Wind the rotation clockwork every four hours.',
    ]);
    expect(items.every((b) => b.role === 'list-item' && b.marker === '-' && b.depth === 0)).toBe(true);
    const code = doc.blocks.find((b) => b.role === 'code');
    expect(code && blockText(code)).toBe(
      '21:00  wind NW 4, clear, lamp lit\n01:00  fog, horn sounded\n05:30  lamp out at sunrise',
    );
    expect(code?.keepLines).toBe(true);
    expect(plainText(doc)).toContain('A Fresnel lens of the first order');
    expect(doc.title).toBe('How lighthouses kept their lamps lit');
  });

  it('drops navigation, ads, related links, footer and script text', () => {
    const text = plainText(htmlToStyledDocument(page));
    for (const chrome of [
      'Home',
      'Shop',
      'Advertisement',
      'Buy lamp oil',
      'Related stories',
      'Ten best beaches',
      'All rights reserved',
      'scripts must never run',
      '__glyphgate',
    ]) {
      expect(text).not.toContain(chrome);
    }
    expect(text).toContain('A lamp that went out for ten minutes could cost a ship.');
  });

  it('collapses inline whitespace as a browser does', () => {
    const doc = htmlToStyledDocument(page);
    const p = doc.blocks.find((b) => blockText(b).startsWith('Before electricity'));
    expect(p && blockText(p)).toMatch(
      /^Before electricity reached the coast, a lighthouse was a machine that a family ran by hand\. The keeper/,
    );
    expect(p && blockText(p)).not.toMatch(/\s{2}|\n/);
  });

  it('runs no script and fetches no URL (img, script, stylesheet, iframe all point at a listener)', async () => {
    Reflect.deleteProperty(globalThis, '__glyphgateScriptRan');
    htmlToStyledDocument(page);
    htmlToStyledDocument(page, { mainContent: false });
    // Give any request a stray loader might have started the time to connect.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connections).toBe(0);
    expect(Reflect.get(globalThis, '__glyphgateScriptRan')).toBeUndefined();
    // The listener does count: a real connection is seen.
    const { connect } = await import('node:net');
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    await new Promise<void>((resolve) =>
      connect(address.port, '127.0.0.1')
        .on('close', () => resolve())
        .on('error', () => resolve()),
    );
    expect(connections).toBe(1);
  });

  it('reads the whole body when asked, and a fragment without a page around it', () => {
    const whole = plainText(htmlToStyledDocument(page, { mainContent: false }));
    expect(whole).toContain('Related stories');
    expect(whole).not.toContain('scripts must never run');
    const fragment = htmlToStyledDocument(
      '<h2>Notes</h2><ol start="3"><li>third<ul><li>inner</li></ul></li><li>fourth</li></ol><pre class="language-python">def f():\n\treturn 1</pre>',
      {
        mainContent: false,
      },
    );
    expect(
      fragment.blocks.map((b) => [b.role, b.role === 'list-item' ? `${b.depth}${b.marker}` : '', blockText(b)]),
    ).toEqual([
      ['heading', '', 'Notes'],
      ['list-item', '03.', 'third'],
      ['list-item', '1-', 'inner'],
      ['list-item', '04.', 'fourth'],
      ['code', '', 'def f():\n    return 1'],
    ]);
    const code = fragment.blocks[4];
    expect(code.role === 'code' && code.language).toBe('python');
    expect(code.runs.some((r) => r.text === 'def' && r.style.color)).toBe(true);
  });

  it('draws an HTML table as an aligned grid', () => {
    const doc = htmlToStyledDocument(
      '<table><tr><th>Port</th><th align="right">Count</th></tr><tr><td>8787</td><td align="right">3</td></tr></table>',
      {
        mainContent: false,
      },
    );
    expect(blockText(doc.blocks[0])).toBe('Port | Count\n-----+------\n8787 |     3');
  });
});
