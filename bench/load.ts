/**
 * `npm run bench:load` — the local stack under load (autocannon, loopback only, each phase stops
 * by itself): a bare baseline Worker serving the same R2 object, then glyphgate's cached page
 * GETs, cached queries, uploads of new documents and a mixed profile. Prints requests/s,
 * p50/p99 latency, errors, and the RSS of the runner and of workerd.
 *
 * `npm run soak -- --minutes N` repeats the mixed profile for N minutes and reports memory growth
 * after a one-minute warm-up, and over the second half. `--profile pages|queries|uploads` soaks one
 * part of the mix, `--profile baseline` the bare baseline Worker (its own workerd's RSS): what
 * tells growth of our Worker apart from growth of workerd and its local R2/D1/Cache simulators.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startChild, waitForHealthy, type StackChild } from '../infra/stack/child.ts';
import { freePort } from '../infra/stack/ports.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    minutes: { type: 'string', default: '10' },
    seconds: { type: 'string', default: process.env.LOAD_SECONDS ?? '10' },
    connections: { type: 'string', default: '32' },
    // What the soak repeats: the mixed profile (the figure), or one part of it, or the bare
    // baseline Worker, to tell which traffic (or workerd itself) a memory growth comes from.
    profile: { type: 'string', default: 'mixed' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const KEY = 'load-test-key-0123456789';
const SOAK_PROFILES = ['mixed', 'pages', 'queries', 'uploads', 'baseline'] as const;
const profile = values.profile as (typeof SOAK_PROFILES)[number];
if (!SOAK_PROFILES.includes(profile)) {
  console.error(`--profile must be one of ${SOAK_PROFILES.join(', ')}`);
  process.exit(2);
}

/** `rootPid` and all its descendants, with their command lines. */
function processTree(rootPid: number): Array<{ pid: number; cmd: string }> {
  const found: Array<{ pid: number; cmd: string }> = [];
  const walk = (pid: number) => {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return;
    }
    found.push({ pid, cmd });
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) walk(Number(child));
    }
  };
  walk(rootPid);
  return found;
}

/**
 * RSS in MB (`field`: all of it, or only its anonymous part, which leaves out file pages such as
 * SQLite's and the blob store's, that the kernel can reclaim) of `pid` and all its descendants
 * whose command line matches `pattern`.
 */
function rssOf(rootPid: number, pattern: RegExp, field: 'VmRSS' | 'RssAnon' = 'VmRSS'): number {
  const pids = processTree(rootPid)
    .filter((p) => pattern.test(p.cmd))
    .map((p) => p.pid);
  return pids.reduce((mb, pid) => {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return mb + (m ? Number(m[1]) / 1024 : 0);
  }, 0);
}

interface Phase {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** What the errors were: non-2xx statuses with counts, timeouts, socket errors. */
  errorKinds: string;
}

async function drive(name: string, options: autocannon.Options): Promise<Phase> {
  const result = await autocannon({ connections, duration: seconds, ...options });
  return {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    errorKinds: [
      ...Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, stat]) => `${stat.count ?? 0}× ${code}`),
      ...(result.timeouts ? [`${result.timeouts} timeouts`] : []),
      ...(result.errors - result.timeouts > 0 ? [`${result.errors - result.timeouts} socket errors`] : []),
    ].join(', '),
  };
}

