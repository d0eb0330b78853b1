/**
 * `glyph render` takes every input kind (the built CLI, bin/glyph.js): the kind from the file's
 * extension or --kind/--language, named in the --json summary; a bad kind and a PDF pdf.js cannot
 * read are bad input (exit 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intoPages, paragraphsOf, textPdf } from '../fixtures/kinds/pdfs.ts';
import { ROOT } from './runner-harness.ts';
import { fixture } from './kinds-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'glyph-kinds-cli-'));

function glyph(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/glyph.js'), 'render', ...args], {
    encoding: 'utf8',
    cwd: dir,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('glyph render with input kinds', () => {
  it.each([
    ['sample.py', [], 'code'],
    ['sample-readme.md', [], 'markdown'],
    ['app.log', [], 'log'],
    ['article.html', [], 'html'],
    ['sample.ts', ['--kind', 'text'], 'text'],
  ] as const)('%s %s is drawn as %s', { timeout: 60_000 }, (file, extra, kind) => {
    const out = join(dir, `out-${file}`);
    const run = glyph(join(ROOT, 'test/fixtures/kinds', file), '--json', '--out', out, ...extra);
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { kind: string; pages: number };
    expect(summary.kind).toBe(kind);
    expect(summary.pages).toBeGreaterThan(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.png'))).toHaveLength(summary.pages);
  });

  it('renders a PDF from its text layer', { timeout: 60_000 }, async () => {
    const pdf = join(dir, 'chapter.pdf');
    writeFileSync(pdf, await textPdf(intoPages(paragraphsOf(fixture('pride-and-prejudice-ch1.txt')), 2)));
    const run = glyph(pdf, '--json', '--out', join(dir, 'out-pdf'));
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'pdf' });
  });

  it('refuses a bad kind and an unreadable PDF as bad input', { timeout: 60_000 }, () => {
    const bad = glyph(join(ROOT, 'test/fixtures/kinds/app.log'), '--kind', 'spreadsheet');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--kind');
    const notPdf = join(dir, 'broken.pdf');
    writeFileSync(notPdf, 'not a pdf at all');
    const broken = glyph(notPdf);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('invalid_pdf');
  });
});
