/**
 * `npm start` as a newcomer runs it: the launcher starts the runner and the Worker, registers the
 * dev key, and the README's curl examples work against it. Also: a port in use is one clear line
 * and a non-zero exit; SIGTERM stops both processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, portInUse } from '../../infra/stack/ports.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function launch(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local-stack.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The ```sh blocks of the README's "API examples (curl)" section, in order. */
function readmeCurlBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## API examples (curl)'), readme.indexOf('## API examples (SDK)'));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

describe('npm start (local stack)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'glyph-stack-'));
  let edgePort = 0;
  let runnerPort = 0;
  let stack: ReturnType<typeof launch>;
  let startSeconds = 0;

  beforeAll(async () => {
    [edgePort, runnerPort] = [await freePort(), await freePort()];
    const started = Date.now();
    stack = launch({
      GLYPH_EDGE_PORT: String(edgePort),
      GLYPH_RUNNER_PORT: String(runnerPort),
      GLYPH_STATE_DIR: stateDir,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (stack.output().includes('glyphgate is running')) {
          clearInterval(timer);
          resolve();
        }
      }, 100);
      void stack.exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`npm start exited (${code}):\n${stack.output()}`));
      });
    });
    // Ready, not just up: /healthz answers before the runner has loaded its models.
    for (const deadline = Date.now() + 120_000; ; ) {
      const res = await fetch(`http://127.0.0.1:${edgePort}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`edge /readyz never answered 200:\n${stack.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    startSeconds = (Date.now() - started) / 1000;
    console.log(`local stack ready in ${startSeconds.toFixed(1)} s`);
  }, 180_000);

  afterAll(async () => {
    if (stack && stack.child.exitCode === null) {
      stack.child.kill('SIGTERM');
      await stack.exited;
    }
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('serves /healthz on both processes and the demo page at /, and prints the URLs and key', async () => {
    expect((await fetch(`http://127.0.0.1:${edgePort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${runnerPort}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${edgePort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      runners: [{ url: `http://127.0.0.1:${runnerPort}`, ok: true }],
    });
    const page = await fetch(`http://127.0.0.1:${edgePort}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('glyphgate');
    expect(stack.output()).toContain(`http://127.0.0.1:${edgePort}/`);
    expect(stack.output()).toContain('local-dev-key');
  });

  it('runs every README curl example against it', () => {
    const work = mkdtempSync(join(tmpdir(), 'glyph-readme-'));
    symlinkSync(join(root, 'test'), join(work, 'test'));
    const script = ['set -euo pipefail', ...readmeCurlBlocks()].join('\n');
    const result = spawnSync('bash', ['-c', script], {
      cwd: work,
      env: { ...process.env, BASE: `http://127.0.0.1:${edgePort}`, KEY: 'local-dev-key' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    rmSync(work, { recursive: true, force: true });
    if (result.status !== 0)
      throw new Error(`README examples failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    expect(result.stdout).toContain('"ratio"');
    expect(result.stdout).toMatch(/^304$/m);
    expect(result.stdout).toContain('"answerer": "extractive"');
    expect(result.stdout).toContain('event: done');
    expect(result.stdout).toContain('"charAccuracy"');
    expect(result.stdout).toMatch(/"status": "(queued|running|done)"/);
  }, 320_000);

  it('stops both processes on SIGTERM', async () => {
    stack.child.kill('SIGTERM');
    expect(await stack.exited).toBe(0);
    expect(await portInUse(edgePort)).toBe(false);
    expect(await portInUse(runnerPort)).toBe(false);
  }, 30_000);
});

describe('npm start with a port in use', () => {
  it('prints one clear line and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as { port: number }).port;
    const stack = launch({ GLYPH_EDGE_PORT: String(busy), GLYPH_RUNNER_PORT: String(await freePort()) });
    const code = await stack.exited;
    blocker.close();
    expect(code).not.toBe(0);
    const lines = stack.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `glyphgate: port ${busy} (GLYPH_EDGE_PORT) is already in use: stop what listens there or set GLYPH_EDGE_PORT`,
    );
  }, 60_000);
});
