/**
 * A GPU runner as a child process on loopback, for the test harnesses and the benchmarks: the
 * built JavaScript (`node dist/gpu-runner/main.js`, as in production; built first when stale),
 * port 0 by default (the real port is read back from the runner's `listening on
 * http://HOST:PORT` line), a temporary disk cache, the CPU device, no fit warm-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtPath, ensureBuilt } from './build.ts';
import { REPO_ROOT } from './paths.ts';

/** Options of {@link startRunnerProcess}. */
export interface RunnerProcessOptions {
  /** `GLYPH_RUNNER_KEYS`: the signing keys the runner accepts (`id:secret,…`). */
  keys: string;
  /** More environment; overrides the defaults (port 0, loopback, a temp cache dir, CPU device). */
  env?: Record<string, string>;
  /** How long to wait for the `listening on` line (default 60 s). */
  startTimeoutMs?: number;
}

/** A runner child process. */
export interface RunnerProcess {
  /** Base URL, no trailing slash. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** The runner's disk-cache directory (`GLYPH_CACHE_DIR`), removed by {@link RunnerProcess.stop}. */
  cacheDir: string;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILLs the process if still running and removes its cache directory. */
  stop(): Promise<void>;
}

/** Starts a runner and resolves once it listens. */
export async function startRunnerProcess(options: RunnerProcessOptions): Promise<RunnerProcess> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  ensureBuilt();
  const cacheDir = mkdtempSync(join(tmpdir(), 'glyph-runner-'));
  // node itself (no wrapper that forks): the pid held here is the runner, so killing it by pid
  // really kills the runner.
  const child = spawn(process.execPath, [builtPath('gpu-runner/main.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      GLYPH_RUNNER_PORT: '0',
      GLYPH_RUNNER_HOST: '127.0.0.1',
      GLYPH_RUNNER_KEYS: options.keys,
      GLYPH_CACHE_DIR: cacheDir,
      GLYPH_DEVICE: 'cpu',
      // No background fit searches (preset auto) unless a test asks: on a shared 2-core box they
      // would take the cores, and the OCR counters, from the test itself.
      GLYPH_FIT_WARM: 'off',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If this process exits without stop() (a crash, a failed assertion in a hook), take the runner along.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    process.removeListener('exit', reap);
    rmSync(cacheDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`runner did not start in ${startTimeoutMs} ms:\n${output}`)),
        startTimeoutMs,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s"]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!.replace(/\/$/, ''));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`runner exited (${code ?? signal}) before listening:\n${output}`));
      });
    });
    return { url, pid: child.pid!, child, cacheDir, output: () => output, exited, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
