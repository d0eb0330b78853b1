import { describe, expect, it } from 'vitest';
import { parseChatRequest, type ChatMessage } from '../../edge/gateway/chat-request.ts';
import { longTextSlots, replaceSlots, splitQuestion } from '../../edge/gateway/long-parts.ts';
import { chooseProfile, profileForModel } from '../../edge/gateway/model-profiles.ts';
import { GatewayError } from '../../edge/gateway/openai-error.ts';
import {
  estimateTextTokens,
  estimateVisualCost,
  pagePixels,
  pagesLikelyPay,
  pagesPay,
} from '../../edge/gateway/pages-pay.ts';
import { partsJsonCache, partsKey, serializeParts, spliceBody } from '../../edge/gateway/parts-json.ts';
import { estimateConfig, gatewayRenderFields, isMostlyCjk } from '../../edge/gateway/render-fields.ts';
import { estimatePages } from '../../edge/jobs/estimate.ts';
import { nominalAutoConfig } from '../../edge/renders/render-options.ts';
import { recommendedPageSize, visualTokensFor } from '../../protocol/profiles.ts';
import { gatewaySettings } from '../../edge/gateway/settings.ts';
import { upstreamAuthorization } from '../../edge/gateway/upstream.ts';

const prose = (chars: number) =>
  'The quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(chars / 45)).slice(0, chars);

describe('profileForModel', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o'],
    ['gpt-4.1-nano', 'gpt-4o'],
    ['claude-sonnet-4-5', 'claude'],
    ['gemini-2.5-flash', 'gemini'],
    ['glyph', 'glm-4.1v'],
    ['zai-org/Glyph', 'glm-4.1v'],
    ['glm-4.1v-9b-thinking', 'glm-4.1v'],
    ['qwen2.5-vl-7b-instruct', 'qwen2.5-vl'],
    ['Qwen/Qwen3-VL-8B-Instruct', 'qwen3-vl'],
  ])('%s → %s', (model, profile) => expect(profileForModel(model)).toBe(profile));

  it('knows no profile for other models; the header overrides and must be a known profile', () => {
    expect(profileForModel('llama-3-70b')).toBeNull();
    expect(chooseProfile('llama-3-70b', undefined)).toMatchObject({ ok: false, param: 'model' });
    expect(chooseProfile('llama-3-70b', 'qwen3-vl')).toEqual({ ok: true, profile: 'qwen3-vl' });
    expect(chooseProfile('gpt-4o', 'claude')).toEqual({ ok: true, profile: 'claude' });
    expect(chooseProfile('gpt-4o', 'gpt-5')).toMatchObject({ ok: false, param: 'x-glyph-profile' });
  });
});

