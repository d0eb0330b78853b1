/**
 * The demo page's routes without a Worker: what `GET /` and `GET /demo/<file>` serve, their
 * content types and CSP, that every module the page loads exists, and that each parses as an
 * ES module (the client code lives in TypeScript strings, so no compiler has looked at it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES } from '../../protocol/profiles.ts';
import { PRESET_NAMES } from '../../protocol/render-config.ts';
import { DEMO_ASSETS } from '../../edge/demo/assets.ts';
import { demoRoutes } from '../../edge/demo/routes.ts';

const get = (path: string) => demoRoutes.request(path);

describe('demo page routes', () => {
  it('serves the page with a strict CSP and the preset and profile choices', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' blob: data:");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    for (const name of [...PRESET_NAMES, ...PROFILE_NAMES]) expect(html).toContain(`<option value="${name}"`);
    // Nothing from another origin, and no inline script or style for the CSP to refuse.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/<style|\sstyle="/);
  });

  it('serves every asset the page and its modules load, with its content type', async () => {
    const html = await (await get('/')).text();
    const wanted = new Set([...html.matchAll(/(?:src|href)="\/demo\/([^"]+)"/g)].map((m) => m[1]!));
    for (const asset of Object.values(DEMO_ASSETS)) {
      for (const m of asset.body.matchAll(/from '\.\/([^']+)'/g)) wanted.add(m[1]!);
    }
    expect([...wanted].sort()).toEqual(Object.keys(DEMO_ASSETS).sort());
    for (const [file, asset] of Object.entries(DEMO_ASSETS)) {
      const res = await get(`/demo/${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('content-type')).toBe(file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toBe(asset.body);
    }
  });

  it('answers 404 in the API error shape for anything else under /demo/', async () => {
    for (const file of ['nope.js', '__proto__', 'constructor', '..%2Fapp.ts']) {
      const res = await get(`/demo/${file}`);
      expect(res.status, file).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such demo asset' } });
    }
  });

  it('ships client modules that parse as ES modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyph-demo-js-'));
    try {
      for (const [file, asset] of Object.entries(DEMO_ASSETS)) {
        if (!file.endsWith('.js')) continue;
        const path = join(dir, file.replace(/\.js$/, '.mjs'));
        writeFileSync(path, asset.body);
        const check = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' });
        expect(check.stderr, file).toBe('');
        expect(check.status, file).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
