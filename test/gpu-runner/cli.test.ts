import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../infra/stack/build.ts';
import { pngHeader } from './render-helpers.ts';

const bin = fileURLToPath(new URL('../../bin/glyph.js', import.meta.url));
const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'glyph-cli-'));

/** Runs the CLI as a user would (node bin/glyph.js …), optionally feeding stdin. */
function glyph(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd: tmp });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    p.stdin.end(stdin);
  });
}

// bin/glyph.js runs the built CLI (dist/), as an installed `glyph` does.
beforeAll(() => ensureBuilt(), 180_000);

describe('glyph render CLI', () => {
  it('--json prints exactly one JSON object and writes page_0001.png…', async () => {
    const out = join(tmp, 'case1');
    const r = await glyph(['render', fixture('glyph/case1.txt'), '--out', out, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(summary).sort()).toEqual(
      [
        'pages',
        'chars',
        'textTokens',
        'visualTokens',
        'ratio',
        'seconds',
        'pagesPerSecond',
        'outDir',
        'preset',
        'profile',
        'missingGlyphs',
        'config',
        'reflowed',
        'textTokenizer',
        'kind',
        'worthIt',
      ].sort(),
    );
    expect(summary).toMatchObject({
      pages: 2,
      preset: 'glyph-en',
      profile: 'glm-4.1v',
      kind: 'text',
      outDir: out,
      missingGlyphs: { count: 0 },
    });
    expect(summary.ratio).toBeCloseTo(summary.textTokens / summary.visualTokens, 2);
    expect(summary.config).toMatchObject({
      'page-size': '595,842',
      'font-size': 9,
      'line-height': 10,
      'font-family': 'DejaVu Sans',
    });
    expect(summary.textTokenizer).toEqual({ family: 'qwen3', estimate: true });
    expect(summary.worthIt).toBe(true);
    expect(readdirSync(out).sort()).toEqual(['page_0001.png', 'page_0002.png']);
    expect(pngHeader(readFileSync(join(out, 'page_0001.png')))).toMatchObject({ bitDepth: 8, colorType: 0 });
  });

  it('reads stdin with "-", takes a config file and a profile, and prints a summary', async () => {
    const cfg = join(tmp, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ dpi: 96, alignment: 'JUSTIFY' }));
    const r = await glyph(
      ['render', '-', '--config', cfg, '--profile', 'qwen2.5-vl', '--out', join(tmp, 'stdin')],
      'Hello from stdin.\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rendered 1 page to .* in [\d.]+ s/);
    expect(r.stdout).toContain('(qwen2.5-vl)');
  });

  it.each([
    ['a missing file', ['render', 'nope.txt'], /^glyph: no such file: nope\.txt$/],
    [
      'an unknown preset',
      ['render', fixture('glyph/input.txt'), '--preset', 'glyph-fr'],
      /^glyph: unknown preset "glyph-fr": use one of glyph-en, glyph-zh, auto$/,
    ],
    [
      'an unknown profile',
      ['render', fixture('glyph/input.txt'), '--profile', 'llava'],
      /^glyph: unknown profile "llava": use one of glm-4\.1v/,
    ],
    [
      'an unknown option',
      ['render', fixture('glyph/input.txt'), '--colour', 'red'],
      /^glyph: Unknown option '--colour'/,
    ],
    ['no file', ['render'], /^glyph: usage: glyph render/],
  ])('%s: one clear line on stderr and exit code 2', async (_, args, message) => {
    const r = await glyph(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message as RegExp);
    expect(r.stdout).toBe('');
  });

  it('--preset auto --profile gpt-4o prints the chosen config, and --json carries it (the same pages again by --config)', async () => {
    const novel = readFileSync(fixture('texts/pride_and_prejudice.txt'), 'utf8').split('\n').slice(695, 900).join('\n');
    const input = join(tmp, 'novel.txt');
    writeFileSync(input, novel);
    const r = await glyph([
      'render',
      input,
      '--preset',
      'auto',
      '--profile',
      'gpt-4o',
      '--out',
      join(tmp, 'auto'),
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({
      preset: 'auto',
      profile: 'gpt-4o',
      reflowed: true,
      textTokenizer: { family: 'o200k', estimate: false },
    });
    expect(summary.config).toMatchObject({ 'page-size': '512,1536', dpi: 72, 'auto-crop-snap': 512 });
    expect(summary.fit).toMatchObject({
      profile: 'gpt-4o',
      script: 'latin',
      floor: 0.99,
      floorMet: true,
      resizedDown: false,
    });
    expect(summary.fit.readback).toBeGreaterThanOrEqual(0.99);
    expect(summary.config['font-size']).toBe(summary.fit.fontSize);

    // The config it printed, sent back as a config, draws the same pages.
    const cfg = join(tmp, 'auto.json');
    writeFileSync(cfg, JSON.stringify(summary.config));
    const again = await glyph([
      'render',
      input,
      '--config',
      cfg,
      '--profile',
      'gpt-4o',
      '--out',
      join(tmp, 'again'),
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout);
    expect({ pages: second.pages, visualTokens: second.visualTokens }).toEqual({
      pages: summary.pages,
      visualTokens: summary.visualTokens,
    });
    expect(readFileSync(join(tmp, 'again', 'page_0001.png'))).toEqual(readFileSync(join(tmp, 'auto', 'page_0001.png')));

    const text = await glyph([
      'render',
      input,
      '--preset',
      'auto',
      '--profile',
      'gpt-4o',
      '--reflow',
      'off',
      '--out',
      join(tmp, 'auto-text'),
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/config +page-size 512,1536 at 72 dpi, DejaVu Sans [\d.]+ pt on [\d.]+ pt/);
    expect(text.stdout).toMatch(/fit +read-back 0\.99\d* >= floor 0\.99 \(latin, at gpt-4o's resolution\)/);
    expect(text.stdout).not.toContain('(reflowed)');
  }, 300_000);

  it('an unknown config key or a bad value: exit 2 naming the key', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ 'font-weight': 'bold' }));
    const r = await glyph(['render', fixture('glyph/input.txt'), '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^glyph: unknown config key font-weight: allowed keys are/);
    writeFileSync(bad, JSON.stringify({ dpi: 2 }));
    const r2 = await glyph(['render', fixture('glyph/input.txt'), '--config', bad]);
    expect(r2.stderr.trim()).toBe('glyph: dpi must be from 18 to 600');
    expect(r2.code).toBe(2);
  });

  it('a file that is not UTF-8, or has no visible text: exit 2', async () => {
    const latin1 = join(tmp, 'latin1.txt');
    writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    const r = await glyph(['render', latin1]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`glyph: ${latin1} is not valid UTF-8 text`);
    const blank = join(tmp, 'blank.txt');
    writeFileSync(blank, '  \n\n');
    const r2 = await glyph(['render', blank]);
    expect(r2.code).toBe(2);
    expect(r2.stderr.trim()).toBe(`glyph: ${blank} has no visible text to render`);
  });
});
