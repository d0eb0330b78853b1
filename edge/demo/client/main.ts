/**
 * Client module `/demo/main.js`: wires the demo page — key, text or file, render (with job
 * progress), totals, thumbnails, the profile chart, questions with outlined citations, and the
 * OCR read-back.
 */
export const MAIN_JS = String.raw`// The demo page's behaviour. Element ids are those of edge/demo/page.ts.
import { ApiError, createApi } from './api.js';
import { profileChart } from './chart.js';
import { createPageImages, createViewer, outlinedPage, showThumbnails } from './pages.js';

const $ = (id) => document.getElementById(id);
const KEY_STORE = 'glyphgate.apiKey';
const POLL_MS = 750;
const HINTS = { unauthorized: ' Check the API key.' };

const keyField = $('key');
const api = createApi(() => keyField.value.trim());
const images = createPageImages(api);
const viewer = createViewer($('viewer'), images);
const actions = [$('render'), $('ask-button'), $('decode-button')];

/** The render on screen: questions and the read-back are about it. */
let shown = null;
let textType = 'text/plain';
let busy = false;

const fmt = (n) => n.toLocaleString('en');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function store(value) {
  try {
    if (value === undefined) return localStorage.getItem(KEY_STORE) || '';
    localStorage.setItem(KEY_STORE, value);
  } catch {
    // Storage disabled (private mode): the key just is not remembered.
  }
  return '';
}

function say(text) {
  $('status').textContent = text;
}

function showError(error) {
  const box = $('error');
  let text = error.message;
  if (error instanceof ApiError) {
    text = (error.status ? 'Error ' + error.status + ' (' + error.code + '): ' : 'Error: ') + text;
    if (!/[.!?)]$/.test(text)) text += '.';
    text += HINTS[error.code] || '';
  }
  box.textContent = text;
  box.hidden = false;
  say('');
}

/**
 * Runs one user action at a time. Buttons are marked aria-disabled rather than disabled, so the
 * one that has keyboard focus keeps it while the work runs.
 */
async function run(work) {
  if (busy) return;
  busy = true;
  for (const b of actions) b.setAttribute('aria-disabled', 'true');
  $('error').hidden = true;
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

function initKey() {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('key');
  if (fromUrl) {
    store(fromUrl);
    // Out of the address bar, history and bookmarks: the key stays in this browser's storage.
    url.searchParams.delete('key');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  keyField.value = fromUrl || store();
  keyField.addEventListener('change', () => store(keyField.value.trim()));
}

async function loadFile(file) {
  if (!file) return;
  if (!/\.(txt|md|markdown)$/i.test(file.name) && !/^text\/(plain|markdown)/.test(file.type)) {
    throw new Error('Choose a .txt or .md file (got ' + file.name + ').');
  }
  $('text').value = await file.text();
  textType = /\.(md|markdown)$/i.test(file.name) || file.type.startsWith('text/markdown') ? 'text/markdown' : 'text/plain';
  say('Loaded ' + file.name + ': ' + fmt($('text').value.length) + ' characters.');
}

function initText() {
  const area = $('text');
  $('file').addEventListener('change', (event) => run(() => loadFile(event.target.files[0])));
  area.addEventListener('dragover', (event) => {
    event.preventDefault();
    area.classList.add('dropping');
  });
  area.addEventListener('dragleave', () => area.classList.remove('dropping'));
  area.addEventListener('drop', (event) => {
    event.preventDefault();
    area.classList.remove('dropping');
    run(() => loadFile(event.dataTransfer.files[0]));
  });
}

function showProgress(job) {
  const bar = $('progress');
  bar.hidden = !job;
  if (!job) return;
  if (job.pagesTotal) {
    bar.max = job.pagesTotal;
    bar.value = job.pagesDone;
    say('Rendering as a job: ' + fmt(job.pagesDone) + ' of ' + fmt(job.pagesTotal) + ' pages…');
  } else {
    bar.removeAttribute('value');
    say('Rendering as a job: ' + job.status + '…');
  }
}

/** Polls a 202's job until its pages are all stored. */
async function waitForJob(jobId) {
  for (;;) {
    const job = await api.job(jobId);
    if (job.status === 'failed') throw new Error('The render job failed: ' + (job.error || 'no reason given') + '.');
    showProgress(job);
    if (job.status === 'done') return;
    await sleep(POLL_MS);
  }
}

/** Renders with fields; a big document is rendered by a job first, then read back as a cache hit. */
async function renderView(id, fields) {
  const first = await api.render(id, fields);
  if (first.status !== 202) return first.body;
  await waitForJob(first.body.jobId);
  showProgress(null);
  return (await api.render(id, fields)).body;
}

function showTotals(totals) {
  $('total-pages').textContent = fmt(totals.pages);
  $('total-visual').textContent = fmt(totals.visualTokens);
  $('total-text').textContent = fmt(totals.textTokens);
  $('total-ratio').textContent = totals.ratio.toFixed(2) + '×';
}

/**
 * The same pages priced under every profile. Pixels do not depend on the profile, so each of
 * these renders is a cache hit that the API just reprices.
 */
async function showChart(id, preset, view) {
  const chart = $('chart');
  chart.replaceChildren(el('p', 'hint', 'Pricing every profile…'));
  const profiles = [...$('profile').options].map((o) => o.value);
  const rows = await Promise.all(profiles.map(async (profile) => {
    if (profile === view.profile) return { profile, visualTokens: view.totals.visualTokens };
    try {
      const other = await api.render(id, { preset, profile });
      return { profile, visualTokens: other.status === 200 ? other.body.totals.visualTokens : null };
    } catch {
      return { profile, visualTokens: null };
    }
  }));
  chart.replaceChildren(profileChart(rows, view.profile));
}

async function renderDocument() {
  const text = $('text').value;
  if (!keyField.value.trim()) throw new Error('Enter an API key first.');
  if (!text.trim()) throw new Error('Paste some text or choose a file first.');
  const preset = $('preset').value;
  const profile = $('profile').value;
  say('Uploading…');
  const doc = await api.upload(text, textType);
  say('Rendering…');
  const view = await renderView(doc.id, { preset, profile });
  shown = { id: doc.id, preset, profile, view };
  images.clear();
  showTotals(view.totals);
  showThumbnails($('thumbs'), view.pages, images, (page, boxes) => viewer.open(page, boxes));
  $('answer').replaceChildren();
  $('decode-result').replaceChildren();
  for (const id of ['result', 'ask', 'decode']) $(id).hidden = false;
  say('Rendered ' + fmt(view.totals.pages) + ' page' + (view.totals.pages === 1 ? '' : 's') + (view.cached ? ' (from cache).' : '.'));
  await showChart(doc.id, preset, view);
}

/** Line boxes of the cited pages, by page then line; a page whose layout fails gets none. */
async function citedBoxes(citations) {
  const boxes = new Map();
  const pages = [...new Set(citations.map((c) => c.page))];
  await Promise.all(pages.map(async (page) => {
    const byLine = new Map();
    try {
      const { lines } = await api.layout(shown.id, shown.view.renderId, page);
      for (const line of lines) byLine.set(line.line, line.box);
    } catch {
      // Without boxes the citation is still listed, just not outlined.
    }
    boxes.set(page, byLine);
  }));
  return boxes;
}

function citationList(citations, boxes) {
  const list = el('ol', 'citations');
  for (const c of citations) {
    const page = shown.view.pages.find((p) => p.n === c.page);
    const box = boxes.get(c.page).get(c.line);
    const item = el('li');
    const open = el('button', 'link', 'Page ' + c.page + ', line ' + (c.line + 1));
    open.type = 'button';
    open.addEventListener('click', () => viewer.open(page, box ? [box] : []));
    item.append(open, ' ', el('q', '', c.text));
    list.append(item);
  }
  return list;
}

async function citedFigure(pageNumber, citations, boxes) {
  const page = shown.view.pages.find((p) => p.n === pageNumber);
  const lineBoxes = citations.filter((c) => c.page === pageNumber).map((c) => boxes.get(pageNumber).get(c.line)).filter(Boolean);
  const figure = el('figure', 'cited');
  const label = 'Page ' + pageNumber + ' with ' + lineBoxes.length + ' cited line' + (lineBoxes.length === 1 ? '' : 's') + ' outlined';
  figure.append(outlinedPage(page, await images.src(page.url), lineBoxes, label), el('figcaption', '', label));
  return figure;
}

async function ask() {
  if (!shown) throw new Error('Render a document first.');
  const question = $('question').value.trim();
  if (!question) throw new Error('Type a question first.');
  say('Asking…');
  const result = await api.query(shown.id, { question, preset: shown.preset, profile: shown.profile });
  const out = $('answer');
  out.replaceChildren(
    el('p', 'answer-text', result.answer),
    el('p', 'hint', 'Answered by ' + result.answerer + (result.cached ? ' (cached)' : '') + '.'),
  );
  if (result.citations.length === 0) {
    out.append(el('p', 'hint', 'No lines cited.'));
  } else {
    const boxes = await citedBoxes(result.citations);
    const pages = [...boxes.keys()].sort((a, b) => a - b);
    out.append(el('h3', '', 'Cited lines'), citationList(result.citations, boxes));
    out.append(...(await Promise.all(pages.map((n) => citedFigure(n, result.citations, boxes)))));
  }
  say('Answered.');
}

async function decode() {
  if (!shown) throw new Error('Render a document first.');
  say('Reading the pages back with OCR…');
  const result = await api.decode(shown.id, { preset: shown.preset });
  const accuracy = el('p', 'accuracy');
  accuracy.append(el('strong', '', (100 * result.charAccuracy).toFixed(1) + '%'), ' character accuracy over ' + fmt(result.linesChecked) + ' lines read back.');
  const out = $('decode-result');
  out.replaceChildren(accuracy);
  const differing = result.lines.filter((l) => l.expected !== l.got);
  if (differing.length > 0) {
    const details = el('details');
    const list = el('ul', 'diffs');
    for (const l of differing.slice(0, 50)) {
      const item = el('li');
      item.append(el('span', 'hint', 'p. ' + l.page + ', line ' + (l.line + 1) + ' '), el('span', 'expected', l.expected), el('span', 'got', l.got));
      list.append(item);
    }
    details.append(el('summary', '', fmt(differing.length) + ' line' + (differing.length === 1 ? '' : 's') + ' read differently'), list);
    out.append(details);
  }
  say('Read-back done.');
}

function onSubmit(form, work) {
  $(form).addEventListener('submit', (event) => {
    event.preventDefault();
    run(work);
  });
}

initKey();
initText();
onSubmit('render-form', renderDocument);
onSubmit('ask-form', ask);
$('decode-button').addEventListener('click', () => run(decode));
`;
