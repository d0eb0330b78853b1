/**
 * The demo page (`GET /`) in Debian's Chromium through playwright-core, against the local stack
 * (a runner process and the Worker in workerd): choose a fixture, render, see thumbnails, totals
 * and the profile chart; ask a question and see the cited line outlined on the page image; run
 * the OCR read-back; a big document's job progress; and the page on a 390×844 phone screen,
 * with files of every input kind dropped on it.
 *
 * No browser: skipped with a message, or a failure when GLYPH_REQUIRE_BROWSER=1 (CI).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, startRunner, type EdgeHandle, type RunnerHandle } from '../edge/worker-stack.ts';
import { intoPages, paragraphsOf, textPdf } from '../fixtures/kinds/pdfs.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixture = join(root, 'test', 'fixtures', 'glyph', 'input.txt');
const shots = join(root, 'test-output');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasBrowser = existsSync(executablePath);
const requireBrowser = process.env.GLYPH_REQUIRE_BROWSER === '1';
const noBrowser = `no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (!hasBrowser && !requireBrowser)
  console.warn(`demo browser test SKIPPED: ${noBrowser}; GLYPH_REQUIRE_BROWSER=1 makes this a failure`);

// The extractive answerer picks this passage for the question, and cites this line (0-based 32).
const QUESTION = 'What did the wolf put on?';
const CITED_TEXT = "wolf put on grandma's dress and hat";
// Low enough that a 60 000-character slice of the novel (about 8 pages) renders as a job, high
// enough that the fixture (1 page) renders at once.
const JOB_THRESHOLD_PAGES = '3';

const desktop: BrowserContextOptions = { viewport: { width: 1280, height: 900 } };
const phone: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

let runner: RunnerHandle;
let edge: EdgeHandle;
let browser: Browser;
let key: string;

/** A page on the demo with the key in the URL, collecting script errors and CSP violations. */
async function openDemo(options: BrowserContextOptions): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // A failed API call is logged by Chromium as "Failed to load resource"; the page shows those.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      problems.push(message.text());
  });
  await page.goto(`${edge.url}/?key=${encodeURIComponent(key)}`);
  return { page, problems };
}

async function renderFixture(page: Page): Promise<void> {
  await page.locator('#file').setInputFiles(fixture);
  await expect.poll(() => page.getByLabel('Text').inputValue()).toBe(readFileSync(fixture, 'utf8'));
  await page.getByLabel('Preset').selectOption('glyph-en');
  await page.getByLabel('Profile').selectOption('glm-4.1v');
  await page.getByRole('button', { name: 'Render' }).click();
  await page.locator('#total-pages:not(:empty)').waitFor();
}

/** Whether the document is wider than the viewport (a horizontal scroll bar). */
async function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

