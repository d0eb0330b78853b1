/**
 * `npm run bench:simulator-memory -- --mode read|put|d1|trivial [--minutes N]`: how workerd's own
 * memory behaves under sustained load with no glyphgate code at all — a minimal Worker in
 * Miniflare (no wrangler, no inspector) that reads one R2 object, puts a new 2 KB R2 object,
 * inserts a D1 row, or answers "ok". It prints workerd's anonymous RSS every 30 s.
 *
 * The soak (`npm run soak`) measures workerd's RSS under the edge; this tells what part of that is
 * workerd and its local R2/D1 simulators rather than the edge Worker: on this machine all three
 * storage modes grow by hundreds of MB within minutes, and the trivial Worker levels off.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Miniflare } from 'miniflare';

const MODES = ['read', 'put', 'd1', 'trivial'] as const;
const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'read' },
    minutes: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
  },
});
const mode = values.mode as (typeof MODES)[number];
if (!MODES.includes(mode)) {
  console.error(`--mode must be one of ${MODES.join(', ')}`);
  process.exit(2);
}
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error('--minutes must be a positive number');
  process.exit(2);
}

const handlers: Record<(typeof MODES)[number], string> = {
  read: `const o = await env.R.get('page'); return new Response(o.body, { headers: { 'content-type': 'image/png' } });`,
  put: `await env.R.put(crypto.randomUUID(), 'x'.repeat(2000)); return new Response('ok', { status: 201 });`,
  d1: `await env.DB.prepare('INSERT INTO t (k, v) VALUES (?1, ?2)').bind(crypto.randomUUID(), 'abc').run(); return new Response('ok', { status: 201 });`,
  trivial: `return new Response('ok');`,
};

/** Anonymous RSS in MB of this process's workerd children (file pages, which the kernel can reclaim, left out). */
function workerdAnonMb(): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (Number(/PPid:\s+(\d+)/.exec(status)?.[1]) !== process.pid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) continue;
      kb += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // the process ended while we looked
    }
  }
  return kb / 1024;
}

const state = mkdtempSync(join(tmpdir(), 'glyph-simulator-'));
const mf = new Miniflare({
  modules: true,
  script: `export default { async fetch(request, env) { ${handlers[mode]} } }`,
  r2Buckets: ['R'],
  d1Databases: ['DB'],
  r2Persist: join(state, 'r2'),
  d1Persist: join(state, 'd1'),
  host: '127.0.0.1',
  port: 0,
});
try {
  const url = await mf.ready;
  // An 84 KB object: the size of a rendered page.
  await (await mf.getR2Bucket('R')).put('page', new Uint8Array(84_000));
  await (await mf.getD1Database('DB')).exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)');
  console.log(`mode ${mode}: ${values.connections} connections, ${minutes} min, workerd anonymous RSS every 30 s`);
  const samples: number[] = [];
  for (let i = 0; i < Math.ceil(minutes * 2); i++) {
    const result = await autocannon({ url: url.href, connections: Number(values.connections), duration: 30 });
    samples.push(workerdAnonMb());
    const errors = result.errors + result.timeouts + result.non2xx;
    console.log(
      `${((i + 1) / 2).toFixed(1)} min  ${result.requests.average.toFixed(0)} req/s  errors ${errors}  workerd anonymous ${samples.at(-1)!.toFixed(0)} MB`,
    );
  }
  const [warm, last] = [samples[Math.min(1, samples.length - 1)]!, samples.at(-1)!];
  console.log(
    `after 1 min → end: ${warm.toFixed(0)} → ${last.toFixed(0)} MB (${(((last - warm) / warm) * 100).toFixed(1)} %)`,
  );
} finally {
  await mf.dispose();
  rmSync(state, { recursive: true, force: true });
}
