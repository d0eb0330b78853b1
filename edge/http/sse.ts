/**
 * Relaying a runner's Server-Sent Events to the client byte for byte, while reading the events
 * with `eventsource-parser` (the WHATWG `text/event-stream` rules: CRLF, LF or CR line ends, mixed
 * and split across chunks; multi-line `data`; comments) so the edge can act on one as it passes —
 * the query route caches the `done` event's answer.
 *
 * As the runner's own reader does, an event left without its closing blank line when the stream
 * ends is dispatched, not dropped: the whole answer arrived, only the final line end did not.
 */
import { createParser } from 'eventsource-parser';

/** Options of {@link relaySse}. */
export interface RelaySseOptions {
  /**
   * Called with each event's name (`message` when absent) and `data`, after its bytes were passed
   * on; return true once nothing more needs watching, and the rest is relayed unparsed.
   */
  onEvent: (event: string, data: string) => boolean;
}

/**
 * A pass-through of `body` that reads its events. Chunks go out unchanged and at once, so
 * streaming latency is the runner's.
 */
export function relaySse(body: ReadableStream<Uint8Array>, options: RelaySseOptions): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let watching = true;
  const parser = createParser({
    onEvent: (message) => {
      if (watching && options.onEvent(message.event || 'message', message.data)) watching = false;
    },
  });
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (watching) parser.feed(decoder.decode(chunk, { stream: true }));
      },
      flush() {
        if (watching) parser.feed(`${decoder.decode()}\n\n`);
      },
    }),
  );
}

/** An SSE event as text. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
