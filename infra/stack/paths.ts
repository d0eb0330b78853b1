/**
 * Where the repository is, from a module that may run as TypeScript source (`infra/…`) or as
 * built JavaScript (`dist/infra/…`): the nearest folder above that holds `package.json`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The repository root (where package.json and node_modules are). */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Where `npm run build` writes the built JavaScript. */
export const BUILD_DIR = join(REPO_ROOT, 'dist');
