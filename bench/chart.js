// A hand-written SVG line chart: median wall time against host count (log-log), one line per tool and mode.
import { writeFileSync } from 'node:fs';
import { summarize } from './stats.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'];
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function writeChart(file, allSamples) {
  // The template-heavy role is timed at one size: a table in RESULTS.md, not a line here.
  const samples = allSamples.filter((s) => !s.label.startsWith('templates'));
  const series = summarize(samples);
  const W = 760,
    H = 440,
    L = 70,
    R = 230,
    T = 30,
    B = 50;
  const ns = [...new Set(samples.map((s) => s.n))].sort((a, b) => a - b);
  const secs = samples.map((s) => s.ms / 1000);
  const [xMin, xMax] = [Math.min(...ns), Math.max(...ns, Math.min(...ns) * 10)];
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...secs)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...secs)));
  const x = (n) => L + ((Math.log10(n) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin))) * (W - L - R);
  const y = (s) => H - B - ((Math.log10(s) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (H - T - B);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="18" font-size="14">Median wall time against host count (log-log; lower is better)</text>`,
  ];
  for (let d = yMin; d <= yMax * 1.0001; d *= 10) {
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>`,
      `<text x="${L - 6}" y="${y(d) + 4}" text-anchor="end">${d >= 1 ? d : d.toFixed(-Math.log10(d))} s</text>`,
    );
  }
  for (const n of ns) {
    parts.push(
      `<line x1="${x(n)}" x2="${x(n)}" y1="${T}" y2="${H - B}" stroke="#eee"/>`,
      `<text x="${x(n)}" y="${H - B + 16}" text-anchor="middle">${n}</text>`,
    );
  }
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">hosts</text>`,
    `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/>`,
  );
  [...series.keys()].forEach((label, i) => {
    const pts = [...series.get(label)].sort((a, b) => a[0] - b[0]).map(([n, v]) => [x(n), y(v.ms / 1000)]);
    const c = COLORS[i % COLORS.length];
    const dash = label.startsWith('ansible')
      ? ' stroke-dasharray="6 3"'
      : label === 'floor'
        ? ' stroke-dasharray="2 2"'
        : '';
    parts.push(
      `<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${pts.map((p) => p.join(',')).join(' ')}"/>`,
    );
    for (const [px, py] of pts) parts.push(`<circle cx="${px}" cy="${py}" r="3" fill="${c}"/>`);
    parts.push(
      `<line x1="${W - R + 15}" x2="${W - R + 40}" y1="${T + 10 + i * 20}" y2="${T + 10 + i * 20}" stroke="${c}" stroke-width="2"${dash}/>`,
      `<text x="${W - R + 46}" y="${T + 14 + i * 20}">${escape(label)}</text>`,
    );
  });
  parts.push('</svg>');
  writeFileSync(file, parts.join('\n') + '\n');
}
