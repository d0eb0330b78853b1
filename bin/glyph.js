#!/usr/bin/env node
// `glyph` CLI entry: the bundled JavaScript of gpu-runner/cli/glyph.ts (`npm run build` writes dist/cli/).
// One bundle instead of the tsc-built module tree: start-up reads a few files, not hundreds.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/glyph.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('glyph: the CLI is not built yet; run `npm run build` in the glyphgate folder\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
