/**
 * A streamed `multipart/form-data` body (RFC 7578): parts are written as their source yields
 * them, so the first page leaves before the last is painted, and page bytes go out as binary,
 * never base64. Pulled by the consumer: a slow client slows the source instead of growing a buffer.
 */
import { randomHex } from '../../protocol/primitives/bytes.ts';

/** One part of a multipart body. */
export interface MultipartPart {
  /** Form field name (`manifest`, `page-<n>`); ASCII without quotes. */
  name: string;
  /** Content type of the part. */
  contentType: string;
  body: Uint8Array | string;
  /** Marks the part as a file, so FormData parsers hand it out as a `File`. */
  filename?: string;
}

/** Options of {@link multipartStream}. */
export interface MultipartStreamOptions {
  /** Called once when the body ends: `undefined` when complete, else the error or cancel reason. */
  onEnd?: (reason: unknown) => void;
}

const encoder = new TextEncoder();

/** A fresh boundary: 192 random bits, so no page's bytes can plausibly contain it. */
export function randomBoundary(): string {
  return `glyph-${randomHex(24)}`;
}

/** The `content-type` header value of a body with `boundary`. */
export function multipartContentType(boundary: string): string {
  return `multipart/form-data; boundary=${boundary}`;
}

function partHead(boundary: string, part: MultipartPart, length: number): Uint8Array {
  if (/["\r\n]/.test(part.name) || (part.filename && /["\r\n]/.test(part.filename))) {
    throw new Error('multipart: part names must not contain quotes or line breaks');
  }
  const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
  return encoder.encode(
    `--${boundary}\r\ncontent-disposition: ${disposition}\r\ncontent-type: ${part.contentType}\r\n` +
      `content-length: ${length}\r\n\r\n`,
  );
}

/**
 * The body of `parts` as a byte stream: each part's head, bytes and CRLF, then the close
 * delimiter. Cancelling the stream (client gone) returns the source iterator, so its producer
 * can stop and clean up.
 */
export function multipartStream(
  boundary: string,
  parts: AsyncIterable<MultipartPart>,
  options: MultipartStreamOptions = {},
): ReadableStream<Uint8Array> {
  const iterator = parts[Symbol.asyncIterator]();
  let ended = false;
  const end = (reason: unknown): void => {
    if (ended) return;
    ended = true;
    options.onEnd?.(reason);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) {
            // The close delimiter ends the body; no CRLF after it. RFC 2046 allows one (as the
            // start of an epilogue), but @remix-run/multipart-parser — the edge's reader — throws
            // "Unexpected data after end of stream" when those two bytes arrive in a later read.
            controller.enqueue(encoder.encode(`--${boundary}--`));
            controller.close();
            end(undefined);
            return;
          }
          const part = next.value;
          const body = typeof part.body === 'string' ? encoder.encode(part.body) : part.body;
          controller.enqueue(partHead(boundary, part, body.byteLength));
          controller.enqueue(body);
          controller.enqueue(encoder.encode('\r\n'));
        } catch (e) {
          // Erroring the stream aborts the HTTP response mid-body: the client sees a truncated
          // multipart (no closing delimiter), never a well-formed but incomplete document.
          controller.error(e);
          end(e ?? new Error('multipart source failed'));
        }
      },
      async cancel(reason) {
        end(reason ?? new Error('cancelled'));
        await iterator.return?.();
      },
    },
    // Pull one part at a time: the source yields the next page only when the socket wants it.
    { highWaterMark: 0 },
  );
}
