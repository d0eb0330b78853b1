/** `npm run build`'s demo step: the demo site into dist/site (see site.ts). */
import { join } from 'node:path';
import { REPO_ROOT } from '../../infra/stack/paths.ts';
import { buildDemoSite, SITE_DIR } from './site.ts';

const { files } = await buildDemoSite(join(REPO_ROOT, SITE_DIR));
const list = Object.entries(files).map(([path, bytes]) => `${path} ${(bytes / 1024).toFixed(1)} KiB`);
process.stdout.write(`demo site → ${SITE_DIR}: ${list.join(', ')}\n`);
