/**
 * Builds the demo into static files for the Worker's `[assets]` (wrangler.toml): the browser
 * modules bundled by esbuild (the SDK from client/ with them), the stylesheet, `index.html` and
 * the `_headers` file that puts the page's security headers on every file.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../infra/stack/paths.ts';
import { headersFile } from './headers.ts';
import { demoPageHtml } from './page.ts';

// From the repository, not this file: this module also runs built, from dist/demo/build/.
const APP = join(REPO_ROOT, 'demo', 'app');

/** Where `npm run build` writes the site, relative to the repository (wrangler.toml's `[assets] directory`). */
export const SITE_DIR = 'dist/site';

/** What {@link buildDemoSite} wrote. */
export interface BuiltSite {
  /** Paths relative to the site directory, with their sizes in bytes. */
  files: Record<string, number>;
  /** Source files bundled into `demo/main.js`, relative to the repository. */
  inputs: string[];
}

/**
 * Writes the demo site into `outDir` (emptied first): `index.html`, `_headers`, and under
 * `demo/` the bundled `main.js` and `demo.css`. Type errors are `npm run typecheck`'s business;
 * esbuild only strips the types.
 */
export async function buildDemoSite(outDir: string): Promise<BuiltSite> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(join(outDir, 'demo'), { recursive: true });
  const result = await build({
    entryPoints: { main: join(APP, 'main.ts'), demo: join(APP, 'demo.css') },
    outdir: join(outDir, 'demo'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // What the page needs (dialog, optional chaining, private fields) is in every current browser.
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: REPO_ROOT,
  });
  writeFileSync(join(outDir, 'index.html'), demoPageHtml());
  writeFileSync(join(outDir, '_headers'), headersFile());
  const files: BuiltSite['files'] = {
    'index.html': Buffer.byteLength(demoPageHtml()),
    _headers: Buffer.byteLength(headersFile()),
  };
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    files[path.slice(path.lastIndexOf('/demo/') + 1)] = output.bytes;
  }
  const main = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('/main.js'))?.[1];
  return { files, inputs: Object.keys(main?.inputs ?? {}) };
}