const stateDir = mkdtempSync(join(tmpdir(), 'glyph-load-'));
const [edgePort, runnerPort, basePort] = [await freePort(), await freePort(), await freePort()];
const children: StackChild[] = [];
const stopAll = async () => {
  await Promise.all(children.map((c) => c.stop()));
  rmSync(stateDir, { recursive: true, force: true });
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
process.on('SIGTERM', () => void stopAll().then(() => process.exit(143)));

try {
  const stack = startChild(
    'local stack',
    process.execPath,
    ['--import', 'tsx', join(root, 'infra', 'local-stack.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        GLYPH_EDGE_PORT: String(edgePort),
        GLYPH_RUNNER_PORT: String(runnerPort),
        GLYPH_STATE_DIR: stateDir,
      },
    },
  );
  children.push(stack);
  await waitForHealthy(`http://127.0.0.1:${edgePort}/healthz`, stack, 180_000);
  await waitForHealthy(`http://127.0.0.1:${runnerPort}/healthz`, stack, 60_000);

  const edge = `http://127.0.0.1:${edgePort}`;
  // A key of its own with a rate limit far above what loopback load reaches: the benchmark
  // measures throughput, not the limiter (which answers 429 once a key passes its limit).
  const created = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'infra', 'keys.ts'),
      'create',
      '--tenant',
      'local',
      '--key',
      KEY,
      '--rate-limit',
      '100000000',
      '--quota',
      '1000000000000',
      '--persist-to',
      join(stateDir, 'state'),
      '--no-migrate',
      '--json',
    ],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`creating the load key failed: ${created.stderr}`);
  const auth = { authorization: `Bearer ${KEY}` };
  const post = async (path: string, body: string, type = 'application/json') => {
    // The spawnSync above can block this process past the edge's 5 s keep-alive idle timeout: a
    // timer, then an immediate, passes through the loop's I/O poll, where fetch sees the closed
    // socket instead of reusing it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await new Promise((resolve) => setImmediate(resolve));
    const res = await fetch(`${edge}${path}`, { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const text = readFileSync(join(root, 'test', 'fixtures', 'glyph', 'case1.txt'), 'utf8');
  const doc = (await post('/v1/documents', text, 'text/plain')) as { id: string };
  const render = (await post(`/v1/documents/${doc.id}/render`, '{}')) as { renderId: string };
  const question = JSON.stringify({ question: 'What is this document about?' });
  await post(`/v1/documents/${doc.id}/query`, question);
  const pagePath = `/v1/documents/${doc.id}/renders/${render.renderId}/pages/1`;

  // The baseline reads the very object the edge stored, from the same local R2 state.
  const baseline = startChild(
    'baseline',
    join(root, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      '--config',
      join(root, 'bench', 'baseline', 'wrangler.toml'),
      '--local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(basePort),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      join(stateDir, 'state'),
      '--show-interactive-dev-session=false',
      '--log-level',
      'error',
    ],
    { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' } },
  );
  children.push(baseline);
  const r2Key = `t/local/renders/${doc.id}/${render.renderId}/page-0001.png`;
  const baseUrl = `http://127.0.0.1:${basePort}/?key=${encodeURIComponent(r2Key)}`;
  await waitForHealthy(baseUrl, baseline, 120_000);

  let uploads = 0;
  const uploadRequest = () => ({
    method: 'POST' as const,
    path: '/v1/documents',
    headers: { ...auth, 'content-type': 'text/plain' },
    body: `load test document ${process.pid}-${Date.now()}-${uploads++}\n${text.slice(0, 2000)}`,
  });
  const mixed: autocannon.Options = {
    url: edge,
    requests: [
      { method: 'GET', path: pagePath, headers: auth },
      {
        method: 'POST',
        path: `/v1/documents/${doc.id}/query`,
        headers: { ...auth, 'content-type': 'application/json' },
        body: question,
      },
      { method: 'GET', path: pagePath, headers: auth },
      { ...uploadRequest(), setupRequest: (req) => ({ ...req, ...uploadRequest() }) },
    ],
  };
  const pageGet: autocannon.Options = { url: `${edge}${pagePath}`, headers: auth };
  const query: autocannon.Options = {
    url: `${edge}/v1/documents/${doc.id}/query`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: question,
  };
  const upload: autocannon.Options = {
    url: edge,
    requests: [{ ...uploadRequest(), setupRequest: (req) => ({ ...req, ...uploadRequest() }) }],
  };
  // In the baseline profile "workerd" is the baseline Worker's; otherwise the edge's.
  const workerdOf = profile === 'baseline' ? baseline : stack;
  const rss = () => ({
    runner: rssOf(stack.process.pid!, /gpu-runner\/main\.ts/),
    workerd: rssOf(workerdOf.process.pid!, /workerd/),
    workerdAnon: rssOf(workerdOf.process.pid!, /workerd/, 'RssAnon'),
  });

  if (values.soak) {
    const minutes = Number(values.minutes);
    const load = { mixed, pages: pageGet, queries: query, uploads: upload, baseline: { url: baseUrl } }[profile];
    const samples: Array<{ t: number } & ReturnType<typeof rss>> = [];
    const started = Date.now();
    let total = 0;
    let errors = 0;
    while (Date.now() - started < minutes * 60_000) {
      const phase = await drive(profile, { ...load, duration: Math.min(seconds, 30) });
      total += phase.rps * Math.min(seconds, 30);
      errors += phase.errors;
      const s = { t: (Date.now() - started) / 60_000, ...rss() };
      samples.push(s);
      console.log(
        `${s.t.toFixed(1)} min  ${phase.rps.toFixed(0)} req/s  errors ${phase.errors}${phase.errorKinds ? ` (${phase.errorKinds})` : ''}  runner ${s.runner.toFixed(0)} MB  workerd ${s.workerd.toFixed(0)} MB (anonymous ${s.workerdAnon.toFixed(0)})`,
      );
    }
    const warm = samples.find((s) => s.t >= 1) ?? samples[0]!;
    const half = samples.find((s) => s.t >= minutes / 2) ?? warm;
    const last = samples.at(-1)!;
    const growth = (a: number, b: number) => (((b - a) / a) * 100).toFixed(1);
    const rssLine = (from: typeof warm) =>
      `runner ${from.runner.toFixed(0)} → ${last.runner.toFixed(0)} MB (${growth(from.runner, last.runner)} %), workerd ${from.workerd.toFixed(0)} → ${last.workerd.toFixed(0)} MB (${growth(from.workerd, last.workerd)} %)`;
    console.log(`\nsoak ${minutes} min, ${profile} profile: ~${total.toFixed(0)} requests, ${errors} errors`);
    console.log(`RSS after warm-up → end: ${rssLine(warm)}`);
    console.log(`RSS over the second half (${half.t.toFixed(1)} min → end): ${rssLine(half)}`);
  } else {
    const phases: Phase[] = [];
    phases.push(await drive('baseline: bare Worker, R2 GET', { url: baseUrl }));
    phases.push(await drive('cached page GET', pageGet));
    phases.push(await drive('cached query', query));
    phases.push(await drive('upload of new documents', upload));
    phases.push(await drive('mixed (2 pages : 1 query : 1 upload)', mixed));
    const mem = rss();
    console.log(`\n${connections} connections, ${seconds} s per phase, loopback\n`);
    console.log(
      `${'phase'.padEnd(40)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`,
    );
    for (const p of phases) {
      const kinds = p.errorKinds ? `  (${p.errorKinds})` : '';
      console.log(
        `${p.name.padEnd(40)}${p.rps.toFixed(0).padStart(8)}${String(p.p50).padStart(9)}${String(p.p99).padStart(9)}${String(p.errors).padStart(8)}${kinds}`,
      );
    }
    const base = phases[0]!.rps;
    console.log(
      `\ncached page GETs: ${((phases[1]!.rps / base) * 100).toFixed(0)} % of the baseline (target ≥ 60 %, 0 errors)`,
    );
    console.log(`cached queries:   ${((phases[2]!.rps / base) * 100).toFixed(0)} % of the baseline (target ≥ 40 %)`);
    console.log(`RSS: runner ${mem.runner.toFixed(0)} MB, workerd ${mem.workerd.toFixed(0)} MB`);
  }
} finally {
  await stopAll();
}
