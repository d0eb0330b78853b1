/**
 * The `Retry-After` header of a runner's 429, read so the edge can pass the longest wait on to the
 * client when every runner is busy.
 */

/** Waits beyond this are clamped: a confused runner must not tell clients to go away for days. */
export const MAX_RETRY_AFTER_SECONDS = 3600;

/**
 * Seconds to wait from a `Retry-After` value: delta-seconds (`"12"`) or an HTTP-date (seconds from
 * `nowMs`, rounded up, never negative). Clamped to {@link MAX_RETRY_AFTER_SECONDS}. `undefined`
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let seconds: number;
  if (/^\d+$/.test(text)) {
    seconds = Number(text);
  } else {
    // An HTTP-date always names a weekday and month; without a letter this is no date (and
    // Date.parse would read "-5" as a year).
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.max(0, Math.ceil((at - nowMs) / 1000));
  }
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}
