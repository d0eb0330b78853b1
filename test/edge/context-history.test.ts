/**
 * The pieces of `POST /v1/context` that need no Worker: the message-prefix hash chain and the
 * lengths a history lookup probes (edge/context/history-index.ts), the messages in each API's
 * shape (assemble.ts), the tiers' fonts (tiers.ts) and the page estimate (page-estimate.ts).
 */
import { describe, expect, it } from 'vitest';
import { assembleMessages } from '../../edge/context/assemble.ts';
import { HISTORY_PROBES, messageHashChain, probeLengths } from '../../edge/context/history-index.ts';
import { pageLayout, rowsOf } from '../../edge/context/page-estimate.ts';
import { tierFont, tierRenderFields } from '../../edge/context/tiers.ts';
import { nominalAutoConfig } from '../../edge/renders/render-options.ts';
import { sha256Hex } from '../../protocol/primitives/bytes.ts';

describe('message hash chain', () => {
  it('h_i = SHA-256(h_{i-1} | role | JSON content): a prefix of the messages has a prefix of the chain', async () => {
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello | there' },
      { role: 'user', content: 'Where was I?' },
    ] as const;
    const chain = await messageHashChain(messages);
    expect(chain).toHaveLength(3);
    expect(chain[0]).toBe(await sha256Hex('|user|"Hi"'));
    expect(chain[1]).toBe(await sha256Hex(`${chain[0]}|assistant|"Hello | there"`));
    expect(await messageHashChain(messages.slice(0, 2))).toEqual(chain.slice(0, 2));
    // The separator inside content cannot forge another split (JSON quotes the content).
    const forged = await messageHashChain([{ role: 'user', content: 'a|user|b' }]);
    const split = await messageHashChain([{ role: 'user', content: 'a' }]);
    expect(forged[0]).not.toBe(split[0]);
    // Role and content both count.
    expect((await messageHashChain([{ role: 'assistant', content: 'Hi' }]))[0]).not.toBe(chain[0]);
  });

  it('probes the last lengths and the block multiples below, longest first, bounded', () => {
    expect(probeLengths(1, 8)).toEqual([]);
    expect(probeLengths(5, 8)).toEqual([4, 3, 2, 1]);
    const long = probeLengths(100, 8);
    expect(long.slice(0, HISTORY_PROBES)).toEqual([99, 98, 97, 96, 95, 94, 93, 92]);
    expect(long).toEqual([99, 98, 97, 96, 95, 94, 93, 92, 88, 80, 72, 64, 56, 48, 40]);
    expect(long.length).toBeLessThanOrEqual(2 * HISTORY_PROBES);
  });
});

describe('assembled messages', () => {
  const text = [
    { role: 'system', content: 'Be brief.' },
    { role: 'assistant', content: 'Earlier answer.' },
    { role: 'user', content: 'The question?' },
  ] as const;

  it('openai: marker and pages in one user message, then the turns with their roles', () => {
    const pages = [
      [
        { type: 'text', text: 'The next image is one page…' },
        { type: 'image_url', image_url: { url: 'u' } },
      ],
    ];
    const out = assembleMessages({ format: 'openai', marker: '[8 earlier turns omitted]', pageParts: pages, text });
    expect(out.system).toBeUndefined();
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: '[8 earlier turns omitted]' }, ...pages[0]!] },
      ...text,
    ]);
  });

  it('anthropic: system turns apart; gemini: parts and the model role', () => {
    const anthropic = assembleMessages({ format: 'anthropic', marker: null, pageParts: [], text });
    expect(anthropic.system).toBe('Be brief.');
    expect(anthropic.messages).toEqual(text.slice(1));
    const gemini = assembleMessages({ format: 'gemini', marker: '[1 earlier turn omitted]', pageParts: [], text });
    expect(gemini.messages).toEqual([
      { role: 'user', parts: [{ text: '[1 earlier turn omitted]' }] },
      { role: 'model', parts: [{ text: 'Earlier answer.' }] },
      { role: 'user', parts: [{ text: 'The question?' }] },
    ]);
  });
});

describe('tiers and page estimates', () => {
  it('denser tiers scale the fitted font by 0.8 and 0.65, in quarter points, as auto overrides', () => {
    const fit = { fontSize: 7.5, lineHeight: 8.33 };
    expect(tierFont(0, fit)).toEqual(fit);
    expect(tierFont(1, fit)).toEqual({ fontSize: 6, lineHeight: 6.75 });
    expect(tierFont(2, fit)).toEqual({ fontSize: 5, lineHeight: 5.5 });
    expect(tierRenderFields(0, 'gpt-4o', undefined)).toEqual({ preset: 'auto', profile: 'gpt-4o', reflow: 'off' });
    expect(tierRenderFields(2, 'gpt-4o', fit)).toEqual({
      preset: 'auto',
      profile: 'gpt-4o',
      reflow: 'off',
      config: { 'font-size': 5, 'line-height': 5.5 },
    });
    expect(() => tierRenderFields(1, 'gpt-4o', undefined)).toThrow(/fitted font/);
  });

  it('counts a row per source line at least, wrapping long ones; a denser font holds more a page', () => {
    expect(rowsOf('a\n\nb', 80)).toBe(3);
    expect(rowsOf('x'.repeat(161), 80)).toBe(3);
    const sharp = pageLayout(nominalAutoConfig('gpt-4o', { 'font-size': 8, 'line-height': 9 }));
    const dense = pageLayout(nominalAutoConfig('gpt-4o', { 'font-size': 5.25, 'line-height': 5.75 }));
    expect(dense.charsPerRow).toBeGreaterThan(sharp.charsPerRow);
    expect(dense.rowsPerPage).toBeGreaterThan(sharp.rowsPerPage);
  });
});
