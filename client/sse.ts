/**
 * Server-Sent Events read with `eventsource-parser` (the WHATWG `text/event-stream` rules): CRLF,
 * LF or CR line ends, mixed and split across chunks; multi-line `data`; comments; a leading
 * byte-order mark. An event counts only once its blank line has arrived, so a stream cut mid-event
 * yields nothing half-read.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One dispatched event. */
export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined by `\n`. */
  data: string;
  /** The last `id:` of the events so far, if any (the stream's last event ID, as EventSource keeps it). */
  id?: string;
}

/** The events of an SSE body, in order. Stopping early cancels the body. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  // TextDecoder drops a leading byte-order mark and holds back a code point split across chunks.
  const decoder = new TextDecoder();
  const ready: SseEvent[] = [];
  let lastId: string | undefined;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      if (message.id !== undefined) lastId = message.id;
      ready.push({
        event: message.event || 'message',
        data: message.data,
        ...(lastId !== undefined ? { id: lastId } : {}),
      });
    },
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }));
      for (const event of ready.splice(0)) yield event;
      // Whatever is still buffered is an event without its blank line: discarded, as the format says.
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
