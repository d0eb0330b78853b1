/**
 * The demo page's behaviour: key, text or file, render (with job progress), totals, thumbnails,
 * the profile chart, questions with outlined citations, and the OCR read-back. Every API call
 * goes through the SDK (`glyphgate/client`); element ids are those of demo/build/page.ts.
 */
import {
  type Citation,
  GlyphgateClient,
  GlyphgateError,
  isJobAccepted,
  type JobView,
  type RenderOptions,
  type RenderPage,
  type RenderView,
} from '../../client/index.ts';
import { type ChartRow, profileChart } from './chart.ts';
import { byId, el, fmt, plural } from './dom.ts';
import { kindLabel, type LoadedFile, loadFile } from './files.ts';
import { createPageImages, createViewer, outlinedPage, type PageBox, showThumbnails } from './pages.ts';

const KEY_STORE = 'glyphgate.apiKey';
const POLL_MS = 750;
const HINTS: Record<string, string> = { unauthorized: ' Check the API key.' };

const keyField = byId('key', HTMLInputElement);
const textField = byId('text', HTMLTextAreaElement);
const presetField = byId('preset', HTMLSelectElement);
const profileField = byId('profile', HTMLSelectElement);
const actions = [
  byId('render', HTMLButtonElement),
  byId('ask-button', HTMLButtonElement),
  byId('decode-button', HTMLButtonElement),
];

type Preset = NonNullable<RenderOptions['preset']>;
type Profile = NonNullable<RenderOptions['profile']>;

/** The render on screen: questions and the read-back are about it. */
interface Shown {
  id: string;
  preset: Preset;
  profile: Profile;
  view: RenderView;
}

let shown: Shown | null = null;
/** The file loaded last, while the text box still holds what it loaded (or, for a PDF, is empty). */
let loaded: LoadedFile | null = null;
let busy = false;

// The choices are written at build time from the lists the API validates against (demo/build/page.ts).
const chosenPreset = () => presetField.value as Preset;
const chosenProfile = () => profileField.value as Profile;

/** A client for the key in the field now: editing the key takes effect at the next call. */
function api(): GlyphgateClient {
  return new GlyphgateClient({ baseUrl: location.origin, apiKey: keyField.value.trim() });
}

const images = createPageImages(async (page) => {
  if (!shown) throw new Error('no render on screen');
  const { png } = await api().page(shown.id, shown.view.renderId, page.n);
  return new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
});
const viewer = createViewer(byId('viewer', HTMLDialogElement), images);

function stored(): string {
  try {
    return localStorage.getItem(KEY_STORE) ?? '';
  } catch {
    return ''; // Storage disabled (private mode): the key just is not remembered.
  }
}

function store(value: string): void {
  try {
    localStorage.setItem(KEY_STORE, value);
  } catch {
    // Storage disabled: nothing to remember it in.
  }
}

function say(text: string): void {
  byId('status', HTMLElement).textContent = text;
}

function showError(error: unknown): void {
  const box = byId('error', HTMLElement);
  let text = error instanceof Error ? error.message : String(error);
  if (error instanceof GlyphgateError) {
    if (error.retryAfter !== undefined) text += ` (retry in ${error.retryAfter} s)`;
    text = (error.status ? `Error ${error.status} (${error.code}): ` : 'Error: ') + text;
    if (!/[.!?)]$/.test(text)) text += '.';
    text += HINTS[error.code] ?? '';
  }
  box.textContent = text;
  box.hidden = false;
  say('');
}

function showProgress(job: JobView | null): void {
  const bar = byId('progress', HTMLProgressElement);
  bar.hidden = !job;
  if (!job) return;
  if (job.pagesTotal) {
    bar.max = job.pagesTotal;
    bar.value = job.pagesDone;
    say(`Rendering as a job: ${fmt(job.pagesDone)} of ${fmt(job.pagesTotal)} pages…`);
  } else {
    bar.removeAttribute('value');
    say(`Rendering as a job: ${job.status}…`);
  }
}

/**
 * Runs one user action at a time. Buttons are marked aria-disabled rather than disabled, so the
 * one that has keyboard focus keeps it while the work runs.
 */
