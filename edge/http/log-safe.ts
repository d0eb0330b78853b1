/**
 * Errors as log lines that carry no request data. Logs leave the tenant boundary (whoever reads
 * the Worker's logs sees every tenant), so a line must never hold document text, a question, an API
 * key or a secret. Error messages mostly name what failed, but some quote their input — above all
 * JSON.parse's SyntaxError ("Unexpected token … in "<the text>" is not valid JSON"), which a runner
 * answering garbage would turn into a copy of the document in the logs.
 */

// Long enough for a useful message; short enough that no quoted input survives whole.
const MAX_MESSAGE_CHARS = 160;
const MAX_CAUSES = 3;

/** The message of `error` fit for a log: withheld when its kind quotes input, first line, bounded. */
export function logSafeMessage(error: unknown): string {
  if (!(error instanceof Error)) return `(non-Error ${typeof error} thrown)`;
  // V8's JSON and RegExp syntax errors quote the text they were given.
  if (error instanceof SyntaxError) return '(message withheld: it may quote its input)';
  const line = error.message.split('\n', 1)[0] ?? '';
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}…` : line;
}

/** `Name: message`, then its causes (`← Name: message`), each through {@link logSafeMessage}; no stack. */
export function describeForLog(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined; depth++) {
    const name = current instanceof Error ? current.name : 'thrown';
    parts.push(`${name}: ${logSafeMessage(current)}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' ← ');
}
