/**
 * `/openapi.json` documents issue 11's fields (preset `auto`, `reflow`, `readbackFloor`,
 * `passthrough`; `config`, `reflowed`, `tokenizer`, `worthIt`, `fit`, the passthrough answer),
 * and what the edge's own builders produce validates against the document (Ajv, JSON Schema 2020-12).
 */
import Ajv2020 from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { visualTokensFor } from '../../protocol/profiles.ts';
import { resolveRenderConfig } from '../../protocol/render-config.ts';
import { app } from '../../edge/app.ts';
import { passthroughBody } from '../../edge/renders/passthrough.ts';
import { renderView } from '../../edge/renders/render-view.ts';
import type { StoredManifest } from '../../edge/storage/renders.ts';

type Schema = {
  properties?: Record<string, Schema & { enum?: unknown[] }>;
  required?: string[];
  anyOf?: unknown[];
  oneOf?: unknown[];
};
let doc: {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>>;
};
let ajv: InstanceType<typeof Ajv2020>;

const check = (name: string, value: unknown) => {
  const validate = ajv.getSchema(`openapi#/components/schemas/${name}`)!;
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
};

beforeAll(async () => {
  doc = (await (await app.request('/openapi.json')).json()) as typeof doc;
  ajv = new Ajv2020({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'openapi', components: doc.components } as never);
});

describe('issue 11 in /openapi.json', () => {
  it('documents the request options', () => {
    const options = doc.components.schemas.RenderOptions!.properties!;
    expect(options.preset!.enum).toEqual(['glyph-en', 'glyph-zh', 'auto']);
    expect(options.reflow!.enum).toEqual(['auto', 'on', 'off']);
    expect(options).toHaveProperty('readbackFloor');
    for (const name of ['QueryOptions', 'DecodeOptions', 'CompressJson']) {
      expect(Object.keys(doc.components.schemas[name]!.properties!)).toEqual(
        expect.arrayContaining(['preset', 'profile', 'reflow', 'readbackFloor']),
      );
    }
    expect(doc.components.schemas.CompressJson!.properties).toHaveProperty('passthrough');
  });

  it('documents the response fields, and compress answers a render or the passthrough', () => {
    const render = doc.components.schemas.Render!;
    for (const field of ['config', 'reflowed', 'tokenizer', 'worthIt']) expect(render.required).toContain(field);
    expect(render.properties).toHaveProperty('fit');
    expect(doc.components.schemas.TextTokenizer!.properties!.family!.enum).toEqual([
      'o200k',
      'qwen3',
      'gemma3',
      'claude-approx',
    ]);
    const compress200 = doc.paths['/v1/compress']!.post!.responses['200']!.content['application/json']!.schema;
    expect(JSON.stringify(compress200)).toContain('#/components/schemas/CompressPassthrough');
    expect(JSON.stringify(compress200)).toContain('#/components/schemas/Compressed');
  });

  it("the edge's render view and passthrough answer validate against the document", () => {
    const config = resolveRenderConfig({}) as NonNullable<StoredManifest['config']>;
    const pages = [
      { n: 1, width: 512, height: 1536, visualTokens: visualTokensFor('gpt-4o', 512, 1536), sha256: 'c'.repeat(64) },
    ];
    const view = renderView({
      manifest: {
        textSha256: 'a'.repeat(64),
        configHash: 'd'.repeat(64),
        config,
        reflowed: true,
        textTokenizer: { family: 'o200k', estimate: false },
        fit: {
          profile: 'gpt-4o',
          script: 'latin',
          fontSize: 7,
          lineHeight: 8,
          readback: 0.995,
          floor: 0.99,
          floorMet: true,
          resizedDown: false,
        },
        profile: 'gpt-4o',
        chars: 4000,
        pages,
        totals: { pages: 1, visualTokens: pages[0]!.visualTokens, textTokens: 900, ratio: 1.2 },
        missingGlyphs: { count: 0, codePoints: [] },
        storedAt: '2026-12-01T00:00:00.000Z',
      },
      renderId: 'b'.repeat(64),
      profile: 'gpt-4o',
      cached: false,
      origin: 'https://g.example',
      config,
    });
    check('Render', view);
    const document = { id: 'a'.repeat(64), sha256: 'a'.repeat(64), chars: 47, textTokens: 11 };
    check('Compressed', { ...view, document, passthrough: false });
    const passed = {
      ...passthroughBody({
        profile: 'gpt-4o',
        text: 'x'.repeat(47),
        textTokens: 11,
        visualTokens: 255,
        pages: 1,
        rendered: false,
      }),
      document,
    };
    check('CompressPassthrough', passed);
    // And a wrong one does not: the document is not vacuous.
    const validate = ajv.getSchema('openapi#/components/schemas/CompressPassthrough')!;
    expect(validate({ ...passed, worthIt: true })).toBe(false);
    expect(validate({ ...view, passthrough: true })).toBe(false);
  });
});
