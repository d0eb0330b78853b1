/**
 * The runner's multipart writer (gpu-runner/server/multipart.ts) against an independent reader
 * (@remix-run/multipart-parser, what the edge and the tests read renders with), fuzzed: whatever
 * the part bytes — CRLFs, dash runs, other boundaries, all but the last byte of this one — and
 * however the network cuts the stream into chunks, the reader gets exactly the parts, in order.
 * A part the writer cannot frame fails the stream: the reader never sees a complete document.
 */
import { parseMultipartStream } from '@remix-run/multipart-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multipartStream, randomBoundary, type MultipartPart } from '../../gpu-runner/server/multipart.ts';
import { fuzzParameters, fuzzTimeoutMs } from '../fuzz-budget.ts';

const encoder = new TextEncoder();

/** Bytes that look like framing: line breaks, dashes, other boundaries, a near miss of this one. */
function lookalikes(boundary: string): fc.Arbitrary<Uint8Array> {
  const near = [
    `\r\n--${boundary.slice(0, -1)}`,
    `\r\n--${boundary.slice(0, -1)}${boundary.endsWith('0') ? '1' : '0'}`,
    `--${boundary.slice(0, 20)}`,
    `\r\n-${boundary}`,
    `\r\n--glyph-${'0'.repeat(48)}\r\n`,
    `\r\n--${randomBoundary()}--\r\n`,
    '\r\n\r\n',
    '\r\n--\r\n',
    '--\r\n',
    '\r\ncontent-disposition: form-data; name="page-1"\r\n\r\n',
    '\r',
    '\n',
    '--',
  ];
  return fc.constantFrom(...near).map((s) => encoder.encode(s));
}

/**
 * Page bytes mixing random bytes and lookalikes. The boundary itself is left out: the writer's
 * contract is a fresh 192-bit boundary per response, which no page holds (a near miss plus one
 * random byte can complete it here, which real pages cannot do).
 */
function bodyBytes(boundary: string): fc.Arbitrary<Uint8Array> {
  const delimiter = `--${boundary}`;
  return fc
    .array(
      fc.oneof(
        { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
        { weight: 3, arbitrary: lookalikes(boundary) },
      ),
      { maxLength: 12 },
    )
    .map((pieces) => {
      const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of pieces) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    })
    .filter((bytes) => !Buffer.from(bytes).includes(delimiter));
}

/** Parts like a render's: a JSON manifest (any text), then pages as PNG-typed files. */
function partsOf(boundary: string): fc.Arbitrary<MultipartPart[]> {
  const manifest = fc.string({ unit: 'grapheme', maxLength: 200 }).map(
    (s): MultipartPart => ({
      name: 'manifest',
      contentType: 'application/json',
      body: JSON.stringify({ text: s }),
    }),
  );
  const page = bodyBytes(boundary).map((body): Omit<MultipartPart, 'name'> => ({ contentType: 'image/png', body }));
  return fc
    .tuple(fc.option(manifest, { nil: undefined }), fc.array(page, { maxLength: 8 }))
    .map(([m, pages]) => [
      ...(m ? [m] : []),
      ...pages.map((p, i) => ({ ...p, name: `page-${i + 1}`, filename: `page-${i + 1}.png` })),
    ]);
}

async function* each<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** `stream` re-cut into chunks of the given sizes (cycled): how TCP may deliver it. */
function rechunk(stream: ReadableStream<Uint8Array>, sizes: number[]): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let pending = new Uint8Array(0);
  let k = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const want = sizes[k++ % sizes.length]!;
      while (pending.length < want) {
        const { value, done } = await reader.read();
        if (done) break;
        const joined = new Uint8Array(pending.length + value.length);
        joined.set(pending);
        joined.set(value, pending.length);
        pending = joined;
      }
      if (pending.length === 0) return controller.close();
      controller.enqueue(pending.slice(0, want));
      pending = pending.slice(want);
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>, boundary: string) {
  const parts = [];
  for await (const part of parseMultipartStream(stream, { boundary, maxFileSize: 1 << 24, maxTotalSize: 1 << 26 })) {
    parts.push({ name: part.name, filename: part.filename, mediaType: part.mediaType, bytes: part.bytes });
  }
  return parts;
}

const bytesOf = (body: Uint8Array | string): number[] => [...(typeof body === 'string' ? encoder.encode(body) : body)];

describe('multipart writer ↔ reader (fast-check)', () => {
  it('reads back exactly the parts written, in order, however the stream is chunked', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    const boundary = randomBoundary();
    await fc.assert(
      fc.asyncProperty(
        partsOf(boundary),
        fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }),
        async (parts, sizes) => {
          const ends: unknown[] = [];
          const stream = multipartStream(boundary, each(parts), { onEnd: (reason) => ends.push(reason) });
          const read = await readAll(rechunk(stream, sizes), boundary);
          expect(read.map((p) => p.name)).toEqual(parts.map((p) => p.name));
          read.forEach((got, i) => {
            const want = parts[i]!;
            expect(got.mediaType).toBe(want.contentType);
            expect(got.filename).toBe(want.filename);
            expect([...got.bytes]).toEqual(bytesOf(want.body));
          });
          expect(ends).toEqual([undefined]);
        },
      ),
      fuzzParameters(100),
    );
  });

  it('fails the stream, never a complete document, when a part cannot be framed or its source fails', {
    timeout: fuzzTimeoutMs(),
  }, async () => {
    const boundary = randomBoundary();
    const badName = fc
      .tuple(fc.string({ maxLength: 10 }), fc.constantFrom('"', '\r', '\n'), fc.string({ maxLength: 10 }))
      .map(([a, c, b]) => a + c + b);
    await fc.assert(
      fc.asyncProperty(
        partsOf(boundary),
        fc.nat(),
        fc.oneof(
          badName.map((name) => ({ name })),
          fc.constant({ throws: true }),
        ),
        async (parts, at, fault) => {
          const i = at % (parts.length + 1);
          const ends: unknown[] = [];
          async function* source(): AsyncGenerator<MultipartPart> {
            yield* parts.slice(0, i);
            if ('throws' in fault) throw new Error('renderer failed');
            yield { name: fault.name, contentType: 'image/png', body: new Uint8Array([1]) };
            yield* parts.slice(i);
          }
          const stream = multipartStream(boundary, source(), { onEnd: (reason) => ends.push(reason) });
          await expect(readAll(stream, boundary)).rejects.toThrow();
          expect(ends).toHaveLength(1);
          expect(ends[0]).toBeInstanceOf(Error);
        },
      ),
      fuzzParameters(100),
    );
  });
});
