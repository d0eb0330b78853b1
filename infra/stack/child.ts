import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A child process of the local stack, in its own process group so it can be ended whole. */
export interface StackChild {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link startChild}. */
export interface StartChildOptions extends Pick<SpawnOptions, 'cwd' | 'env'> {
  /** Prefix for each line the child prints (`[runner] …`); nothing is printed when undefined. */
  prefix?: string;
  /** Called with each line of output (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Lines not relayed (known noise, e.g. wrangler failing to reach Cloudflare while offline). */
  quiet?: RegExp;
}

/** Spawns `command args` detached (own process group), relaying its output line by line. */
export function startChild(name: string, command: string, args: string[], options: StartChildOptions): StackChild {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        options.onLine?.(line);
        if (options.prefix !== undefined && line.trim() && !options.quiet?.test(line))
          process.stdout.write(`${options.prefix}${line}\n`);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // already gone
        }
      };
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes. */
export async function waitForHealthy(url: string, child: StackChild, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void child.exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${child.name} exited (code ${exitCode}) before answering ${url}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} did not answer ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
