/**
 * A small Server-Sent Events parser (the WHATWG event-stream format) for reading an upstream
 * model's streamed answer. Network chunks split anywhere — inside a line, between `\r` and `\n`,
 * inside a UTF-8 character — so the parser keeps the partial line between pushes.
 */

/** One dispatched event. */
export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** `id:` field, when present. */
  id?: string;
}

/** Incremental parser: push decoded text, get the events completed by it. */
export class SseParser {
  private buffer = '';
  /** The previous chunk ended in `\r`: a `\n` opening the next one belongs to that line ending. */
  private skipLeadingLf = false;
  private started = false;
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  /** Feeds decoded text; returns the events it completes, in order. */
  push(chunk: string): SseEvent[] {
    if (this.skipLeadingLf && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.skipLeadingLf = false;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // the spec allows one leading BOM
    }
    this.buffer += chunk;
    const events: SseEvent[] = [];
    let pos = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', pos);
      const lf = this.buffer.indexOf('\n', pos);
      const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
      if (end < 0) break;
      let next = end + 1;
      if (this.buffer[end] === '\r') {
        if (next < this.buffer.length) {
          if (this.buffer[next] === '\n') next++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      this.line(this.buffer.slice(pos, end), events);
      pos = next;
    }
    this.buffer = this.buffer.slice(pos);
    return events;
  }

  /**
   * Ends the stream. The spec drops an event not closed by a blank line; we dispatch it instead,
   * because some OpenAI-compatible servers end with `data: [DONE]` and no blank line, and
   * dropping that would turn a complete answer into an error.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.buffer.length) this.line(this.buffer, events);
    this.buffer = '';
    this.line('', events);
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) {
        events.push({ event: this.event || 'message', data: this.data.join('\n'), ...(this.id !== undefined ? { id: this.id } : {}) });
      }
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) return; // comment (keep-alive pings)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    // `retry` and unknown fields are ignored, as the spec says.
  }
}

/** Events of a byte stream (a fetch body), decoding UTF-8 across chunk boundaries. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    // Stopping early (an error event, [DONE], the consumer gave up) must free the connection.
    await reader.cancel().catch(() => {});
  }
}
