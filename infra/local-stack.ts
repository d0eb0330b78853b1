/**
 * `npm start` (`npm run build`, then this file's built JavaScript): the whole product on this
 * machine. Starts the GPU runner (CPU here; built JavaScript, as in production) and the edge
 * Worker in workerd through `wrangler dev --local`, with D1, R2, Durable Objects and Queues kept
 * on disk under `.glyph/`; applies the D1 migrations, registers the dev API key for tenant
 * `local`, and prints the URLs. Ctrl-C or SIGTERM stops both.
 *
 * Environment: GLYPH_EDGE_PORT (8787), GLYPH_RUNNER_PORT (8788), GLYPH_API_KEY (local-dev-key),
 * GLYPH_STATE_DIR (.glyph). Runner variables (GLYPH_VLM_URL, GLYPH_DEVICE, …) pass through.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { builtPath } from './stack/build.ts';
import { startChild, waitForHealthy, type StackChild } from './stack/child.ts';
import { REPO_ROOT } from './stack/paths.ts';
import { freePort, portInUse } from './stack/ports.ts';

const root = REPO_ROOT;
const wrangler = join(root, 'node_modules', '.bin', 'wrangler');
const RUNNER_KEY_ID = 'local';

function fail(message: string): never {
  process.stderr.write(`glyphgate: ${message}\n`);
  process.exit(1);
}

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) fail(`${name} must be a port number, got "${raw}"`);
  return value;
}

const edgePort = port('GLYPH_EDGE_PORT', 8787);
const runnerPort = port('GLYPH_RUNNER_PORT', 8788);
const apiKey = process.env.GLYPH_API_KEY || 'local-dev-key';
const stateDir = resolve(root, process.env.GLYPH_STATE_DIR || '.glyph');
const persistDir = join(stateDir, 'state');
// A fresh signing secret per stack: nothing outside this process tree ever needs it.
const secret = randomBytes(32).toString('hex');
// Key-free page URLs (edge/page-urls/) are signed with their own per-stack secret.
const pageUrlSecret = randomBytes(32).toString('hex');
// The chat gateway's upstream (edge/gateway/): GLYPH_UPSTREAM_URL → UPSTREAM_BASE_URL.
const upstreamVars = [
  ...(process.env.GLYPH_UPSTREAM_URL ? ['--var', `UPSTREAM_BASE_URL:${process.env.GLYPH_UPSTREAM_URL}`] : []),
  ...(process.env.GLYPH_UPSTREAM_IMAGE_DELIVERY
    ? ['--var', `UPSTREAM_IMAGE_DELIVERY:${process.env.GLYPH_UPSTREAM_IMAGE_DELIVERY}`]
    : []),
];
// CI=1 keeps wrangler from ever waiting on an interactive prompt (there is no terminal behind us).
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI || '1' };

for (const [name, p] of [
  ['GLYPH_EDGE_PORT', edgePort],
  ['GLYPH_RUNNER_PORT', runnerPort],
] as const) {
  if (await portInUse(p)) fail(`port ${p} (${name}) is already in use: stop what listens there or set ${name}`);
}
mkdirSync(persistDir, { recursive: true });
// The demo page is the Worker's static assets (wrangler.toml [assets]), written by `npm run build`.
if (!existsSync(join(root, 'dist', 'site', 'index.html')))
  fail('the demo page is not built (dist/site): run `npm run build` first');

function run(what: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, env: quietEnv, encoding: 'utf8' });
  if (result.status !== 0) fail(`${what} failed:\n${(result.stderr || result.stdout).trim()}`);
}

process.stdout.write('glyphgate: applying D1 migrations and registering the dev key…\n');
run('applying D1 migrations', wrangler, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir]);
run('registering the dev API key', process.execPath, [
  builtPath('infra/keys.ts'),
  'create',
  '--tenant',
  'local',
  '--key',
  apiKey,
  '--persist-to',
  persistDir,
  '--no-migrate',
  '--json',
]);

const children: StackChild[] = [];
let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write('glyphgate: stopping…\n');
    await Promise.all(children.map((c) => c.stop()));
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

const runner = startChild('runner', process.execPath, [builtPath('gpu-runner/main.ts')], {
  cwd: root,
  prefix: '[runner] ',
  env: {
    ...quietEnv,
    GLYPH_RUNNER_PORT: String(runnerPort),
    GLYPH_RUNNER_HOST: '127.0.0.1',
    GLYPH_RUNNER_KEYS: `${RUNNER_KEY_ID}:${secret}`,
    GLYPH_CACHE_DIR: process.env.GLYPH_CACHE_DIR || join(stateDir, 'runner-cache'),
    // Warming every profile's preset-auto search takes minutes of CPU on a laptop and starves the
    // first requests; locally a profile is searched on its first auto render (and kept on disk).
    GLYPH_FIT_WARM: process.env.GLYPH_FIT_WARM || 'off',
  },
});
children.push(runner);

const edge = startChild(
  'edge',
  wrangler,
  [
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(edgePort),
    '--inspector-port',
    String(await freePort()),
    '--persist-to',
    persistDir,
    '--show-interactive-dev-session=false',
    '--log-level',
    process.env.GLYPH_EDGE_LOG_LEVEL || 'warn',
    '--var',
    `RUNNERS:http://127.0.0.1:${runnerPort}`,
    '--var',
    `RUNNER_KEY_ID:${RUNNER_KEY_ID}`,
    '--var',
    `RUNNER_SECRET:${secret}`,
    '--var',
    `PAGE_URL_SECRET:${pageUrlSecret}`,
    ...upstreamVars,
  ],
  {
    cwd: root,
    env: quietEnv,
    prefix: '[edge] ',
    // Offline, wrangler cannot fetch the Request.cf placeholder data: harmless, and it says so.
    quiet: /Request\.cf|getaddrinfo ENOTFOUND|GetAddrInfoReqWrap/,
  },
);
children.push(edge);

for (const child of children) {
  void child.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`glyphgate: ${child.name} exited (code ${code}); stopping the stack\n`);
      void stopAll(1);
    }
  });
}

try {
  await Promise.all([
    waitForHealthy(`http://127.0.0.1:${runnerPort}/healthz`, runner, 120_000),
    waitForHealthy(`http://127.0.0.1:${edgePort}/healthz`, edge, 120_000),
  ]);
} catch (err) {
  process.stderr.write(`glyphgate: ${(err as Error).message}\n`);
  await stopAll(1);
}

process.stdout.write(
  [
    '',
    'glyphgate is running',
    `  demo page  http://127.0.0.1:${edgePort}/`,
    `  API        http://127.0.0.1:${edgePort}/v1   (OpenAPI: /openapi.json)`,
    `  API key    ${apiKey}   (tenant "local"; header: Authorization: Bearer ${apiKey})`,
    `  runner     http://127.0.0.1:${runnerPort}   (/healthz, /metrics)`,
    `  state      ${stateDir}`,
    'Ctrl-C stops both.',
    '',
  ].join('\n'),
);
