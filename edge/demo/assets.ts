/** The demo page's same-origin assets, by file name under `/demo/`. */
import { API_JS } from './client/api.ts';
import { CHART_JS } from './client/chart.ts';
import { MAIN_JS } from './client/main.ts';
import { PAGES_JS } from './client/pages.ts';
import { DEMO_CSS } from './styles.ts';

/** One asset: its body and content type. */
export interface DemoAsset {
  body: string;
  contentType: string;
}

const JS = 'text/javascript; charset=utf-8';

/** Every asset the page loads (the client modules import each other by these names). */
export const DEMO_ASSETS: Readonly<Record<string, DemoAsset>> = Object.freeze({
  'main.js': { body: MAIN_JS, contentType: JS },
  'api.js': { body: API_JS, contentType: JS },
  'pages.js': { body: PAGES_JS, contentType: JS },
  'chart.js': { body: CHART_JS, contentType: JS },
  'demo.css': { body: DEMO_CSS, contentType: 'text/css; charset=utf-8' },
});
