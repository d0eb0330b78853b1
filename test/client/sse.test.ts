/** The SDK's SSE parser on the awkward cases the event-stream format allows, fed in every chunking. */
import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from '../../client/sse.ts';

/** `text` as a stream cut into pieces at `cuts` (byte offsets). */
function chunked(text: string, cuts: number[]): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const edges = [0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 1; i < edges.length; i++) controller.enqueue(bytes.slice(edges[i - 1], edges[i]));
      controller.close();
    },
  });
}

async function events(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const event of parseSse(stream)) out.push(event);
  return out;
}

const STREAM =
  '\uFEFF: a comment\r\n' +
  'event: delta\r\ndata: {"text":"é"}\r\n\r\n' +
  'event:delta\rdata:{"text":"b"}\r\r' +
  'id: 7\ndata: line one\ndata:  line two\nretry: 10\nunknown: x\n\n' +
  'event: empty\n\n' +
  'event: done\ndata\n\n' +
  'data: cut off before its blank line';

const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"text":"é"}' },
  { event: 'delta', data: '{"text":"b"}' },
  { event: 'message', data: 'line one\n line two', id: '7' },
  { event: 'done', data: '', id: '7' },
];

describe('parseSse', () => {
  it('parses CRLF, CR and LF line ends, comments, multi-line data, ids and a BOM', async () => {
    expect(await events(chunked(STREAM, []))).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are split', async () => {
    const length = new TextEncoder().encode(STREAM).length;
    for (let cut = 1; cut < length; cut++)
      expect(await events(chunked(STREAM, [cut])), `cut at ${cut}`).toEqual(EXPECTED);
    expect(
      await events(
        chunked(
          STREAM,
          Array.from({ length }, (_, i) => i),
        ),
      ),
    ).toEqual(EXPECTED);
  });

  it('drops a last event whose blank line never came, in every chunking', async () => {
    const text = 'data: one\n\nevent: delta\ndata: two\n';
    const length = new TextEncoder().encode(text).length;
    for (let cut = 0; cut < length; cut++) {
      expect(await events(chunked(text, [cut])), `cut at ${cut}`).toEqual([{ event: 'message', data: 'one' }]);
    }
    // Ending on a lone CR or on a half line is no different.
    expect(await events(chunked('data: one\r\rdata: two\r', []))).toEqual([{ event: 'message', data: 'one' }]);
    expect(await events(chunked('data: one\n\ndata: tw', []))).toEqual([{ event: 'message', data: 'one' }]);
    expect(await events(chunked('data: only', []))).toEqual([]);
  });

  it('treats CRLF, LF and CR mixed inside one event as one line end each, CRLF split or not', async () => {
    const text =
      'event: delta\r\ndata: a\ndata: b\rdata: c\r\n\n' + 'data: d\n\r\n' + 'data: e\r\n\r' + 'data: f\r\r\n';
    const expected: SseEvent[] = [
      { event: 'delta', data: 'a\nb\nc' },
      { event: 'message', data: 'd' },
      { event: 'message', data: 'e' },
      { event: 'message', data: 'f' },
    ];
    const length = new TextEncoder().encode(text).length;
    for (let cut = 0; cut < length; cut++)
      expect(await events(chunked(text, [cut])), `cut at ${cut}`).toEqual(expected);
    expect(
      await events(
        chunked(
          text,
          Array.from({ length }, (_, i) => i),
        ),
      ),
    ).toEqual(expected);
    // A CR and the LF after it are one line end, never a blank line that ends the event early.
    expect(await events(chunked('data: x\r\ndata: y\r\n\r\n', [8]))).toEqual([{ event: 'message', data: 'x\ny' }]);
  });

  it('cancels the body when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of parseSse(stream)) {
      expect(event.data).toBe('x');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
