/**
 * A local glyphgate stack for integration tests and the edge benchmark: real runner processes
 * (`gpu-runner/main.ts`) and the edge Worker in workerd through `wrangler dev --local`, with D1,
 * R2, Durable Objects and Queues kept in a temporary directory. API keys are created with the
 * project's own `npm run keys` script against that directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDemoSite } from '../../demo/build/site.ts';
import { freePort } from '../../infra/stack/ports.ts';
import { startRunnerProcess } from '../../infra/stack/runner-process.ts';

export { freePort };

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);

/** The Worker entry of wrangler.toml. */
const PRODUCTION_ENTRY = 'edge/index.ts';
/** The test-only entry that wraps the bindings with FAULT_INJECTION. */
const FAULT_ENTRY = 'test/edge/faults/worker.ts';

/** Signing key shared by the test edge and runners. */
export const RUNNER_KEY_ID = 'test';
/** Signing secret shared by the test edge and runners. */
export const RUNNER_SECRET = 'edge-test-secret-0123456789abcdef';

/** A running runner process. */
export interface RunnerHandle {
  url: string;
  pid: number;
  process: ChildProcess;
  /** Sum of `glyph_http_requests_total` for `route` (e.g. `/v1/render`), from /metrics. */
  requests(route: string): Promise<number>;
  /** A counter's value from /metrics (summed over labels). */
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a runner (infra/stack/runner-process.ts) that accepts the test edge's signing key. */
export async function startRunner(env: Record<string, string> = {}): Promise<RunnerHandle> {
  const runner = await startRunnerProcess({ keys: `${RUNNER_KEY_ID}:${RUNNER_SECRET}`, env });
  const scrape = async (): Promise<string> => (await fetch(`${runner.url}/metrics`)).text();
  const sum = (text: string, name: string, filter = ''): number =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name) && line.includes(filter) && !line.startsWith('#'))
      .reduce((total, line) => total + Number(line.trim().split(/\s+/).at(-1)), 0);
  return {
    url: runner.url,
    pid: runner.pid,
    process: runner.child,
    requests: async (route) => sum(await scrape(), 'glyph_http_requests_total{', `route="${route}"`),
    metric: async (name) => sum(await scrape(), name),
    stop: runner.stop,
  };
}

/** Options of {@link startEdge}. */
export interface EdgeOptions {
  /** Runner base URLs (RUNNERS). */
  runners: string[];
  /**
   * Extra Worker vars (override wrangler.toml). With FAULT_INJECTION among them the test-only
   * Worker entry (faults/worker.ts, which wraps the bindings) is bundled instead of edge/index.ts.
   */
  vars?: Record<string, string>;
  /**
   * wrangler's `--log-level` (default EDGE_LOG_LEVEL, else `warn`); `log` also shows the Worker's
   * own `console.log` lines in {@link EdgeHandle.log}.
   */
  logLevel?: 'debug' | 'info' | 'log' | 'warn' | 'error' | 'none';
}

/** A running edge Worker. */
export interface EdgeHandle {
  url: string;
  persistDir: string;
  /** Runs `npm run keys -- create --tenant <tenant>` against this edge's D1; returns the key. */
  createKey(tenant: string, extra?: string[]): { key: string; keyId: string };
  /** Runs `npm run keys -- revoke --key-id <id>`. */
  revokeKey(keyId: string): void;
  /** Whether R2 (local, this edge's state) holds `bucket/key`: read with `wrangler r2 object get`. */
  r2Has(bucket: string, key: string): boolean;
  /**
   * Objects stored so far in a local R2 bucket, counted from miniflare's blob files: cheap enough
   * to poll every few ms (e.g. to act once a render has streamed its first pages into R2).
   */
  r2BlobCount(bucket: string): number;
  /** fetch against the edge with a Bearer key. */
  call(key: string | null, path: string, init?: RequestInit): Promise<Response>;
  /** Everything wrangler and the Worker wrote to stdout and stderr so far (the Worker's logs). */
  log(): string;
  stop(): Promise<void>;
}

/** A started `wrangler dev`: its process, URL and output, and how to take it down if the process dies. */
interface Launched {
  child: ReturnType<typeof spawn>;
  url: string;
  reap: () => void;
  log: () => string;
}

/**
 * Starts `wrangler dev` on fresh free ports and waits for /healthz. A port found free can be taken
 * by any other socket before wrangler binds it (the OS hands out the same ephemeral range to
 * outgoing connections): that start is retried on new ports, not reported as a failure.
 */
async function launchWrangler(
  options: EdgeOptions,
  outdir: string,
  persistDir: string,
  env: NodeJS.ProcessEnv,
): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    const [port, inspectorPort] = [await freePort(), await freePort()];
    try {
      return await launchOnce(options, outdir, persistDir, env, port, inspectorPort);
    } catch (error) {
      if (attempt < 3 && /Address already in use/.test(String(error))) continue;
      throw error;
    }
  }
}