async function run(work: () => Promise<void>): Promise<void> {
  if (busy) return;
  busy = true;
  for (const b of actions) b.setAttribute('aria-disabled', 'true');
  byId('error', HTMLElement).hidden = true;
  try {
    await work();
  } catch (error) {
    showError(error);
  } finally {
    busy = false;
    for (const b of actions) b.removeAttribute('aria-disabled');
    showProgress(null);
  }
}

function initKey(): void {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('key');
  if (fromUrl) {
    store(fromUrl);
    // Out of the address bar, history and bookmarks: the key stays in this browser's storage.
    url.searchParams.delete('key');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  keyField.value = fromUrl || stored();
  keyField.addEventListener('change', () => store(keyField.value.trim()));
}

async function takeFile(file: File | undefined): Promise<void> {
  if (!file) return;
  const next = await loadFile(file);
  loaded = next;
  textField.value = next.text ?? '';
  const size =
    next.text !== undefined
      ? plural(next.text.length, 'character')
      : `${fmt(Math.ceil(file.size / 1024))} KiB, sent as the file`;
  say(`Loaded ${file.name} (${kindLabel(next)}): ${size}.`);
}

function initText(): void {
  const fileField = byId('file', HTMLInputElement);
  // Reading a file touches only this page, so it is not one of the one-at-a-time actions: a file
  // chosen while a render is still finishing would otherwise be dropped without a word.
  fileField.addEventListener('change', () => void takeFile(fileField.files?.[0]).catch(showError));
  textField.addEventListener('dragover', (event) => {
    event.preventDefault();
    textField.classList.add('dropping');
  });
  textField.addEventListener('dragleave', () => textField.classList.remove('dropping'));
  textField.addEventListener('drop', (event) => {
    event.preventDefault();
    textField.classList.remove('dropping');
    void takeFile(event.dataTransfer?.files[0]).catch(showError);
  });
  // Typing or pasting makes it plain text again, whatever file was loaded before.
  textField.addEventListener('input', () => {
    loaded = null;
  });
}

/** Renders; a big document is rendered by a job first, then read back as a cache hit. */
async function renderView(id: string, preset: Preset, profile: Profile): Promise<RenderView> {
  const first = await api().render(id, { preset, profile });
  if (!isJobAccepted(first)) return first;
  await api().waitForJob(first.jobId, { intervalMs: POLL_MS, onProgress: showProgress });
  showProgress(null);
  const again = await api().render(id, { preset, profile });
  if (isJobAccepted(again)) throw new Error('The render job finished but its render is not stored yet; render again.');
  return again;
}

function showTotals(totals: RenderView['totals']): void {
  byId('total-pages', HTMLElement).textContent = fmt(totals.pages);
  byId('total-visual', HTMLElement).textContent = fmt(totals.visualTokens);
  byId('total-text', HTMLElement).textContent = fmt(totals.textTokens);
  byId('total-ratio', HTMLElement).textContent = `${totals.ratio.toFixed(2)}×`;
}

/** What the chart sets beside `auto` when the page renders with `auto` itself. */
const FIXED_PRESET: Preset = 'glyph-en';
/** Tries per `auto` bar: a profile's first `auto` render searches for its font size, and can outlast the edge's runner timeout (the runner keeps the result for the next try). */
const AUTO_TRIES = 4;

let chartPricing: AbortController | null = null;

/** Visual tokens of the document under `preset` and `profile`; null when the API gives none. */
async function visualTokens(
  id: string,
  preset: Preset,
  profile: Profile,
  signal: AbortSignal,
  tries = 1,
): Promise<number | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const view = await api().render(id, { preset, profile, signal });
      // A render big enough to be a job is not waited for here: the bar says n/a.
      return isJobAccepted(view) ? null : view.totals.visualTokens;
    } catch (error) {
      const busy = error instanceof GlyphgateError && (error.status === 503 || error.status === 504);
      if (!busy || attempt >= tries || signal.aborted) return null;
      await new Promise((resolve) => setTimeout(resolve, 1000 * (error.retryAfter ?? 2)));
    }
  }
}

