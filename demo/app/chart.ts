/** The visual-token cost of one document per profile, as a horizontal bar chart in inline SVG. */

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 28;
const WIDTH = 360;
const LABEL = 92;
const VALUE = 72;

/** One bar: what it prices (e.g. a preset) and its visual tokens (null: not available). */
export interface ChartBar {
  label: string;
  visualTokens: number | null;
}

/** One profile's bars, drawn side by side in its row group. */
export interface ChartRow {
  profile: string;
  bars: ChartBar[];
}

function node(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function valueText(bar: ChartBar): string {
  return bar.visualTokens === null ? 'n/a' : bar.visualTokens.toLocaleString('en');
}

/**
 * Bars of visual tokens, one row group per profile (one bar per series within it), the current
 * profile highlighted. No library: the page loads nothing from elsewhere. The numbers are also in
 * the accessible name, for screen readers.
 */
export function profileChart(rows: readonly ChartRow[], current: string): SVGElement {
  const all = rows.flatMap((row) => row.bars);
  const max = Math.max(1, ...all.map((bar) => bar.visualTokens ?? 0));
  const series = rows[0]?.bars.length ?? 1;
  const summary = rows
    .map((row) => {
      const values = row.bars.map(
        (bar) => (series > 1 ? `${bar.label} ` : '') + (bar.visualTokens === null ? 'unavailable' : bar.visualTokens),
      );
      return `${row.profile} ${values.join(' / ')}`;
    })
    .join(', ');
  const svg = node('svg', {
    viewBox: `0 0 ${WIDTH} ${rows.length * series * ROW}`,
    role: 'img',
    'aria-label': `Visual tokens by profile: ${summary}`,
  });
  let y = 0;
  for (const row of rows) {
    row.bars.forEach((bar, i) => {
      const mid = y + ROW / 2 + 4;
      const length = bar.visualTokens === null ? 0 : Math.max(1, ((WIDTH - LABEL - VALUE) * bar.visualTokens) / max);
      const classes = ['bar', `series-${i}`, ...(row.profile === current ? ['current'] : [])];
      const group = node('g', { class: classes.join(' '), 'aria-hidden': 'true' });
      const label = series > 1 ? (i === 0 ? `${row.profile} ${bar.label}` : bar.label) : row.profile;
      group.append(
        node('text', { x: LABEL - 8, y: mid, 'text-anchor': 'end' }, label),
        node('rect', { x: LABEL, y: y + 6, width: length, height: ROW - 12, rx: 2 }),
        node('text', { x: LABEL + length + 6, y: mid }, valueText(bar)),
      );
      svg.append(group);
      y += ROW;
    });
  }
  return svg;
}