async function launchOnce(
  options: EdgeOptions,
  outdir: string,
  persistDir: string,
  env: NodeJS.ProcessEnv,
  port: number,
  inspectorPort: number,
): Promise<Launched> {
  const vars: Record<string, string> = {
    RUNNERS: options.runners.join(','),
    RUNNER_KEY_ID,
    RUNNER_SECRET,
    ...options.vars,
  };
  const args = [
    'dev',
    '--config',
    join(outdir, 'wrangler.toml'),
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
  ];
  args.push(
    '--persist-to',
    persistDir,
    '--show-interactive-dev-session=false',
    '--log-level',
    options.logLevel ?? process.env.EDGE_LOG_LEVEL ?? 'warn',
  );
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}:${value}`);
  // Own process group, so stop() can end wrangler and the workerd it started together.
  const child = spawn(bin('wrangler'), args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  // If this process dies without stop() (a crash, Ctrl-C), take wrangler and workerd with it.
  const reap = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', reap);
  let log = '';
  child.stdout!.on('data', (c: Buffer) => {
    log += c.toString();
    if (process.env.EDGE_LOG) process.stderr.write(c);
  });
  child.stderr!.on('data', (c: Buffer) => {
    log += c.toString();
    if (process.env.EDGE_LOG) process.stderr.write(c);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) {
      process.removeListener('exit', reap);
      throw new Error(`wrangler dev exited:\n${log}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not come up in 90 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  return { child, url, reap, log: () => log };
}

/** Applies migrations and starts `wrangler dev --local` on a free port; resolves when /healthz answers. */
export async function startEdge(options: EdgeOptions): Promise<EdgeHandle> {
  const persistDir = mkdtempSync(join(tmpdir(), 'glyph-edge-'));
  const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' };
  const migrate = spawnSync(
    bin('wrangler'),
    ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir],
    {
      cwd: root,
      env,
      encoding: 'utf8',
    },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stderr}${migrate.stdout}`);

  // Bundle once and serve that file with --no-bundle: `wrangler dev` would otherwise watch the
  // sources and restart the Worker mid-test whenever anyone edits edge/ or protocol/.
  const outdir = join(persistDir, 'bundle');
  const entry = options.vars?.FAULT_INJECTION !== undefined ? FAULT_ENTRY : PRODUCTION_ENTRY;
  // The demo page's static assets, built from today's sources (not whatever dist/site holds).
  const site = join(persistDir, 'site');
  await buildDemoSite(site);
  const build = spawnSync(bin('wrangler'), ['deploy', entry, '--dry-run', '--outdir', outdir, '--assets', site], {
    cwd: root,
    env,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`bundling the Worker failed:\n${build.stderr}${build.stdout}`);
  const config = readFileSync(join(root, 'wrangler.toml'), 'utf8')
    .replace(/^main = .*$/m, `main = "${basename(entry, '.ts')}.js"\nno_bundle = true`)
    .replace(/^directory = .*$/m, `directory = ${JSON.stringify(site)}`)
    .replace(/^migrations_dir = .*$/m, `migrations_dir = ${JSON.stringify(join(root, 'migrations'))}`);
  writeFileSync(join(outdir, 'wrangler.toml'), config);

  const { child, url, reap, log: wranglerLog } = await launchWrangler(options, outdir, persistDir, env);

  const keys = (args: string[]): string => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'infra/keys.ts', ...args, '--persist-to', persistDir, '--json', '--no-migrate'],
      { cwd: root, env, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`keys ${args[0]} failed:\n${result.stderr}`);
    return result.stdout.trim().split('\n').at(-1)!;
  };

  return {
    url,
    persistDir,
    createKey(tenant, extra = []) {
      return JSON.parse(keys(['create', '--tenant', tenant, ...extra])) as { key: string; keyId: string };
    },
    revokeKey(keyId) {
      keys(['revoke', '--key-id', keyId]);
    },
    r2Has(bucket, key) {
      const result = spawnSync(
        bin('wrangler'),
        ['r2', 'object', 'get', `${bucket}/${key}`, '--local', '--persist-to', persistDir, '--pipe'],
        {
          cwd: root,
          env,
          encoding: 'buffer',
        },
      );
      return result.status === 0 && result.stdout.byteLength > 0;
    },
    r2BlobCount(bucket) {
      const dir = join(persistDir, 'v3', 'r2', bucket, 'blobs');
      return existsSync(dir) ? readdirSync(dir).length : 0;
    },
    async call(key, path, init = {}) {
      const headers = new Headers(init.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      // createKey/revokeKey block the event loop (spawnSync) for seconds under load; the edge
      // closes keep-alive sockets idle for 5 s, and fetch would reuse such a socket before it saw
      // the close ("other side closed"). A timer, then an immediate, is sure to pass through the
      // loop's I/O poll, where the close is seen, before the request goes out.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => setImmediate(resolve));
      return fetch(url + path, { ...init, headers });
    },
    log() {
      return wranglerLog();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          // already gone
        }
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }, 5000);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', reap);
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
