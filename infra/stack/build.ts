/**
 * The built JavaScript that the runner, the `glyph` CLI and `npm start` run (`npm run build`:
 * tsc with tsconfig.build.json into dist/). Harnesses that start processes call
 * {@link ensureBuilt}, so that a test run from an editor never starts yesterday's runner.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, REPO_ROOT } from './paths.ts';

/** Folders whose TypeScript the build compiles (the runner's own and what it imports). */
const SOURCES = ['gpu-runner', 'protocol', 'infra', 'edge'];

/** The built file of a source path relative to the repository (`gpu-runner/main.ts` → `dist/gpu-runner/main.js`). */
export function builtPath(source: string): string {
  return join(BUILD_DIR, source.replace(/\.ts$/, '.js'));
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

let checked = false;

/**
 * Runs the build when dist/ is missing or older than a source file (once per process). Type errors
 * are printed but do not stop a test run that got its JavaScript: `npm test` and `npm run build`
 * fail on them on their own.
 */
export function ensureBuilt(): void {
  if (checked) return;
  // Written after each build here (tsc leaves its own files alone when nothing changed).
  const stamp = join(BUILD_DIR, '.build-stamp');
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  const newest = Math.max(
    ...SOURCES.map((d) => newestSource(join(REPO_ROOT, d))),
    statSync(join(REPO_ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (newest > built) {
    const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    if (result.status !== 0)
      process.stderr.write(`build (tsc -p tsconfig.build.json) reported:\n${result.stdout}${result.stderr}\n`);
    if (!existsSync(builtPath('gpu-runner/main.ts')))
      throw new Error('the build wrote no dist/gpu-runner/main.js; run `npm run build`');
    writeFileSync(stamp, `${new Date().toISOString()}\n`);
  }
  checked = true;
}
