/**
 * FAULT_INJECTION — the test Worker entry's var (worker.ts; the production entry knows nothing of
 * it). Failures injected into the real R2, D1 and Queue bindings so tests can watch the edge cope in
 * workerd (inject.ts does the wrapping). Refused unless ENVIRONMENT says `local` or `dev`: a Worker
 * deployed from the test entry by mistake answers every request with 500 rather than fail at random.
 *
 * Comma-separated rules:
 *
 *   r2-put-fail-after:<BINDING>:<n>[:<times>]   after <n> puts to that bucket succeed, the next
 *                                               <times> puts throw (default: every later one)
 *   d1-down                                     every D1 statement, batch and exec throws
 *   d1-fail-after:<sql fragment>:<n>[:<times>]  statements whose SQL contains the fragment: after
 *                                               <n> succeed, the next <times> throw (default: all)
 *   queue-send-twice                            every message sent to JOBS is delivered twice
 *
 * Counts are per isolate and per rule, shared by every request, the queue consumer and the Durable
 * Object running in it (all of them do in wrangler dev).
 */
import type { Env } from '../../../edge/bindings.ts';

/** The Worker's bindings plus the vars of the test entry. */
export interface FaultEnv extends Env {
  /** Comma-separated fault rules (below). */
  FAULT_INJECTION?: string;
  /** `local` or `dev` on a developer's machine or in tests; FAULT_INJECTION is refused otherwise. */
  ENVIRONMENT?: string;
}

/** One parsed rule. */
export type FaultRule =
  | { kind: 'r2-put-fail-after'; binding: R2BindingName; after: number; times: number }
  | { kind: 'd1-down' }
  | { kind: 'd1-fail-after'; fragment: string; after: number; times: number }
  | { kind: 'queue-send-twice' };

/** The R2 bindings a rule may name. */
export const R2_BINDINGS = ['DOCUMENTS', 'RENDERS', 'ANSWERS'] as const;
/** One of {@link R2_BINDINGS}. */
export type R2BindingName = (typeof R2_BINDINGS)[number];

/** Values of ENVIRONMENT under which FAULT_INJECTION is honoured. */
export const FAULT_ENVIRONMENTS = ['local', 'dev'] as const;

/** A FAULT_INJECTION value that cannot be used: malformed, or set outside local/dev. */
export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

function count(value: string | undefined, rule: string, what: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new FaultConfigError(`FAULT_INJECTION: "${rule}" needs ${what} as a whole number`);
  }
  return n;
}

/** Parses a FAULT_INJECTION value (no environment check; see {@link faultRules}). */
export function parseFaultRules(value: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const text of value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const [kind, ...args] = text.split(':');
    if (kind === 'd1-down' && args.length === 0) rules.push({ kind });
    else if (kind === 'queue-send-twice' && args.length === 0) rules.push({ kind });
    else if (kind === 'r2-put-fail-after' && (args.length === 2 || args.length === 3)) {
      const binding = args[0] as R2BindingName;
      if (!R2_BINDINGS.includes(binding))
        throw new FaultConfigError(`FAULT_INJECTION: "${text}" names no R2 binding (${R2_BINDINGS.join(', ')})`);
      rules.push({
        kind,
        binding,
        after: count(args[1], text, '<n>'),
        times: count(args[2], text, '<times>', Infinity),
      });
    } else if (kind === 'd1-fail-after' && (args.length === 2 || args.length === 3) && args[0]!.trim() !== '') {
      rules.push({
        kind,
        fragment: args[0]!,
        after: count(args[1], text, '<n>'),
        times: count(args[2], text, '<times>', Infinity),
      });
    } else {
      throw new FaultConfigError(`FAULT_INJECTION: unknown or malformed rule "${text}"`);
    }
  }
  return rules;
}

/**
 * The fault rules `env` asks for: none when FAULT_INJECTION is unset or empty.
 *
 * @throws {FaultConfigError} when it is malformed, or set while ENVIRONMENT is not local/dev.
 */
export function faultRules(env: Pick<FaultEnv, 'FAULT_INJECTION' | 'ENVIRONMENT'>): FaultRule[] {
  const value = env.FAULT_INJECTION?.trim() ?? '';
  if (value === '') return [];
  const environment = env.ENVIRONMENT?.trim().toLowerCase() ?? '';
  if (!(FAULT_ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new FaultConfigError(
      `FAULT_INJECTION is set but ENVIRONMENT is "${environment || '(unset)'}": fault injection is for tests, only with ENVIRONMENT=local or dev`,
    );
  }
  return parseFaultRules(value);
}
