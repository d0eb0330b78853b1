/**
 * The upstream model's streamed answer as Server-Sent Events, read with `eventsource-parser` (the
 * WHATWG `text/event-stream` rules: CRLF, LF or CR line ends, mixed and split across chunks;
 * multi-line `data`; comments; a leading byte-order mark).
 *
 * One deliberate difference from the format: an event left without its closing blank line when
 * the stream ends is dispatched, not dropped, because some OpenAI-compatible servers end with
 * `data: [DONE]` and no blank line, and dropping it would turn a complete answer into an error.
 */
import { createParser } from 'eventsource-parser';

/** One dispatched event. */
export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** `id:` field, when present. */
  id?: string;
}

/** Events of a byte stream (a fetch body), decoding UTF-8 across chunk boundaries. Stopping early cancels the body. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const ready: SseEvent[] = [];
  const parser = createParser({
    onEvent: (m) =>
      ready.push({ event: m.event || 'message', data: m.data, ...(m.id !== undefined ? { id: m.id } : {}) }),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        // Two line ends close a last line and a last event the server left open (see above).
        parser.feed(`${decoder.decode()}\n\n`);
        yield* ready.splice(0);
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
    }
  } finally {
    // Stopping early (an error event, [DONE], the consumer gave up) must free the connection.
    await reader.cancel().catch(() => {});
  }
}
