/**
 * The demo page's HTML, written at build time: a static shell (no inline script or style, see
 * headers.ts) whose preset and profile choices come from the same lists the API validates against.
 */
import { PROFILE_NAMES } from '../../protocol/profiles.ts';
import { DEFAULT_PRESET, PRESET_CHOICES } from '../../protocol/render-config.ts';

/** The profile the page starts on: the API's default (test/edge/demo-site.test.ts holds them equal). */
export const DEMO_DEFAULT_PROFILE = 'glm-4.1v';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

function options(names: readonly string[], selected: string): string {
  return names
    .map(
      (name) =>
        `<option value="${escapeHtml(name)}"${name === selected ? ' selected' : ''}>${escapeHtml(name)}</option>`,
    )
    .join('');
}

/**
 * What the file chooser offers: every kind the API draws (a file dropped on the text box may be
 * anything; the page decides its kind as the API does).
 */
const FILE_ACCEPT = [
  'text/*',
  'application/pdf',
  '.md',
  '.markdown',
  '.log',
  ...['py', 'ts', 'tsx', 'js', 'mjs', 'json', 'rs', 'go', 'java', 'kt', 'c', 'h', 'cpp', 'cs', 'rb', 'php', 'sh'].map(
    (ext) => `.${ext}`,
  ),
  ...['yaml', 'yml', 'toml', 'sql', 'swift', 'lua', 'html', 'htm', 'pdf'].map((ext) => `.${ext}`),
].join(',');

/** The page served at `GET /` (`index.html` of the assets). */
export function demoPageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>glyphgate demo</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/demo/demo.css">
<script type="module" src="/demo/main.js"></script>
</head>
<body>
<header class="masthead">
  <h1>glyphgate</h1>
  <p>Long text in, compact page images out: what a vision–language model reads instead of text tokens.</p>
</header>
<main>
<section aria-labelledby="doc-title">
  <h2 id="doc-title">Document</h2>
  <form id="render-form" novalidate>
    <label for="key">API key</label>
    <input id="key" type="password" autocomplete="off" spellcheck="false" aria-describedby="key-hint">
    <p id="key-hint" class="hint">Kept in this browser only. The local stack's key is <code>local-dev-key</code>.</p>
    <label for="text">Text</label>
    <textarea id="text" rows="9" spellcheck="false" aria-describedby="text-hint"></textarea>
    <p id="text-hint" class="hint">Paste text, drop a file on the box (text, Markdown, source code, HTML, a log or a PDF), or choose one:</p>
    <input id="file" type="file" accept="${escapeHtml(FILE_ACCEPT)}" aria-label="Choose a file">
    <div class="choices">
      <label>Preset <select id="preset">${options(PRESET_CHOICES, DEFAULT_PRESET)}</select></label>
      <label>Profile <select id="profile">${options(PROFILE_NAMES, DEMO_DEFAULT_PROFILE)}</select></label>
    </div>
    <button type="submit" id="render">Render</button>
  </form>
  <progress id="progress" max="1" value="0" aria-label="Render progress" hidden></progress>
  <p id="status" role="status"></p>
  <p id="error" class="error" role="alert" hidden></p>
</section>

<section id="result" aria-labelledby="pages-title" hidden>
  <h2 id="pages-title">Pages</h2>
  <dl class="totals">
    <div><dt>Pages</dt><dd id="total-pages"></dd></div>
    <div><dt>Visual tokens</dt><dd id="total-visual"></dd></div>
    <div><dt>Text tokens</dt><dd id="total-text"></dd></div>
    <div><dt>Ratio</dt><dd id="total-ratio"></dd></div>
  </dl>
  <ol id="thumbs" class="thumbs" aria-label="Page thumbnails"></ol>
  <h3 id="chart-title">Visual tokens of this document, by profile</h3>
  <div id="chart" class="chart"></div>
</section>

<section id="ask" aria-labelledby="ask-title" hidden>
  <h2 id="ask-title">Ask the document</h2>
  <form id="ask-form" class="inline-form" novalidate>
    <label for="question">Question</label>
    <input id="question" type="text" maxlength="2000" autocomplete="off">
    <button type="submit" id="ask-button">Ask</button>
  </form>
  <div id="answer" class="answer" aria-live="polite"></div>
</section>

<section id="decode" aria-labelledby="decode-title" hidden>
  <h2 id="decode-title">OCR read-back</h2>
  <p class="hint">Reads sampled lines back from the page images and compares them with the text.</p>
  <button type="button" id="decode-button">Run OCR read-back</button>
  <div id="decode-result" aria-live="polite"></div>
</section>
</main>

<dialog id="viewer" aria-labelledby="viewer-title">
  <div class="viewer-bar">
    <h2 id="viewer-title">Page</h2>
    <button type="button" id="viewer-close">Close</button>
  </div>
  <div id="viewer-body" class="viewer-body"></div>
</dialog>
</body>
</html>
`;
}
