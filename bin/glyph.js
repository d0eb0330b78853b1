#!/usr/bin/env node
// `glyph` CLI entry: the sources are TypeScript, loaded through tsx so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../gpu-runner/cli/glyph.ts');
process.exitCode = await main(process.argv.slice(2));
