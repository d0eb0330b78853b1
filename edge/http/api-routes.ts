/** The Hono app type every public route group is built on. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.ts';
import { validationHook } from './validation.ts';

/**
 * A route group that documents itself in the OpenAPI registry and answers validation failures
 * with our 400s. Each group sets the hook itself rather than inheriting it from the app it is
 * mounted on, so a group tested alone behaves as it does mounted.
 */
export function apiRoutes(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
