import { describe, expect, it } from 'vitest';
import { documentInstruction, modelPayload, pageDataUrl, toBase64 } from '../../protocol/model-payloads.ts';

const byUrl = [
  { n: 2, url: 'https://g.example/p/2' },
  { n: 1, url: 'https://g.example/p/1' },
];
const inline = [
  { n: 1, base64: 'QUJD' },
  { n: 2, base64: 'REVG' },
];

describe('modelPayload', () => {
  it('OpenAI: the instruction, then image_url parts in page order (URL or data: URL), detail high', () => {
    expect(modelPayload('openai', byUrl)).toEqual([
      { type: 'text', text: documentInstruction(2) },
      { type: 'image_url', image_url: { url: 'https://g.example/p/1', detail: 'high' } },
      { type: 'image_url', image_url: { url: 'https://g.example/p/2', detail: 'high' } },
    ]);
    expect(modelPayload('openai', inline)[1]).toEqual({
      type: 'image_url',
      image_url: { url: 'data:image/png;base64,QUJD', detail: 'high' },
    });
  });

  it('Anthropic: image blocks with a url or base64 source', () => {
    expect(modelPayload('anthropic', byUrl).slice(1)).toEqual([
      { type: 'image', source: { type: 'url', url: 'https://g.example/p/1' } },
      { type: 'image', source: { type: 'url', url: 'https://g.example/p/2' } },
    ]);
    expect(modelPayload('anthropic', inline)[2]).toEqual({
      type: 'image',
      source: { type: 'base64', media_type: 'image/png', data: 'REVG' },
    });
    expect(modelPayload('anthropic', inline)[0]).toEqual({ type: 'text', text: documentInstruction(2) });
  });

  it('Gemini: file_data or inline_data parts after a text part', () => {
    expect(modelPayload('gemini', byUrl)).toEqual([
      { text: documentInstruction(2) },
      { file_data: { mime_type: 'image/png', file_uri: 'https://g.example/p/1' } },
      { file_data: { mime_type: 'image/png', file_uri: 'https://g.example/p/2' } },
    ]);
    expect(modelPayload('gemini', inline)[1]).toEqual({ inline_data: { mime_type: 'image/png', data: 'QUJD' } });
  });

  it('says how many pages the images are', () => {
    expect(documentInstruction(1)).toMatch(/^The next image is one page of a document/);
    expect(documentInstruction(7)).toMatch(/^The next 7 images are the pages, in order,/);
  });

  it('refuses an unknown format', () => {
    expect(() => modelPayload('cohere' as 'openai', byUrl)).toThrow(/unknown payload format/);
  });
});

describe('toBase64', () => {
  it('matches Node for bytes across chunk boundaries', () => {
    const bytes = new Uint8Array(100_003).map((_, i) => (i * 7919) % 256);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(toBase64(new Uint8Array())).toBe('');
    expect(pageDataUrl('QQ==')).toBe('data:image/png;base64,QQ==');
  });
});