describe('demo page in Chromium', () => {
  it.runIf(!hasBrowser && requireBrowser)('has a browser to run in (GLYPH_REQUIRE_BROWSER=1)', () => {
    throw new Error(`GLYPH_REQUIRE_BROWSER=1 but ${noBrowser}`);
  });

  describe.skipIf(!hasBrowser)('against the local stack', () => {
    beforeAll(async () => {
      mkdirSync(shots, { recursive: true });
      runner = await startRunner();
      edge = await startEdge({
        runners: [runner.url],
        vars: { RENDER_ASYNC_PAGE_THRESHOLD: JOB_THRESHOLD_PAGES, RENDER_JOB_RANGE_PAGES: '2' },
      });
      const home = await fetch(`${edge.url}/`);
      if (!home.headers.get('content-type')?.startsWith('text/html')) {
        throw new Error(
          `GET / answered ${home.status} ${home.headers.get('content-type')}, not the demo page: is demoRoutes mounted in edge/app.ts?`,
        );
      }
      key = edge.createKey('demo').key;
      browser = await chromium.launch({
        executablePath,
        args: [
          '--no-sandbox',
          '--headless',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      await edge?.stop();
      await runner?.stop();
    });

    it('renders a fixture, answers with an outlined citation, and reads the pages back', async () => {
      const { page, problems } = await openDemo(desktop);
      // The key moved from the URL into the field (and local storage).
      expect(new URL(page.url()).searchParams.has('key')).toBe(false);
      expect(await page.getByLabel('API key').inputValue()).toBe(key);
      // Keyboard order follows the form; the focused control shows a visible outline.
      await page.getByLabel('API key').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('text');
      await page.getByRole('button', { name: 'Render' }).focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');

      await renderFixture(page);
      const pages = Number(await page.locator('#total-pages').textContent());
      expect(pages).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#total-ratio').textContent()).toMatch(/^\d+\.\d\d×$/);
      expect(Number((await page.locator('#total-visual').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(Number((await page.locator('#total-text').textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);
      await expect.poll(() => page.locator('#status').textContent()).toMatch(/^Rendered \d+ pages?/);

      // Thumbnails: one per page, each shown from a blob: URL fetched with the key.
      const thumbs = page.locator('#thumbs .thumb img');
      expect(await thumbs.count()).toBe(pages);
      await expect
        .poll(() =>
          thumbs
            .first()
            .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')),
        )
        .toBe(true);

      // The chart prices the document under all six profiles, glyph-en beside auto (pages fitted
      // to each profile): twelve bars; glyph-en's at once (cache hits, repriced), auto's as each
      // profile's render arrives, the chosen profile's first. A profile's first auto render
      // searches its font size, so only that one is waited for here.
      const chart = page.locator('#chart svg');
      await chart.waitFor();
      expect(await chart.locator('g.bar').count()).toBe(12);
      expect(await chart.locator('g.bar.series-1').count()).toBe(6);
      const label = () => chart.getAttribute('aria-label');
      expect(await label()).toMatch(/^Visual tokens by profile \(glyph-en \/ auto\): /);
      for (const profile of ['glm-4.1v', 'qwen2.5-vl', 'qwen3-vl', 'gpt-4o', 'claude', 'gemini']) {
        expect(await label()).toMatch(new RegExp(`${profile.replace('.', '\\.')} \\d+ / `));
      }
      await expect.poll(label, { timeout: 150_000, interval: 1000 }).toMatch(/glm-4\.1v \d+ \/ \d+/);
      const autoBar = chart.locator('g.bar.series-1.current text');
      expect(Number((await autoBar.textContent())!.replace(/,/g, ''))).toBeGreaterThan(0);

      // Full size in a dialog, by keyboard: Enter opens it, Escape closes it and focus comes back.
      await page.locator('#thumbs .thumb').first().focus();
      await page.keyboard.press('Enter');
      const viewer = page.locator('#viewer');
      await viewer.locator('img').waitFor();
      expect(await viewer.evaluate((d: HTMLDialogElement) => d.open)).toBe(true);
      await page.screenshot({ path: join(shots, 'demo-viewer.png') });
      await page.keyboard.press('Escape');
      expect(await viewer.evaluate((d: HTMLDialogElement) => d.open)).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.className)).toBe('thumb');

      // A question: the answer, who answered, and the cited line outlined on the page image.
      await page.getByLabel('Question').fill(QUESTION);
      await page.getByRole('button', { name: 'Ask' }).click();
      await page.locator('#answer .answer-text').waitFor();
      expect(await page.locator('#answer .answer-text').textContent()).toContain(CITED_TEXT);
      expect(await page.locator('#answer').textContent()).toContain('Answered by extractive');
      const citation = page.locator('#answer .citations li', { hasText: CITED_TEXT });
      expect(await citation.locator('button').textContent()).toBe('Page 1, line 33');
      const figure = page.locator('#answer figure.cited').first();
      await expect
        .poll(() => figure.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
      const outlines = figure.locator('.outline');
      expect(await outlines.count()).toBeGreaterThanOrEqual(1);

      // The outline sits where the layout map puts the cited line, scaled to the displayed image.
      const view = (await (
        await edge.call(key, `/v1/documents/${await documentIdOf(page)}/render`, json({ preset: 'glyph-en' }))
      ).json()) as RenderView;
      const layout = (await (
        await edge.call(key, `/v1/documents/${view.documentId}/renders/${view.renderId}/layout?page=1`)
      ).json()) as { lines: { line: number; box: Box }[] };
      const box = layout.lines.find((l) => l.line === 32)!.box;
      const img = (await figure.locator('img').boundingBox())!;
      const scale = img.width / view.pages[0]!.width;
      const drawn = await Promise.all((await outlines.all()).map((o) => o.boundingBox()));
      const match = drawn.find(
        (d) => d && Math.abs(d.y - (img.y + box.y * scale)) < 2 && Math.abs(d.height - box.height * scale) < 2,
      );
      expect(match, JSON.stringify({ img, box, scale, drawn })).toBeDefined();
      expect(match!.x).toBeCloseTo(img.x + box.x * scale, 0);
      await figure.screenshot({ path: join(shots, 'demo-citation.png') });

      // The OCR read-back and its accuracy.
      await page.getByRole('button', { name: 'Run OCR read-back' }).click();
      const accuracy = page.locator('#decode-result .accuracy');
      // The read-back may queue behind the chart's first `auto` renders, whose font-size searches
      // use the same OCR on a 2-core machine: wait for it rather than race them.
      await accuracy.waitFor({ timeout: 240_000 });
      const percent = Number(/^([\d.]+)%/.exec((await accuracy.textContent())!)?.[1]);
      expect(percent).toBeGreaterThan(80);
      expect(await accuracy.textContent()).toMatch(/character accuracy over \d+ lines/);

      await page.screenshot({ path: join(shots, 'demo-desktop.png'), fullPage: true });

      // An API error reads as the API's code and message.
      await page.getByLabel('API key').fill('not-a-valid-key-0000');
      await page.getByRole('button', { name: 'Ask' }).click();
      await page.locator('#error:not([hidden])').waitFor();
      expect(await page.locator('#error').textContent()).toBe(
        'Error 401 (unauthorized): invalid API key. Check the API key.',
      );
      expect(problems).toEqual([]);
    }, 600_000);

    it('renders a chosen PDF and a source file as their kinds', async () => {
      const { page, problems } = await openDemo(desktop);
      const chapter = readFileSync(join(root, 'test', 'fixtures', 'kinds', 'pride-and-prejudice-ch1.txt'), 'utf8');
      const pdf = await textPdf(intoPages(paragraphsOf(chapter), 2));
      await page
        .locator('#file')
        .setInputFiles({ name: 'chapter.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
      await expect
        .poll(() => page.locator('#status').textContent())
        .toMatch(/^Loaded chapter\.pdf \(pdf\): \d+ KiB, sent as the file\.$/);
      await page.getByRole('button', { name: 'Render' }).click();
      await expect
        .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
        .toMatch(/^Rendered \d+ pages? as pdf/);
      expect(Number(await page.locator('#total-pages').textContent())).toBeGreaterThanOrEqual(1);
      expect(Number((await page.locator('#total-text').textContent())!.replace(/,/g, ''))).toBeGreaterThan(500);

      await page.locator('#file').setInputFiles(join(root, 'test', 'fixtures', 'kinds', 'sample.py'));
      // One user action at a time: the file is taken once the PDF's render action has finished.
      await expect
        .poll(() => page.locator('#status').textContent(), { timeout: 120_000 })
        .toMatch(/^Loaded sample\.py \(code, python\): /);
      await page.getByRole('button', { name: 'Render' }).click();
      await expect
        .poll(() => page.locator('#status').textContent(), { timeout: 60_000 })
        .toMatch(/^Rendered 1 page as code, python/);
      expect(await page.locator('#thumbs .thumb img').count()).toBe(1);
      expect(problems).toEqual([]);
    }, 360_000);

    it('shows a progress bar while a big document renders as a job', async () => {
      const { page, problems } = await openDemo(desktop);
      const novel = readFileSync(join(root, 'test', 'fixtures', 'texts', 'pride_and_prejudice.txt'), 'utf8');
      await page.getByLabel('Text').fill(novel.slice(0, 60_000));
      await page.getByRole('button', { name: 'Render' }).click();
      await page.locator('#progress:not([hidden])').waitFor({ timeout: 30_000 });
      expect(await page.locator('#status').textContent()).toMatch(/^Rendering as a job/);
      await page.locator('#total-pages:not(:empty)').waitFor({ timeout: 120_000 });
      expect(Number(await page.locator('#total-pages').textContent())).toBeGreaterThan(Number(JOB_THRESHOLD_PAGES));
      await expect.poll(() => page.locator('#progress').isHidden()).toBe(true);
      expect(problems).toEqual([]);
    }, 180_000);

    it('fits a 390×844 phone screen without sideways scrolling', async () => {
      const { page, problems } = await openDemo(phone);
      expect(await scrollsSideways(page)).toBe(false);
      // A file dropped on the text box is read into it, its kind decided as the API decides it.
      const drop = async (name: string, type: string, content: string) => {
        const dropped = await page.evaluateHandle(
          ([n, t, c]) => {
            const data = new DataTransfer();
            data.items.add(new File([c], n, { type: t }));
            return data;
          },
          [name, type, content] as const,
        );
        await page.locator('#text').dispatchEvent('drop', { dataTransfer: dropped });
      };
      await drop('notes.md', 'text/markdown', '# Notes\n\nDropped text.');
      await expect.poll(() => page.getByLabel('Text').inputValue()).toBe('# Notes\n\nDropped text.');
      expect(await page.locator('#status').textContent()).toBe('Loaded notes.md (markdown): 22 characters.');
      // Source code by its extension (browsers often send no type for it), a log, HTML.
      await drop('fib.py', '', 'def fib(n):\n    return n\n');
      await expect
        .poll(() => page.locator('#status').textContent())
        .toBe('Loaded fib.py (code, python): 25 characters.');
      expect(await page.getByLabel('Text').inputValue()).toBe('def fib(n):\n    return n\n');
      await drop('run.log', '', '12:00 start\n');
      await expect.poll(() => page.locator('#status').textContent()).toBe('Loaded run.log (log): 12 characters.');
      await drop('page.html', 'text/html', '<p>Hi</p>');
      await expect.poll(() => page.locator('#status').textContent()).toBe('Loaded page.html (html): 9 characters.');
      // A PDF is kept as the file (sent as its bytes), not read into the box.
      await drop('paper.pdf', 'application/pdf', '%PDF-1.4 not really');
      await expect
        .poll(() => page.locator('#status').textContent())
        .toBe('Loaded paper.pdf (pdf): 1 KiB, sent as the file.');
      expect(await page.getByLabel('Text').inputValue()).toBe('');
      // Anything else is refused with a message.
      await drop('photo.png', 'image/png', 'PNG');
      await page.locator('#error:not([hidden])').waitFor();
      expect(await page.locator('#error').textContent()).toBe(
        'Choose a text, Markdown, source code, HTML, log or PDF file (got photo.png).',
      );
      await renderFixture(page);
      await page.locator('#chart svg').waitFor();
      await page.getByLabel('Question').fill(QUESTION);
      await page.getByRole('button', { name: 'Ask' }).click();
      await page.locator('#answer figure.cited .outline').first().waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      // Readable: body text is not shrunk below 14 CSS px, the thumbnails sit two or more a row.
      expect(await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize))).toBeGreaterThanOrEqual(
        14,
      );
      await page.screenshot({ path: join(shots, 'demo-phone.png'), fullPage: true });
      await page.locator('#thumbs .thumb').first().click();
      await page.locator('#viewer img').waitFor();
      expect(await scrollsSideways(page)).toBe(false);
      await page.screenshot({ path: join(shots, 'demo-phone-viewer.png') });
      expect(problems).toEqual([]);
    }, 180_000);
  });
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface RenderView {
  documentId: string;
  renderId: string;
  pages: { n: number; width: number; height: number }[];
}

function json(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** The id of the document the page uploaded: the SHA-256 in its first thumbnail's page URL. */
async function documentIdOf(page: Page): Promise<string> {
  const url = (await page.locator('#thumbs .thumb img').first().getAttribute('data-url'))!;
  return /\/v1\/documents\/([0-9a-f]{64})\//.exec(url)![1]!;
}
