/**
 * Wraps the Worker's real bindings so the rules of FAULT_INJECTION (rules.ts) make chosen calls
 * fail. Everything not named by a rule goes straight to the real binding — these are real R2, D1
 * and Queues with failures injected, not fakes. Without FAULT_INJECTION, `env` is returned
 * untouched. Only the test Worker entry (worker.ts) uses this: the production entry has none of it.
 */
import type { D1Database, Queue, R2Bucket } from '../../../edge/bindings.ts';
import type { JobMessage } from '../../../edge/jobs/messages.ts';
import { faultRules, type FaultEnv, type FaultRule } from './rules.ts';

// Per rule (its index in the FAULT_INJECTION value it came from), calls that matched it so far.
// Module state: shared by every env object in this isolate, so counts run across requests.
const matched = new Map<string, number>();
const wrapped = new WeakMap<object, FaultEnv>();

/** Whether the next matching call of rule `id` (after `after` passes, `times` fail) must fail. */
function due(id: string, after: number, times: number): boolean {
  const n = (matched.get(id) ?? 0) + 1;
  matched.set(id, n);
  return n > after && n <= after + times;
}

function injected(where: string, rule: string): Error {
  // Shaped like the real errors (D1's "D1_ERROR: …", R2's "put: … (10001)"), named as injected.
  return new Error(`${where}: injected fault (FAULT_INJECTION ${rule})`);
}

// Methods of a binding object, bound to it: workerd's bindings refuse calls with another `this`.
function forward<T extends object>(target: T, prop: string | symbol): unknown {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
}

function faultyBucket(bucket: R2Bucket, rules: Array<{ id: string; after: number; times: number }>): R2Bucket {
  return new Proxy(bucket, {
    get(target, prop) {
      if (prop !== 'put') return forward(target, prop);
      return async (...args: Parameters<R2Bucket['put']>) => {
        for (const rule of rules) if (due(rule.id, rule.after, rule.times)) throw injected('put', 'r2-put-fail-after');
        return target.put(...args);
      };
    },
  });
}

type Statement = ReturnType<D1Database['prepare']>;
interface D1Faults {
  down: boolean;
  failAfter: Array<{ id: string; fragment: string; after: number; times: number }>;
}

// The real statement behind each wrapped one and its SQL, for batch(): the binding must get its own objects.
const realStatements = new WeakMap<object, { statement: Statement; sql: string }>();

function check(sql: string, faults: D1Faults): void {
  if (faults.down) throw injected('D1_ERROR', 'd1-down');
  for (const rule of faults.failAfter) {
    if (sql.includes(rule.fragment) && due(rule.id, rule.after, rule.times))
      throw injected('D1_ERROR', 'd1-fail-after');
  }
}

function faultyStatement(statement: Statement, sql: string, faults: D1Faults): Statement {
  const proxy = new Proxy(statement, {
    get(target, prop) {
      if (prop === 'bind') return (...values: unknown[]) => faultyStatement(target.bind(...values), sql, faults);
      if (prop === 'first' || prop === 'run' || prop === 'all' || prop === 'raw') {
        const method = forward(target, prop) as (...args: unknown[]) => Promise<unknown>;
        return async (...args: unknown[]) => {
          check(sql, faults);
          return method(...args);
        };
      }
      return forward(target, prop);
    },
  });
  realStatements.set(proxy, { statement, sql });
  return proxy;
}

function faultyDatabase(db: D1Database, faults: D1Faults): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => faultyStatement(target.prepare(sql), sql, faults);
      if (prop === 'batch') {
        return async (statements: Statement[]) => {
          if (faults.down) throw injected('D1_ERROR', 'd1-down');
          for (const s of statements) {
            const entry = realStatements.get(s);
            if (entry) check(entry.sql, faults);
          }
          return target.batch(statements.map((s) => realStatements.get(s)?.statement ?? s));
        };
      }
      if (prop === 'exec') {
        return async (sql: string) => {
          check(sql, faults);
          return target.exec(sql);
        };
      }
      return forward(target, prop);
    },
  });
}

function duplicatingQueue(queue: Queue<JobMessage>): Queue<JobMessage> {
  return new Proxy(queue, {
    get(target, prop) {
      if (prop === 'send') {
        return async (...args: Parameters<Queue<JobMessage>['send']>) => {
          await target.send(...args);
          await target.send(...args);
        };
      }
      if (prop === 'sendBatch') {
        return async (...[messages, options]: Parameters<Queue<JobMessage>['sendBatch']>) => {
          const list = [...messages];
          await target.sendBatch([...list, ...list], options);
        };
      }
      return forward(target, prop);
    },
  });
}

function apply(env: FaultEnv, rules: FaultRule[], spec: string): FaultEnv {
  const out: FaultEnv = { ...env };
  const id = (i: number) => `${spec}#${i}`;
  const r2 = new Map<string, Array<{ id: string; after: number; times: number }>>();
  const d1: D1Faults = { down: false, failAfter: [] };
  rules.forEach((rule, i) => {
    if (rule.kind === 'r2-put-fail-after')
      r2.set(rule.binding, [...(r2.get(rule.binding) ?? []), { id: id(i), after: rule.after, times: rule.times }]);
    else if (rule.kind === 'd1-down') d1.down = true;
    else if (rule.kind === 'd1-fail-after')
      d1.failAfter.push({ id: id(i), fragment: rule.fragment, after: rule.after, times: rule.times });
    else out.JOBS = duplicatingQueue(env.JOBS);
  });
  for (const [binding, list] of r2) out[binding as 'RENDERS'] = faultyBucket(env[binding as 'RENDERS'], list);
  if (d1.down || d1.failAfter.length > 0) out.DB = faultyDatabase(env.DB, d1);
  return out;
}

/**
 * `env` with the faults FAULT_INJECTION asks for (the same wrapped object for the same `env`), or
 * `env` itself when it asks for none.
 *
 * @throws {import('./rules.ts').FaultConfigError} when FAULT_INJECTION is malformed or set outside local/dev.
 */
export function withFaults<E extends FaultEnv>(env: E): E {
  if (!env.FAULT_INJECTION) return env;
  const hit = wrapped.get(env);
  if (hit) return hit as E;
  const out = apply(env, faultRules(env), env.FAULT_INJECTION.trim());
  wrapped.set(env, out);
  return out as E;
}