describe('parseChatRequest', () => {
  const err = (raw: string): GatewayError => {
    try {
      parseChatRequest(raw);
    } catch (error) {
      return error as GatewayError;
    }
    throw new Error('expected a GatewayError');
  };

  it('keeps every field it does not read', () => {
    const body = {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi', name: 'x' }],
      temperature: 0.2,
      tools: [{ type: 'function' }],
    };
    expect(parseChatRequest(JSON.stringify(body))).toEqual(body);
  });

  it('answers 400 in OpenAI shape naming the field', () => {
    expect(err('{').body()).toEqual({
      error: {
        message: 'request body is not valid JSON',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
    expect(err('{"messages":[]}').param).toBe('model');
    expect(err('{"model":"gpt-4o","messages":[]}').param).toBe('messages');
    expect(err('{"model":"gpt-4o","messages":[{"role":"user","content":5}]}').param).toBe('messages[0].content');
    expect(err('{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":1}]}]}').param).toBe(
      'messages[0].content[0].text',
    );
    expect(parseChatRequest('{"model":"gpt-4o","messages":[{"role":"user","content":null}]}').messages).toHaveLength(1);
  });
});

describe('long parts', () => {
  const long = prose(20_000);
  const isLong = (text: string) => text.length > 10_000;

  it('picks long user texts, never system ones, and splits the question off the last user message', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: long },
      {
        role: 'user',
        content: [
          { type: 'text', text: long },
          { type: 'text', text: 'short' },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: `${long}\n\nWhat does the fox do?` },
    ];
    const slots = longTextSlots(messages, isLong);
    expect(slots.map((s) => [s.message, s.part, s.keep])).toEqual([
      [1, 0, undefined],
      [3, null, 'What does the fox do?'],
    ]);
    expect(slots[1]!.text).toBe(long);
  });

  it('splitQuestion keeps text without a short last paragraph whole', () => {
    expect(splitQuestion('one paragraph only')).toEqual({ context: 'one paragraph only' });
    expect(splitQuestion(`a\n\n${'q'.repeat(3000)}`)).toEqual({ context: `a\n\n${'q'.repeat(3000)}` });
    expect(splitQuestion('ctx\n \nq?\n')).toEqual({ context: 'ctx', question: 'q?' });
  });

  it('replaces a slot in place and leaves everything else as it was', () => {
    const image = { type: 'image_url', image_url: { url: 'x' } };
    const messages: ChatMessage[] = [
      { role: 'user', content: [{ type: 'text', text: long }, image] },
      { role: 'user', content: `${long}\n\nQ?` },
    ];
    const slots = longTextSlots(messages, isLong);
    const out = replaceSlots(
      messages,
      slots.map((slot) => ({ slot, parts: [{ type: 'page', of: slot.message }] })),
    );
    expect(out[0]!.content).toEqual([{ type: 'page', of: 0 }, image]);
    expect((out[0]!.content as object[])[1]).toBe(image);
    expect(out[1]!.content).toEqual([
      { type: 'page', of: 1 },
      { type: 'text', text: 'Q?' },
    ]);
    expect(messages[1]!.content).toBe(`${long}\n\nQ?`);
  });
});

describe('pages pay', () => {
  it('only when the pages cost fewer tokens than the text', () => {
    expect(pagesPay({ textTokens: 1000, visualTokens: 999 })).toBe(true);
    expect(pagesPay({ textTokens: 1000, visualTokens: 1000 })).toBe(false);
  });

  it('never for a short text; for long prose on every profile', () => {
    expect(estimateTextTokens('abcd')).toBe(1);
    for (const profile of ['gpt-4o', 'claude', 'gemini', 'glm-4.1v', 'qwen2.5-vl', 'qwen3-vl'] as const) {
      expect(pagesLikelyPay('What is the capital of France?', profile), profile).toBe(false);
      expect(pagesLikelyPay(prose(1000), profile), profile).toBe(false);
      expect(pagesLikelyPay(prose(100_000), profile), profile).toBe(true);
    }
  });

  it('renders with preset auto for the profile (reflow left to the render default)', () => {
    expect(gatewayRenderFields('gpt-4o')).toEqual({ preset: 'auto', profile: 'gpt-4o' });
    expect(gatewayRenderFields('glm-4.1v')).toEqual({ preset: 'auto', profile: 'glm-4.1v' });
  });

  it("estimates on the profile's auto page at the nominal dense font, in the CJK font for CJK text", () => {
    expect(isMostlyCjk('天地玄黃，宇宙洪荒。')).toBe(true);
    for (const profile of ['gpt-4o', 'claude', 'gemini', 'glm-4.1v', 'qwen2.5-vl', 'qwen3-vl'] as const) {
      const page = recommendedPageSize(profile);
      const latin = estimateConfig('plain English', profile);
      expect(latin, profile).toEqual(nominalAutoConfig(profile, {}));
      expect(latin['page-size'], profile).toBe(`${page.width},${page.height}`);
      expect(pagePixels(latin), profile).toEqual({ width: page.width, height: page.height });
      expect(estimateConfig('天地玄黃，宇宙洪荒。', profile)['font-family'], profile).toBe('Noto Sans SC');
      // The same text costs what that page costs the profile, per estimated page.
      const text = prose(100_000);
      const cost = estimateVisualCost(text, latin, profile);
      expect(cost.pages, profile).toBe(estimatePages([...text].length, latin, text.split('\n').length));
      expect(cost.visualTokens, profile).toBe(cost.pages * visualTokensFor(profile, page.width, page.height));
    }
    // CJK glyphs are full width: the same number of characters takes more pages.
    const han = '天地玄黃宇宙洪荒'.repeat(5000);
    const latinText = 'abcdefgh'.repeat(5000);
    expect(estimateVisualCost(han, estimateConfig(han, 'gpt-4o'), 'gpt-4o').pages).toBeGreaterThan(
      estimateVisualCost(latinText, estimateConfig(latinText, 'gpt-4o'), 'gpt-4o').pages,
    );
  });
});

describe('settings and the provider key', () => {
  it('reads the upstream, delivery, timeout and page limit', () => {
    expect(gatewaySettings({})).toEqual({
      upstreamBaseUrl: null,
      imageDelivery: 'inline',
      timeoutMs: 120_000,
      maxPages: 100,
    });
    expect(
      gatewaySettings({
        UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1/',
        UPSTREAM_IMAGE_DELIVERY: 'url',
        UPSTREAM_TIMEOUT_MS: '50',
        GATEWAY_MAX_PAGES: '3',
      }),
    ).toEqual({
      upstreamBaseUrl: 'http://127.0.0.1:9/v1',
      imageDelivery: 'url',
      timeoutMs: 50,
      maxPages: 3,
    });
    expect(() => gatewaySettings({ UPSTREAM_BASE_URL: 'ftp://x' })).toThrow(/http/);
    expect(() => gatewaySettings({ UPSTREAM_IMAGE_DELIVERY: 'both' })).toThrow(/inline/);
  });

  it('sends the header key (Bearer added when bare), else the secret, else nothing', () => {
    expect(upstreamAuthorization('sk-abc', 'sk-env')).toBe('Bearer sk-abc');
    expect(upstreamAuthorization('Bearer sk-abc', undefined)).toBe('Bearer sk-abc');
    expect(upstreamAuthorization(undefined, 'sk-env')).toBe('Bearer sk-env');
    expect(upstreamAuthorization(' ', undefined)).toBeNull();
  });
});

describe('serialized parts spliced into the body', () => {
  const parts = (tag: string) => [
    { type: 'text' as const, text: `The ${tag} pages hold the document ("quoted", \\ and \u00e9).` },
    { type: 'image_url' as const, image_url: { url: `data:image/png;base64,${tag}AAAA+/==` } },
  ];

  it('gives exactly the bytes of stringifying the replaced request', () => {
    const long = prose(20_000);
    const request = parseChatRequest(
      JSON.stringify({
        model: 'gpt-4o',
        temperature: 0,
        // A text that looks like a placeholder part stays text: the splice only matches real parts.
        metadata: { note: '{"type":"glyph-parts-0"}' },
        messages: [
          { role: 'system', content: 'S' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Intro {"type":"glyph-parts-x-0"}' },
              { type: 'text', text: long },
              { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
              { type: 'text', text: `${long} again` },
            ],
          },
          { role: 'user', content: `${long}\n\nWhat now?` },
        ],
      }),
    );
    const slots = longTextSlots(request.messages, (t) => t.length > 10_000);
    expect(slots).toHaveLength(3);
    const replacements = slots.map((slot, i) => ({ slot, parts: parts(`p${i}`) }));
    const expected = JSON.stringify({ ...request, messages: replaceSlots(request.messages, replacements) });
    const spliced = spliceBody(
      request,
      replacements.map((r) => ({ slot: r.slot, json: serializeParts(r.parts) })),
    );
    expect(spliced).toBe(expected);
    expect(JSON.parse(spliced).messages[2].content.at(-1)).toEqual({ type: 'text', text: 'What now?' });
  });

  it('keys the parts by tenant, document, render and delivery', () => {
    const key = { tenant: 'acme', documentId: 'd', renderId: 'r', delivery: 'inline' as const };
    expect(
      new Set([
        partsKey(key),
        partsKey({ ...key, tenant: 'other' }),
        partsKey({ ...key, documentId: 'e' }),
        partsKey({ ...key, renderId: 's' }),
        partsKey({ ...key, delivery: 'url' }),
      ]).size,
    ).toBe(5);
  });

  it('bounds the cache by size, dropping the least recently used', () => {
    const cache = partsJsonCache(1000);
    cache.set('a', 'x'.repeat(300)); // 600 bytes
    cache.set('b', 'y'.repeat(150)); // 300 bytes
    cache.get('a');
    cache.set('c', 'z'.repeat(100)); // over 1000: b (least recently used) goes
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.calculatedSize).toBeLessThanOrEqual(1000);
  });
});
