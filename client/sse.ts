/**
 * A Server-Sent Events parser (the WHATWG `text/event-stream` rules): CRLF, LF or CR line ends,
 * even split across chunks; multi-line `data`; comments; a leading byte-order mark; an event only
 * counts once its blank line has arrived, so a stream cut mid-event yields nothing half-read.
 */

/** One dispatched event. */
export interface SseEvent {
  /** `event:` field; `message` when absent. */
  event: string;
  /** `data:` lines joined by `\n`. */
  data: string;
  /** The last `id:` seen so far, if any. */
  id?: string;
}

/** Incremental line-to-event state: feed it lines, collect events. */
class EventBuilder {
  private type = '';
  private data: string[] = [];
  private lastId: string | undefined;

  /** Takes one line; returns the event a blank line completes. */
  line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // `retry` and unknown fields do not affect what is dispatched.
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const type = this.type;
    const data = this.data;
    this.type = '';
    this.data = [];
    if (data.length === 0) return undefined;
    return { event: type || 'message', data: data.join('\n'), ...(this.lastId !== undefined ? { id: this.lastId } : {}) };
  }
}

/** The events of an SSE body, in order. Stopping early cancels the body. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const builder = new EventBuilder();
  let buffer = '';
  let started = false;
  // A CR ending one chunk and an LF opening the next are one line end, not two.
  let skipLf = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (!started && buffer.length > 0) {
        started = true;
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      }
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (skipLf) {
          skipLf = false;
          if (c === 0x0a) {
            start = i + 1;
            continue;
          }
        }
        if (c !== 0x0a && c !== 0x0d) continue;
        const event = builder.line(buffer.slice(start, i));
        if (event) yield event;
        if (c === 0x0d) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 0x0a) i++;
          } else skipLf = true;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
