import { describe, expect, it } from 'vitest';
import { documentInstruction, payloadFor } from '../../client/index.ts';

describe('client payloadFor', () => {
  it('puts held PNG bytes inline and URLs by reference, in page order', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    expect(
      payloadFor('openai', [
        { n: 2, url: 'https://x/2' },
        { n: 1, png },
      ]),
    ).toEqual([
      { type: 'text', text: documentInstruction(2) },
      {
        type: 'image_url',
        image_url: { url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`, detail: 'high' },
      },
      { type: 'image_url', image_url: { url: 'https://x/2', detail: 'high' } },
    ]);
    expect(payloadFor('gemini', [{ n: 1, png }])[1]).toEqual({
      inline_data: { mime_type: 'image/png', data: 'iVBORw==' },
    });
  });
});
