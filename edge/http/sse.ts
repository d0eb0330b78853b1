/**
 * Relaying a runner's Server-Sent Events answer to the client byte for byte, while reading the
 * final `event: done` out of it so the edge can cache the finished answer.
 */

/** Options of {@link relaySse}. */
export interface RelaySseOptions {
  /** Called once with the parsed `data` of the `done` event, after it has been passed on. */
  onDone: (data: unknown) => void;
}

/**
 * A pass-through of `body` that watches for `event: done`. Only event boundaries are parsed;
 * chunks go out unchanged and at once, so streaming latency is the runner's.
 */
export function relaySse(body: ReadableStream<Uint8Array>, options: RelaySseOptions): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const scan = (flush: boolean): void => {
    const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
    buffer = flush ? '' : blocks.pop()!;
    for (const block of blocks) {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r\n|\n|\r/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (event === 'done' && !done) {
        done = true;
        try {
          options.onDone(JSON.parse(data.join('\n')));
        } catch {
          // A malformed done event is passed on but not cached.
        }
      }
    }
  };
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (!done) {
          buffer += decoder.decode(chunk, { stream: true });
          scan(false);
        }
      },
      flush() {
        if (!done) {
          buffer += decoder.decode();
          scan(true);
        }
      },
    }),
  );
}

/** An SSE event as text. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
