/** Runner answers as JSON of the runner contract: parsed and validated, a bad one a 502. */
import type { z } from 'zod';
import { ApiError } from '../http/errors.ts';

/** `text` as `schema`'s data; `fail` makes the error for a body that is not JSON (`json`) or not the contract's shape (`shape`). */
export function parseJson<S extends z.ZodType>(
  schema: S,
  text: string,
  fail: (why: 'json' | 'shape') => Error,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's message quotes the body: it goes nowhere.
    throw fail('json');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fail('shape');
  return parsed.data;
}

export function parseData<S extends z.ZodType>(schema: S, text: string): z.output<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JSON body of a runner's 2xx answer, validated; a body that is not JSON, or not the
 * contract's shape, is a bad gateway (502), not an internal error.
 */
export async function readJson<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  return parseJson(schema, await response.text(), (why) =>
    why === 'json'
      ? new ApiError(502, 'runner_error', 'runner answered malformed JSON')
      : new ApiError(502, 'runner_error', "runner answered JSON that is not the runner contract's shape"),
  );
}
