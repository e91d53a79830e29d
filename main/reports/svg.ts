import { SEVERITIES, type Severity } from '../contract/index.js';
import { SEVERITY_COLOR, esc, num } from './html.js';

/** A round axis maximum (1, 2, 5 × 10^n) at or above v. */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function label(iso: string, spanS: number): string {
  const d = new Date(iso).toISOString();
  return spanS > 2 * 86_400 ? d.slice(5, 10) : d.slice(5, 16).replace('T', ' ');
}

/**
 * New alerts per bucket, stacked by severity (most severe on top), as an inline SVG: axes, grid,
 * a few time labels and a legend. No script, no external font.
 */
export function trendChart(points: readonly ({ t: string } & Record<Severity, number>)[], bucketS: number, width = 1000, height = 240): string {
  const left = 56;
  const right = 10;
  const top = 10;
  const bottom = 48;
  const w = width - left - right;
  const h = height - top - bottom;
  const totals = points.map((p) => SEVERITIES.reduce((a, s) => a + p[s], 0));
  const max = niceMax(Math.max(0, ...totals));
  const bw = points.length > 0 ? w / points.length : w;
  const gap = bw > 4 ? Math.min(2, bw * 0.15) : 0;
  const y = (v: number) => top + h - (v / max) * h;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    parts.push(`<line x1="${left}" x2="${left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e1e4ea" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end" font-size="12" fill="#4d5767">${num(Math.round(v))}</text>`);
  }
  points.forEach((p, i) => {
    let base = 0;
    for (const s of SEVERITIES) {
      const v = p[s];
      if (v <= 0) continue;
      const y0 = y(base);
      const y1 = y(base + v);
      parts.push(`<rect x="${(left + i * bw + gap / 2).toFixed(2)}" y="${y1.toFixed(2)}" width="${Math.max(0.5, bw - gap).toFixed(2)}" height="${Math.max(0.5, y0 - y1).toFixed(2)}" fill="${SEVERITY_COLOR[s]}"><title>${esc(`${p.t} ${s}: ${v}`)}</title></rect>`);
      base += v;
    }
  });
  const step = Math.max(1, Math.ceil(points.length / 8));
  for (let i = 0; i < points.length; i += step) {
    parts.push(`<text x="${(left + i * bw + bw / 2).toFixed(1)}" y="${top + h + 14}" text-anchor="middle" font-size="12" fill="#4d5767">${esc(label(points[i]!.t, bucketS * points.length))}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left + w}" y1="${top + h}" y2="${top + h}" stroke="#7b8494"/>`);
  let lx = left;
  for (const s of [...SEVERITIES].reverse()) {
    parts.push(`<rect x="${lx}" y="${height - 14}" width="11" height="11" fill="${SEVERITY_COLOR[s]}"/><text x="${lx + 16}" y="${height - 4}" font-size="12" fill="#161b24">${s}</text>`);
    lx += 90;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Alerts over time by severity">${parts.join('')}</svg>`;
}

/** A horizontal bar for a table cell, proportional to value / max. */
export function miniBar(value: number, max: number, width = 90): string {
  const w = max > 0 ? Math.max(1, Math.round((value / max) * width)) : 0;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="8" viewBox="0 0 ${width} 8"><rect x="0" y="0" width="${w}" height="8" rx="1.5" fill="#2d62e8"/></svg>`;
}

/** One bar split by severity (share of alerts per severity), with a legend of counts. */
export function severityBar(counts: Record<Severity, number>, width = 1000): string {
  const total = SEVERITIES.reduce((a, s) => a + counts[s], 0);
  const parts: string[] = [];
  let x = 0;
  for (const s of [...SEVERITIES].reverse()) {
    const w = total > 0 ? (counts[s] / total) * width : 0;
    if (w > 0) parts.push(`<rect x="${x.toFixed(2)}" y="0" width="${w.toFixed(2)}" height="22" fill="${SEVERITY_COLOR[s]}"><title>${s}: ${counts[s]}</title></rect>`);
    x += w;
  }
  let lx = 0;
  for (const s of [...SEVERITIES].reverse()) {
    parts.push(`<rect x="${lx}" y="32" width="13" height="13" fill="${SEVERITY_COLOR[s]}"/><text x="${lx + 19}" y="44" font-size="14" fill="#161b24">${s} ${num(counts[s])}</text>`);
    lx += 190;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 50" width="${width}" height="50" role="img" aria-label="Alerts by severity">${parts.join('')}</svg>`;
}
