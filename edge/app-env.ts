/** The Hono environment every edge route runs in: bindings plus what middleware sets. */
import type { TimingVariables } from 'hono/timing';
import type { Env } from './bindings.ts';
import type { UploadBody } from './http/read-text.ts';

/** Who is calling: set by the auth middleware. */
export interface Caller {
  /** Tenant the key belongs to; every storage key and query is scoped by it. */
  tenant: string;
  /** Public id of the API key (usage rows, rate limit). */
  keyId: string;
  /** This key's own requests-per-minute limit, when it has one (else RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute?: number;
}

/** Hono generics of the edge app. */
export interface AppEnv {
  Bindings: Env;
  Variables: TimingVariables & {
    caller: Caller;
    /** The upload body, read under the size limit (edge/http/body-middleware.ts). */
    upload: UploadBody;
  };
}
