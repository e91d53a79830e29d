import type { ReportFacts, Severity, Tlp } from '../contract/index.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text → HTML text (and attribute value). Control characters other than TAB/LF are dropped. */
export function esc(v: unknown): string {
  if (v === null || v === undefined) return '';
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  return String(v).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').replace(/[&<>"']/g, (c) => ESC[c]!);
}

export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#d55e00',
  high: '#e69f00',
  medium: '#d4c20f',
  low: '#56b4e9',
  info: '#999999',
};

export const TLP_STYLE: Record<Tlp, { label: string; fg: string; bg: string }> = {
  clear: { label: 'TLP:CLEAR', fg: '#000000', bg: '#ffffff' },
  green: { label: 'TLP:GREEN', fg: '#33ff00', bg: '#000000' },
  amber: { label: 'TLP:AMBER', fg: '#ffc000', bg: '#000000' },
  'amber+strict': { label: 'TLP:AMBER+STRICT', fg: '#ffc000', bg: '#000000' },
  red: { label: 'TLP:RED', fg: '#ff2b2b', bg: '#000000' },
};

/** UTC, to the second, as auditors read it: 2026-11-21 10:00:05 UTC. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? esc(iso) : `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

export function duration(s: number | null): string {
  if (s === null) return '—';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * One stylesheet for screen and print: A4 pages with repeated table headers, rows that never split
 * across pages, sections that start on a new page, and a light palette that prints in grey.
 */
const CSS = `
*{box-sizing:border-box}
html{font-family:"Inter","Segoe UI","Helvetica Neue","DejaVu Sans",Arial,sans-serif;font-size:10pt;color:#161b24;background:#fff;line-height:1.4}
body{margin:0 auto;max-width:1120px;padding:24px 28px 48px}
h1{font-size:20pt;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:14pt;margin:28px 0 10px;padding-bottom:4px;border-bottom:2px solid #2d62e8;break-after:avoid}
h3{font-size:11pt;margin:18px 0 6px;break-after:avoid}
p{margin:6px 0}
.muted{color:#4d5767}.faint{color:#7b8494}
.mono,code,pre,td.mono{font-family:"JetBrains Mono","DejaVu Sans Mono",Consolas,monospace;font-size:8pt}
.cover{border-bottom:1px solid #cdd2db;padding-bottom:12px;margin-bottom:12px}
.brand{font-size:9pt;color:#4d5767;text-transform:uppercase;letter-spacing:.08em}
.tlp{display:inline-block;padding:2px 8px;font:bold 9pt/1.3 "DejaVu Sans Mono",monospace;border-radius:2px;margin:6px 0}
.facts{border-collapse:collapse;margin:8px 0;font-size:9pt}
.facts th{text-align:left;font-weight:600;color:#4d5767;padding:2px 14px 2px 0;vertical-align:top;white-space:nowrap}
.facts td{padding:2px 0;vertical-align:top;overflow-wrap:anywhere}
nav.toc ol{margin:4px 0 0 18px;padding:0;columns:2;font-size:9.5pt}
nav.toc a{color:#2d62e8;text-decoration:none}
section{margin-top:8px}
section.page{break-before:page}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:8px;margin:8px 0}
.kpi{border:1px solid #e1e4ea;border-radius:6px;padding:8px 10px;break-inside:avoid}
.kpi .v{font-size:16pt;font-weight:650}
.kpi .l{font-size:8.5pt;color:#4d5767}
table.data{width:100%;border-collapse:collapse;font-size:8pt;margin:6px 0 10px}
table.data thead{display:table-header-group}
table.data th{background:#f3f4f7;text-align:left;font-weight:600;border-bottom:1px solid #cdd2db;padding:3px 5px;white-space:nowrap}
table.data td{border-bottom:1px solid #eceef2;padding:2px 5px;vertical-align:top;overflow-wrap:break-word}
table.data tr{break-inside:avoid}
table.data td.n,table.data th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.data td.nw{white-space:nowrap}
.sev{display:inline-block;padding:0 4px;border-radius:3px;font-size:7pt;font-weight:600;color:#111;text-transform:uppercase;white-space:nowrap}
.sev-critical{background:#d55e00;color:#fff}.sev-high{background:#e69f00}.sev-medium{background:#f0e442}.sev-low{background:#56b4e9}.sev-info{background:#ddd}
.ioc{display:inline-block;padding:0 4px;border-radius:3px;background:#d55e00;color:#fff;font-size:7pt;font-weight:700}
.note{border:1px solid #e1e4ea;border-left:3px solid #2d62e8;border-radius:4px;padding:6px 10px;margin:8px 0;break-inside:avoid}
.note .meta{font-size:8pt;color:#4d5767;margin-bottom:4px}
.md p{margin:4px 0}.md pre{background:#f3f4f7;padding:6px;white-space:pre-wrap;word-break:break-all}
.md .md-url{color:#4d5767;font-family:"DejaVu Sans Mono",monospace;font-size:8pt;word-break:break-all}
.md table{border-collapse:collapse}.md td,.md th{border:1px solid #e1e4ea;padding:2px 4px}
pre.raw{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fb;border:1px solid #eceef2;border-radius:4px;padding:6px;margin:4px 0;max-width:100%}
figure{margin:8px 0;break-inside:avoid}
figcaption{font-size:8.5pt;color:#4d5767}
svg{max-width:100%;height:auto}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.cols>div{break-inside:avoid}
.empty{color:#7b8494;font-style:italic}
.bar{display:inline-block;height:7px;background:#2d62e8;border-radius:2px;vertical-align:middle}
.ev{margin:6px 0;break-inside:avoid}.ev .meta{font-size:8pt;color:#4d5767}
.end{margin-top:32px;border-top:1px solid #cdd2db;padding-top:8px;font-size:8.5pt;color:#4d5767}
@page{size:A4;margin:16mm 11mm 16mm 11mm}
@media print{body{max-width:none;padding:0}h2{margin-top:0}a{color:inherit}}
`;

