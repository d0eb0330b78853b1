/**
 * Schemas that fail with a route's own error code instead of `invalid_request`: the refinement
 * carries `params.code`, which edge/http/issues.ts turns into the 400's code, with the message as
 * written here. Lets the zod schemas take over checks whose codes clients already rely on.
 */
import { z } from '@hono/zod-openapi';
import type { IdRule } from './id-rules.ts';

/** The refinement parameters of a coded check: its message and error code. */
export function coded(code: string, message: string | ((input: unknown) => string)) {
  return {
    error: (issue: { input?: unknown }) => (typeof message === 'string' ? message : message(issue.input)),
    params: { code },
  };
}

/** A string following `rule` (an id in a path), documented with its pattern. */
export function ruleString(rule: IdRule) {
  return z
    .string()
    .refine((value) => rule.pattern.test(value), coded(rule.code, rule.message))
    .openapi({ pattern: rule.pattern.source });
}