/**
 * The document priced under every profile, a fixed preset beside `auto` (pages fitted to each
 * profile). Pixels do not depend on the profile, so the fixed preset's renders are cache hits the
 * API just reprices, drawn at once; each `auto` render is its own, so those bars fill in one by
 * one (the current profile first) after the page is usable again. The chart is aria-busy until
 * every bar is in; a newer render stops the older one's pricing.
 */
async function showChart(id: string, preset: Preset, view: RenderView): Promise<void> {
  chartPricing?.abort();
  const pricing = new AbortController();
  chartPricing = pricing;
  const chart = byId('chart', HTMLElement);
  chart.setAttribute('aria-busy', 'true');
  chart.replaceChildren(el('p', 'hint', 'Pricing every profile…'));
  const fixed = preset === 'auto' ? FIXED_PRESET : preset;
  const series: Preset[] = [fixed, 'auto'];
  const profiles = [...profileField.options].map((o) => o.value as Profile);
  const known = (p: Preset, profile: Profile) =>
    p === preset && profile === view.profile ? view.totals.visualTokens : undefined;
  const rows: ChartRow[] = await Promise.all(
    profiles.map(async (profile) => ({
      profile,
      visualTokens: [
        known(fixed, profile) ?? (await visualTokens(id, fixed, profile, pricing.signal)),
        known('auto', profile),
      ],
    })),
  );
  const draw = () => {
    if (!pricing.signal.aborted) chart.replaceChildren(profileChart(rows, series, view.profile));
  };
  draw();
  void (async () => {
    const order = [...rows].sort((a, b) => Number(b.profile === view.profile) - Number(a.profile === view.profile));
    for (const row of order) {
      if (row.visualTokens[1] !== undefined) continue;
      row.visualTokens[1] = await visualTokens(id, 'auto', row.profile as Profile, pricing.signal, AUTO_TRIES);
      draw();
    }
    if (!pricing.signal.aborted) chart.setAttribute('aria-busy', 'false');
  })();
}

async function renderDocument(): Promise<void> {
  const text = textField.value;
  const file = loaded;
  if (!keyField.value.trim()) throw new Error('Enter an API key first.');
  if (!file?.bytes && !text.trim()) throw new Error('Paste some text or choose a file first.');
  const preset = chosenPreset();
  const profile = chosenProfile();
  say('Uploading…');
  const kind = file
    ? { kind: file.kind, ...(file.language ? { language: file.language } : {}), contentType: file.contentType }
    : {};
  const doc = await api().uploadDocument(file?.bytes ?? text, kind);
  say('Rendering…');
  const view = await renderView(doc.id, preset, profile);
  shown = { id: doc.id, preset, profile, view };
  images.clear();
  showTotals(view.totals);
  showThumbnails(byId('thumbs', HTMLElement), view.pages, images, (page, boxes) => void viewer.open(page, boxes));
  byId('answer', HTMLElement).replaceChildren();
  byId('decode-result', HTMLElement).replaceChildren();
  for (const section of ['result', 'ask', 'decode']) byId(section, HTMLElement).hidden = false;
  const drawnAs = doc.kind
    ? ` as ${kindLabel({ kind: doc.kind, ...(doc.language ? { language: doc.language } : {}) })}`
    : '';
  say(`Rendered ${plural(view.totals.pages, 'page')}${drawnAs}${view.cached ? ' (from cache).' : '.'}`);
  await showChart(doc.id, preset, view);
}

/** Line boxes of the cited pages, by page then line; a page whose layout fails gets none. */
async function citedBoxes(on: Shown, citations: readonly Citation[]): Promise<Map<number, Map<number, PageBox>>> {
  const boxes = new Map<number, Map<number, PageBox>>();
  const pages = [...new Set(citations.map((c) => c.page))];
  await Promise.all(
    pages.map(async (page) => {
      const byLine = new Map<number, PageBox>();
      try {
        const { lines } = await api().layout(on.id, on.view.renderId, { page });
        for (const line of lines) byLine.set(line.line, line.box);
      } catch {
        // Without boxes the citation is still listed, just not outlined.
      }
      boxes.set(page, byLine);
    }),
  );
  return boxes;
}