export interface DocumentHead {
  facts: ReportFacts;
  title: string;
  subtitle: string;
  tlp: Tlp | null;
  /** Rows of the cover's facts table. */
  about: [string, string][];
  toc: { id: string; title: string }[];
}

/**
 * The start of a report: no script, no remote resource (the CSP says so too), the facts that
 * identify the report on its cover.
 */
export function documentStart(h: DocumentHead): string {
  const tlp = h.tlp ? TLP_STYLE[h.tlp] : null;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(`${h.facts.generator.name} ${h.facts.generator.version}`)}">
<meta name="vigil-report-id" content="${esc(h.facts.report_id)}">
<title>${esc(h.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="cover">
<div class="brand">${esc(h.facts.generator.name)} · ${esc(h.subtitle)}</div>
${tlp ? `<div class="tlp" style="color:${tlp.fg};background:${tlp.bg}">${tlp.label}</div>` : ''}
<h1>${esc(h.title)}</h1>
<table class="facts">${h.about.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>
</header>
<nav class="toc" aria-label="Contents"><strong>Contents</strong><ol>${h.toc.map((t) => `<li><a href="#${esc(t.id)}">${esc(t.title)}</a></li>`).join('')}</ol></nav>
`;
}

/** The start of a print pass after the first (pdf.ts prints a large report in passes). */
export function printChunkStart(title: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${esc(title)}</title><style>${CSS}</style></head><body>\n`;
}

export function printChunkEnd(): string {
  return '</body></html>\n';
}

export function documentEnd(facts: ReportFacts): string {
  return `<footer class="end">End of report ${esc(facts.report_id)}. Written by ${esc(facts.generator.name)} ${esc(facts.generator.version)} (database schema ${facts.schema_version}) at ${utc(facts.created_at)} for ${esc(facts.created_by)}. Every file of this report is listed with its SHA-256 in manifest.json; check them with <code>vigil report verify DIR</code>.</footer>
</body>
</html>
`;
}

export function sectionStart(id: string, title: string, newPage = true): string {
  return `<section id="${esc(id)}"${newPage ? ' class="page"' : ''}><h2>${esc(title)}</h2>\n`;
}

export const SECTION_END = '</section>\n';

export interface Column {
  label: string;
  /** 'n' numbers (right-aligned), 'mono' code, 'nw' no wrap. */
  cls?: 'n' | 'mono' | 'nw';
}

export function tableStart(cols: readonly Column[]): string {
  return `<table class="data"><thead><tr>${cols.map((c) => `<th${c.cls === 'n' ? ' class="n"' : ''}>${esc(c.label)}</th>`).join('')}</tr></thead><tbody>\n`;
}

/** One row; cells are HTML already escaped by the caller (use esc). */
export function tableRow(cols: readonly Column[], cells: readonly string[]): string {
  return `<tr>${cells.map((c, i) => `<td${cols[i]?.cls ? ` class="${cols[i]!.cls}"` : ''}>${c}</td>`).join('')}</tr>\n`;
}

export const TABLE_END = '</tbody></table>\n';

export function sevBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s}</span>`;
}

export function kpis(items: readonly { label: string; value: string }[]): string {
  return `<div class="kpis">${items.map((k) => `<div class="kpi"><div class="v">${esc(k.value)}</div><div class="l">${esc(k.label)}</div></div>`).join('')}</div>\n`;
}

export function empty(text: string): string {
  return `<p class="empty">${esc(text)}</p>\n`;
}

/** Header and footer of every PDF page (Chromium's print templates): report id, TLP, page x of y. */
export function printTemplates(facts: ReportFacts, title: string, tlp: Tlp | null, pageNumbers = true): { header: string; footer: string } {
  const mark = tlp ? TLP_STYLE[tlp] : null;
  const box = 'font-family:DejaVu Sans,Arial,sans-serif;font-size:7pt;width:100%;padding:0 11mm;display:flex;justify-content:space-between;color:#4d5767';
  const tlpHtml = mark ? `<span style="color:${mark.fg};background:${mark.bg};padding:0 4px;font-weight:bold">${mark.label}</span>` : '<span></span>';
  return {
    header: `<div style="${box}"><span>${esc(title.length > 90 ? `${title.slice(0, 89)}…` : title)}</span>${tlpHtml}</div>`,
    // printed in passes, the page numbers are stamped on the merged PDF instead (pdf.ts)
    footer: `<div style="${box}"><span>Vigil report ${esc(facts.report_id)} · ${utc(facts.created_at)}</span>${tlpHtml}<span>${pageNumbers ? 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>' : ''}</span></div>`,
  };
}
