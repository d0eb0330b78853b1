/**
 * The demo site as `npm run build` writes it (demo/build/site.ts) for the Worker's `[assets]`:
 * the page's choices are the API's, every file the page loads is there and nothing else is, the
 * `_headers` file puts the strict CSP on every path, and the bundle parses as an ES module with
 * the SDK in it (the browser code itself is type-checked by `tsc -p demo`). What workerd serves
 * from it is checked in demo-layout-route.test.ts; what Chromium does with it in
 * test/e2e/demo-browser.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CSP } from '../../demo/build/headers.ts';
import { DEMO_DEFAULT_PROFILE } from '../../demo/build/page.ts';
import { buildDemoSite, type BuiltSite } from '../../demo/build/site.ts';
import { DEFAULT_PROFILE } from '../../edge/renders/render-options.ts';
import { PROFILE_NAMES } from '../../protocol/profiles.ts';
import { DEFAULT_PRESET, PRESET_CHOICES } from '../../protocol/render-config.ts';

let dir: string;
let built: BuiltSite;
const read = (path: string) => readFileSync(join(dir, path), 'utf8');

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glyph-demo-site-'));
  built = await buildDemoSite(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('demo site build', () => {
  it('writes the page with every preset (auto too) and profile, starting on the API defaults', () => {
    const html = read('index.html');
    for (const name of [...PRESET_CHOICES, ...PROFILE_NAMES]) expect(html).toContain(`<option value="${name}"`);
    expect(PRESET_CHOICES).toContain('auto');
    expect(html).toContain(`<option value="${DEFAULT_PRESET}" selected>`);
    expect(DEMO_DEFAULT_PROFILE).toBe(DEFAULT_PROFILE);
    expect(html).toContain(`<option value="${DEFAULT_PROFILE}" selected>`);
    // Nothing from another origin, and no inline script or style for the CSP to refuse.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|\sstyle="/);
  });

  it('holds exactly the files the page loads, and reports them', () => {
    const html = read('index.html');
    const loaded = [...html.matchAll(/(?:src|href)="\/(demo\/[^"]+)"/g)].map((m) => m[1]!);
    expect(loaded.sort()).toEqual(['demo/demo.css', 'demo/main.js']);
    expect(filesUnder(dir)).toEqual(['_headers', 'demo/demo.css', 'demo/main.js', 'index.html']);
    expect(Object.keys(built.files).sort()).toEqual(filesUnder(dir));
    // One bundle: the page loads no other module.
    expect(read('demo/main.js')).not.toMatch(/\bimport\s*\(|\bfrom\s*["']/);
  });

  it('puts the strict CSP and the other security headers on every path', () => {
    const rules = read('_headers').split('\n');
    expect(rules[0]).toBe('/*');
    expect(rules).toContain(`  Content-Security-Policy: ${DEMO_CSP}`);
    expect(DEMO_CSP).toContain("default-src 'self'");
    expect(DEMO_CSP).toContain("script-src 'self'");
    expect(DEMO_CSP).toContain("img-src 'self' blob: data:");
    expect(DEMO_CSP).not.toContain('unsafe-inline');
    expect(rules).toContain('  X-Content-Type-Options: nosniff');
    expect(rules).toContain('  Referrer-Policy: no-referrer');
    expect(rules).toContain('  X-Frame-Options: DENY');
  });

  it('bundles the app with the SDK from client/, and no zod or edge code', () => {
    expect(built.inputs).toContain('demo/app/main.ts');
    expect(built.inputs).toContain('client/client.ts');
    expect(built.inputs).toContain('client/errors.ts');
    expect(built.inputs.filter((path) => path.startsWith('edge/') || path.startsWith('gpu-runner/'))).toEqual([]);
    expect(built.inputs.filter((path) => path.includes('node_modules/zod'))).toEqual([]);
    // The SDK's error type is the one the page reports (its name survives minifying: it is a string).
    expect(read('demo/main.js')).toContain('"GlyphgateError"');
    // Trusted Types are required: the page never assigns HTML strings.
    expect(read('demo/main.js')).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('ships a bundle that parses as an ES module', () => {
    const path = join(dir, 'main.mjs');
    writeFileSync(path, read('demo/main.js'));
    const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
