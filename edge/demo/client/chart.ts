/** Client module `/demo/chart.js`: the visual-token cost per profile as inline SVG bars. */
export const CHART_JS = String.raw`// A horizontal bar chart in inline SVG (no library: the page loads nothing from elsewhere).

const SVG = 'http://www.w3.org/2000/svg';
const ROW = 28;
const WIDTH = 360;
const LABEL = 92;
const VALUE = 72;

function node(name, attributes, text) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Bars of visualTokens for rows [{ profile, visualTokens }] (null = not available), the current
 * profile highlighted. The numbers are also in the accessible name, for screen readers.
 */
export function profileChart(rows, current) {
  const max = Math.max(1, ...rows.map((r) => r.visualTokens || 0));
  const summary = rows.map((r) => r.profile + ' ' + (r.visualTokens === null ? 'unavailable' : r.visualTokens)).join(', ');
  const svg = node('svg', {
    viewBox: '0 0 ' + WIDTH + ' ' + rows.length * ROW,
    role: 'img',
    'aria-label': 'Visual tokens by profile: ' + summary,
  });
  rows.forEach((row, i) => {
    const y = i * ROW;
    const mid = y + ROW / 2 + 4;
    const bar = row.visualTokens === null ? 0 : Math.max(1, ((WIDTH - LABEL - VALUE) * row.visualTokens) / max);
    const group = node('g', { class: row.profile === current ? 'bar current' : 'bar', 'aria-hidden': 'true' });
    group.append(
      node('text', { x: LABEL - 8, y: mid, 'text-anchor': 'end' }, row.profile),
      node('rect', { x: LABEL, y: y + 6, width: bar, height: ROW - 12, rx: 2 }),
      node('text', { x: LABEL + bar + 6, y: mid }, row.visualTokens === null ? 'n/a' : row.visualTokens.toLocaleString('en')),
    );
    svg.append(group);
  });
  return svg;
}
`;
