/** A streamed query's events, typed, from the SSE response (see protocol/public-api/query.ts). */
import { GlyphgateError } from './errors.ts';
import { parseSse } from './sse.ts';
import type { AnswerDelta, AnswerDone, ErrorBody } from './types.ts';

/** One event of a streamed answer. */
export type QueryStreamEvent = { event: 'delta'; data: AnswerDelta } | { event: 'done'; data: AnswerDone };

function streamError(code: string, message: string, cause?: unknown): GlyphgateError {
  // The response itself was 200: what failed is the upstream behind it.
  return new GlyphgateError({ status: 502, code, message, ...(cause !== undefined ? { cause } : {}) });
}

function parse(data: string, event: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch (error) {
    throw streamError('invalid_stream', `event "${event}" carried data that is not JSON`, error);
  }
}

/**
 * The `delta` events, then the `done` event, of `response`. `event: error` and a stream that
 * ends before `done` throw; other event names are skipped (new kinds must not break old clients).
 */
export async function* queryEvents(response: Response): AsyncGenerator<QueryStreamEvent> {
  if (!response.headers.get('content-type')?.includes('text/event-stream')) {
    // Not a stream after all (a proxy buffered it into JSON, say): the whole answer is the done.
    yield { event: 'done', data: (await response.json()) as AnswerDone };
    return;
  }
  if (!response.body) throw streamError('stream_incomplete', 'the answer stream had no body');
  for await (const sse of parseSse(response.body)) {
    if (sse.event === 'delta') yield { event: 'delta', data: parse(sse.data, 'delta') as AnswerDelta };
    else if (sse.event === 'done') {
      yield { event: 'done', data: parse(sse.data, 'done') as AnswerDone };
      return;
    } else if (sse.event === 'error') {
      const body = parse(sse.data, 'error') as Partial<ErrorBody>;
      throw streamError(body.error?.code ?? 'stream_error', body.error?.message ?? 'the answer stream failed');
    }
  }
  throw streamError('stream_incomplete', 'the answer stream ended before its done event');
}
