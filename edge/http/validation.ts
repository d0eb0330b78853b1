/**
 * The validation hook of every OpenAPI route: a request the route's zod schemas reject becomes
 * our JSON 400 (`{ error: { code, message } }`, naming the field) rather than zod's own body.
 */
import type { Hook } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import { issueError } from './issues.ts';

/** Throws the 400 for the first issue; the app's onError writes it. */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result) => {
  if (!result.success) throw issueError(result.error.issues[0], result.target);
  return undefined;
};
