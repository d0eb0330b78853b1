/**
 * Where code may run is enforced, not reviewed: a Node API in `protocol/` or `edge/` fails the
 * typecheck, and an import across edge ⇄ runner (or from `protocol/` or `client/` into either)
 * fails lint. Each check runs the real project settings on a probe file kept in a temporary
 * folder, so the working tree is never written to.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const BIOME = join(ROOT, 'node_modules/.bin/biome');

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'glyphgate-boundaries-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes `files` (paths relative to `dir`) and returns their absolute paths. */
function writeFiles(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    return path;
  });
}

/**
 * Type-checks the real `part/` folder plus probe files under that part's own tsconfig (extended,
 * so the options are exactly the ones `npm run typecheck` uses). The errors reported against the
 * probes come back; errors elsewhere in the part are not this test's business.
 */
async function typecheckWithProbes(
  part: string,
  probes: Record<string, string>,
): Promise<Run & { probeErrors: string[] }> {
  const dir = mkdtempSync(join(scratch, `${part}-`));
  const files = writeFiles(dir, probes);
  const config = join(dir, 'tsconfig.json');
  writeFileSync(
    config,
    JSON.stringify({ extends: join(ROOT, part, 'tsconfig.json'), files, include: [join(ROOT, part, '**/*.ts')] }),
  );
  // Run from the probes' folder: tsc names files relative to the working directory.
  const result = await run(process.execPath, [TSC, '-p', config, '--pretty', 'false'], dir);
  const names = Object.keys(probes);
  const probeErrors = result.output
    .split('\n')
    .filter((line) => names.some((name) => line.startsWith(`${name}(`)) && line.includes('error TS'));
  return { ...result, probeErrors };
}

describe('typecheck: no Node in protocol/ or edge/', () => {
  it('names the project of each part in npm run typecheck', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
    for (const part of ['protocol', 'edge', 'client', 'gpu-runner', 'infra']) {
      expect(scripts.typecheck).toContain(`tsc -p ${part}`);
    }
  });

  it('rejects Buffer and process in protocol/, and accepts their Web-standard counterparts', async () => {
    const result = await typecheckWithProbes('protocol', {
      'node-probe.ts': "export const bytes = Buffer.from('x');\nexport const env = process.env.HOME;\n",
      'web-probe.ts': "export const bytes = new TextEncoder().encode('x');\nexport const id = crypto.randomUUID();\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.probeErrors).toEqual([
      expect.stringMatching(/^node-probe\.ts\(1,\d+\): error TS\d+: Cannot find name 'Buffer'/),
      expect.stringMatching(/^node-probe\.ts\(2,\d+\): error TS\d+: Cannot find name 'process'/),
    ]);
  }, 180_000);

  it("rejects import 'node:fs' and Buffer in edge/, and accepts Web Crypto and streams", async () => {
    const result = await typecheckWithProbes('edge', {
      'node-probe.ts':
        "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\nexport const b = Buffer.alloc(1);\n",
      'web-probe.ts':
        "export const digest = crypto.subtle.digest('SHA-256', new Uint8Array(1));\nexport const s = new ReadableStream<Uint8Array>();\n",
    });
    expect(result.code).not.toBe(0);
    expect(result.probeErrors).toEqual([
      expect.stringMatching(/^node-probe\.ts\(1,\d+\): error TS2307: Cannot find module 'node:fs'/),
      expect.stringMatching(/^node-probe\.ts\(3,\d+\): error TS\d+: Cannot find name 'Buffer'/),
    ]);
  }, 180_000);
});

/** Lints probe files laid out like the repository, under a copy of the repository's Biome config. */
async function lintProbes(probes: Record<string, string>): Promise<Run> {
  const dir = mkdtempSync(join(scratch, 'lint-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8')) as Record<string, unknown>;
  // The copy sits outside the git checkout; what it lints is only the probes.
  config.vcs = { enabled: false };
  delete config.$schema;
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  writeFiles(dir, probes);
  return run(BIOME, ['lint', '--max-diagnostics=none', '--colors=off', '.'], dir);
}

/** `file:line lint/group/rule` of each diagnostic Biome printed. */
function diagnostics(output: string): string[] {
  return [...output.matchAll(/^(\S+\.ts):(\d+):\d+ (lint\/\w+\/\w+)/gm)].map((m) => `${m[1]}:${m[2]} ${m[3]}`).sort();
}

describe('lint: imports stay inside their boundaries', () => {
  it('fails for edge ⇄ runner, protocol → either side, client → edge or runner, and Node modules', async () => {
    const result = await lintProbes({
      'edge/probe.ts':
        "import { renderPages } from '../gpu-runner/render/index.ts';\nimport { readFileSync } from 'node:fs';\nexport const x = [renderPages, readFileSync];\n",
      'gpu-runner/deep/probe.ts': "import { app } from '../../edge/app.ts';\nexport const x = app;\n",
      'protocol/probe.ts':
        "import { app } from '../edge/app.ts';\nimport { renderPages } from '../gpu-runner/render/index.ts';\nimport { env } from 'node:process';\nexport const x = [app, renderPages, env];\n",
      'client/probe.ts': "import type { Env } from '../edge/bindings.ts';\nexport type X = Env;\n",
    });
    expect(result.code).not.toBe(0);
    expect(diagnostics(result.output)).toEqual([
      'client/probe.ts:1 lint/style/noRestrictedImports',
      'edge/probe.ts:1 lint/style/noRestrictedImports',
      'edge/probe.ts:2 lint/correctness/noNodejsModules',
      'gpu-runner/deep/probe.ts:1 lint/style/noRestrictedImports',
      'protocol/probe.ts:1 lint/style/noRestrictedImports',
      'protocol/probe.ts:2 lint/style/noRestrictedImports',
      'protocol/probe.ts:3 lint/correctness/noNodejsModules',
    ]);
  }, 60_000);

  it('passes imports of protocol/ from every side, and Node modules in the runner', async () => {
    const result = await lintProbes({
      'edge/probe.ts': "import { signRequest } from '../protocol/signing.ts';\nexport const x = signRequest;\n",
      'gpu-runner/probe.ts':
        "import { readFileSync } from 'node:fs';\nimport { signRequest } from '../protocol/signing.ts';\nexport const x = [readFileSync, signRequest];\n",
      'client/probe.ts':
        "import type { DocumentView } from '../protocol/public-api/documents.ts';\nexport type X = DocumentView;\n",
    });
    expect(diagnostics(result.output)).toEqual([]);
    expect(result.code).toBe(0);
  }, 60_000);
});
