/**
 * The visual-token cost of one document per profile, as a horizontal bar chart in inline SVG:
 * one group per profile, one bar per series (a fixed preset beside `auto`, say) within it.
 */

const SVG = 'http://www.w3.org/2000/svg';
const BAR = 18;
const GAP = 10;
const LEGEND = 24;
const WIDTH = 360;
const LABEL = 92;
const VALUE = 72;

/** A bar's value: visual tokens, `null` when the API gave none, `undefined` while still asked for. */
export type ChartValue = number | null | undefined;

/** One profile's visual tokens per series, in series order. */
export interface ChartRow {
  profile: string;
  visualTokens: ChartValue[];
}

function node(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const said = (value: ChartValue) => (value === undefined ? 'pending' : value === null ? 'unavailable' : String(value));
const shown = (value: ChartValue) => (value === undefined ? '…' : value === null ? 'n/a' : value.toLocaleString('en'));

/**
 * Bars of visual tokens for `rows` under each of `series` (their names, shown in a legend), the
 * `current` profile highlighted. No library: the page loads nothing from elsewhere. The numbers
 * are also in the accessible name, for screen readers.
 */
export function profileChart(rows: readonly ChartRow[], series: readonly string[], current: string): SVGElement {
  const max = Math.max(1, ...rows.flatMap((row) => row.visualTokens.map((v) => v ?? 0)));
  const groupHeight = series.length * BAR + GAP;
  const summary = rows.map((row) => `${row.profile} ${row.visualTokens.map(said).join(' / ')}`).join(', ');
  const svg = node('svg', {
    viewBox: `0 0 ${WIDTH} ${LEGEND + rows.length * groupHeight}`,
    role: 'img',
    'aria-label': `Visual tokens by profile (${series.join(' / ')}): ${summary}`,
  });
  const legend = node('g', { class: 'legend', 'aria-hidden': 'true' });
  series.forEach((name, i) => {
    const x = LABEL + i * 110;
    legend.append(
      node('rect', { class: `swatch series-${i}`, x, y: 4, width: 12, height: 12, rx: 2 }),
      node('text', { x: x + 18, y: 14 }, name),
    );
  });
  svg.append(legend);
  rows.forEach((row, r) => {
    const top = LEGEND + r * groupHeight;
    row.visualTokens.forEach((value, i) => {
      const y = top + i * BAR;
      const mid = y + BAR / 2 + 4;
      const length = value === null || value === undefined ? 0 : Math.max(1, ((WIDTH - LABEL - VALUE) * value) / max);
      const classes = ['bar', `series-${i}`, ...(row.profile === current ? ['current'] : [])];
      const group = node('g', { class: classes.join(' '), 'aria-hidden': 'true' });
      if (i === 0) group.append(node('text', { x: LABEL - 8, y: mid, 'text-anchor': 'end' }, row.profile));
      group.append(
        node('rect', { x: LABEL, y: y + 2, width: length, height: BAR - 4, rx: 2 }),
        node('text', { x: LABEL + length + 6, y: mid }, shown(value)),
      );
      svg.append(group);
    });
  });
  return svg;
}