function pageOf(on: Shown, n: number): RenderPage {
  const page = on.view.pages.find((p) => p.n === n);
  if (!page) throw new Error(`The answer cites page ${n}, which this render does not have.`);
  return page;
}

function citationList(
  on: Shown,
  citations: readonly Citation[],
  boxes: Map<number, Map<number, PageBox>>,
): HTMLOListElement {
  const list = el('ol', 'citations');
  for (const c of citations) {
    const page = pageOf(on, c.page);
    const box = boxes.get(c.page)?.get(c.line);
    const item = el('li');
    const open = el('button', 'link', `Page ${c.page}, line ${c.line + 1}`);
    open.type = 'button';
    open.addEventListener('click', () => void viewer.open(page, box ? [box] : []));
    item.append(open, ' ', el('q', '', c.text));
    list.append(item);
  }
  return list;
}

async function citedFigure(
  on: Shown,
  n: number,
  citations: readonly Citation[],
  boxes: Map<number, Map<number, PageBox>>,
): Promise<HTMLElement> {
  const page = pageOf(on, n);
  const lineBoxes = citations
    .filter((c) => c.page === n)
    .map((c) => boxes.get(n)?.get(c.line))
    .filter((box): box is PageBox => box !== undefined);
  const figure = el('figure', 'cited');
  const label = `Page ${n} with ${lineBoxes.length} cited line${lineBoxes.length === 1 ? '' : 's'} outlined`;
  figure.append(outlinedPage(page, await images.src(page), lineBoxes, label), el('figcaption', '', label));
  return figure;
}

async function ask(): Promise<void> {
  const on = shown;
  if (!on) throw new Error('Render a document first.');
  const question = byId('question', HTMLInputElement).value.trim();
  if (!question) throw new Error('Type a question first.');
  say('Asking…');
  const result = await api().query(on.id, { question, preset: on.preset, profile: on.profile });
  const out = byId('answer', HTMLElement);
  out.replaceChildren(
    el('p', 'answer-text', result.answer),
    el('p', 'hint', `Answered by ${result.answerer}${result.cached ? ' (cached)' : ''}.`),
  );
  if (result.citations.length === 0) {
    out.append(el('p', 'hint', 'No lines cited.'));
  } else {
    const boxes = await citedBoxes(on, result.citations);
    const pages = [...boxes.keys()].sort((a, b) => a - b);
    out.append(el('h3', '', 'Cited lines'), citationList(on, result.citations, boxes));
    out.append(...(await Promise.all(pages.map((n) => citedFigure(on, n, result.citations, boxes)))));
  }
  say('Answered.');
}

async function decode(): Promise<void> {
  const on = shown;
  if (!on) throw new Error('Render a document first.');
  say('Reading the pages back with OCR…');
  const result = await api().decode(on.id, { preset: on.preset });
  const accuracy = el('p', 'accuracy');
  accuracy.append(
    el('strong', '', `${(100 * result.charAccuracy).toFixed(1)}%`),
    ` character accuracy over ${fmt(result.linesChecked)} lines read back.`,
  );
  const out = byId('decode-result', HTMLElement);
  out.replaceChildren(accuracy);
  const differing = result.lines.filter((l) => l.expected !== l.got);
  if (differing.length > 0) {
    const details = el('details');
    const list = el('ul', 'diffs');
    for (const l of differing.slice(0, 50)) {
      const item = el('li');
      item.append(
        el('span', 'hint', `p. ${l.page}, line ${l.line + 1} `),
        el('span', 'expected', l.expected),
        el('span', 'got', l.got),
      );
      list.append(item);
    }
    details.append(el('summary', '', `${plural(differing.length, 'line')} read differently`), list);
    out.append(details);
  }
  say('Read-back done.');
}

function onSubmit(formId: string, work: () => Promise<void>): void {
  byId(formId, HTMLFormElement).addEventListener('submit', (event) => {
    event.preventDefault();
    void run(work);
  });
}

initKey();
initText();
onSubmit('render-form', renderDocument);
onSubmit('ask-form', ask);
byId('decode-button', HTMLButtonElement).addEventListener('click', () => void run(decode));
