/** Stylesheet `/demo/demo.css` of the demo page: system fonts, one column on a phone, visible focus. */
export const DEMO_CSS = String.raw`:root {
  color-scheme: light;
  --ink: #1b1f24;
  --muted: #57606a;
  --line: #d0d7de;
  --accent: #0b57d0;
  --accent-ink: #ffffff;
  --mark: #d93025;
  --paper: #ffffff;
  --wash: #f6f8fa;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  line-height: 1.5;
  color: var(--ink);
  background: var(--wash);
}
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; }
.masthead, main { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
.masthead h1 { margin: 1rem 0 0; font-size: 1.6rem; }
.masthead p { margin: 0 0 1rem; color: var(--muted); }
section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 0 0 1rem; min-width: 0; }
h2 { margin: 0 0 0.75rem; font-size: 1.2rem; }
h3 { margin: 1rem 0 0.5rem; font-size: 1rem; }
[hidden] { display: none !important; }
label { display: block; font-weight: 600; margin: 0.5rem 0 0.25rem; }
input, textarea, select, button { font: inherit; color: inherit; }
input[type="password"], input[type="text"], textarea, select {
  width: 100%; max-width: 100%; padding: 0.45rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--paper);
}
textarea { resize: vertical; min-height: 8rem; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9rem; }
textarea.dropping { border: 2px dashed var(--accent); background: #eef4ff; }
input[type="file"] { max-width: 100%; }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
.choices { display: flex; flex-wrap: wrap; gap: 0 1rem; }
.choices label { flex: 1 1 10rem; }
button { cursor: pointer; border-radius: 6px; border: 1px solid var(--accent); padding: 0.45rem 1rem; background: var(--paper); color: var(--accent); }
button[type="submit"], #decode-button { background: var(--accent); color: var(--accent-ink); margin-top: 0.75rem; }
button[aria-disabled="true"] { opacity: 0.55; cursor: progress; }
button.link { border: 0; padding: 0; background: none; color: var(--accent); text-decoration: underline; }
:focus-visible { outline: 3px solid #f9ab00; outline-offset: 2px; }
progress { display: block; width: 100%; height: 1rem; margin-top: 0.75rem; }
.error { color: #8a1c12; background: #fdecea; border: 1px solid #f5c2bd; border-radius: 6px; padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); gap: 0.5rem; margin: 0 0 1rem; }
.totals div { background: var(--wash); border-radius: 6px; padding: 0.5rem 0.75rem; }
.totals dt { color: var(--muted); font-size: 0.85rem; }
.totals dd { margin: 0; font-size: 1.3rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.thumbs { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(7rem, 1fr)); gap: 0.75rem; }
.thumb { display: block; width: 100%; padding: 0.25rem; border: 1px solid var(--line); background: var(--paper); color: var(--muted); text-align: center; font-size: 0.85rem; }
.thumb img { display: block; width: 100%; height: auto; background: var(--wash); }
.broken { display: block; padding: 2rem 0.25rem; }
.chart svg { display: block; width: 100%; max-width: 36rem; height: auto; font-size: 12px; }
.chart .bar rect { fill: #8ab4f8; }
.chart .bar.current rect { fill: var(--accent); }
.chart text { fill: var(--ink); }
.inline-form { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; }
.inline-form label { flex-basis: 100%; margin-bottom: 0; }
.inline-form input { flex: 1 1 12rem; width: auto; }
.inline-form button { margin-top: 0; }
.answer-text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--wash); border-left: 4px solid var(--accent); padding: 0.5rem 0.75rem; }
.citations { padding-left: 1.25rem; overflow-wrap: anywhere; }
.citations li { margin: 0.25rem 0; }
figure.cited { margin: 1rem 0; }
figure.cited figcaption { color: var(--muted); font-size: 0.9rem; }
.page-frame { position: relative; max-width: 100%; border: 1px solid var(--line); }
.page-frame img { display: block; width: 100%; height: auto; }
.outline { position: absolute; border: 2px solid var(--mark); border-radius: 2px; background: rgba(217, 48, 37, 0.08); pointer-events: none; }
figure.cited .page-frame { width: 100%; max-width: 40rem; }
dialog { width: min(100vw - 1rem, 60rem); max-width: none; max-height: calc(100vh - 1rem); padding: 0; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
/* The bar stays put; the page scrolls inside the body, both ways (a full-size page is wider than a phone). */
dialog[open] { display: flex; flex-direction: column; }
dialog::backdrop { background: rgba(0, 0, 0, 0.6); }
.viewer-bar { flex: none; display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: 0.5rem 1rem; background: var(--paper); border-bottom: 1px solid var(--line); }
.viewer-bar h2 { margin: 0; font-size: 1rem; }
.viewer-body { flex: 1 1 auto; min-height: 0; padding: 1rem; overflow: auto; }
.viewer-body .page-frame { max-width: none; }
.accuracy strong { font-size: 1.5rem; }
.diffs { list-style: none; padding: 0; overflow-wrap: anywhere; font-size: 0.85rem; }
.diffs li { margin: 0.5rem 0; }
.diffs .expected, .diffs .got { display: block; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.diffs .expected::before { content: "text: "; color: var(--muted); }
.diffs .got::before { content: "OCR:  "; color: var(--muted); }
code { overflow-wrap: anywhere; }
@media (max-width: 30rem) {
  .masthead h1 { font-size: 1.35rem; }
  section { padding: 0.75rem; border-radius: 0; border-left: 0; border-right: 0; }
  .masthead, main { padding: 0; }
  .masthead { padding: 0 0.75rem; }
}
`;
