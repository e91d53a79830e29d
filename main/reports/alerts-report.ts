import { ALERT_STATUSES, PRIORITIES, SEVERITIES, type AlertFilter, type Tlp } from '../contract/index.js';
import type { AttackTable } from '../pipeline/detect/attack.js';
import type { ReportsRepo, TopRow } from '../store/reports-repo.js';
import type { ReportPlan, ReportWriter } from './builder.js';
import { ALERT_CSV_COLUMNS, alertCsvValues } from './csv.js';
import { SECTION_END, duration, empty, esc, kpis, num, sectionStart, sevBadge, tableRow, tableStart, utc, type Column } from './html.js';
import { miniBar, severityBar, trendChart } from './svg.js';

const TOP_N = 10;
const TOP_ALERTS = 100;

export interface AlertsReportDeps {
  reports: ReportsRepo;
  attack: AttackTable | null;
}

/** The filters besides the range, in words (for the cover). */
export function describeFilter(f: AlertFilter): string {
  const parts: string[] = [];
  if (f.severity?.length) parts.push(`severity ${f.severity.join(', ')}`);
  if (f.min_severity) parts.push(`severity ≥ ${f.min_severity}`);
  if (f.status?.length) parts.push(`status ${f.status.join(', ')}`);
  if (f.priority?.length) parts.push(`priority ${f.priority.join(', ')}`);
  if (f.source?.length) parts.push(`source ${f.source.join(', ')}`);
  if (f.src_ip) parts.push(`source address ${f.src_ip}`);
  if (f.dst_ip) parts.push(`destination address ${f.dst_ip}`);
  if (f.technique) parts.push(`technique ${f.technique}`);
  if (f.assignee) parts.push(`assignee ${f.assignee}`);
  if (f.country) parts.push(`country ${f.country}`);
  if (f.text) parts.push(`text "${f.text}"`);
  return parts.length ? parts.join('; ') : 'none (every alert in the range)';
}

/** A range in few words: 2026-11-21 00:00 – 12:00 UTC, or two dates when it spans days. */
export function rangeText(from: string, to: string): string {
  const f = new Date(from).toISOString();
  const t = new Date(to).toISOString();
  const day = (s: string) => s.slice(0, 10);
  const hm = (s: string) => s.slice(11, 16);
  return day(f) === day(t) ? `${day(f)} ${hm(f)} – ${hm(t)} UTC` : `${day(f)} ${hm(f)} – ${day(t)} ${hm(t)} UTC`;
}

const TOP_COLS: Column[] = [{ label: 'Value', cls: 'mono' }, { label: 'Alerts', cls: 'n' }, { label: 'Events', cls: 'n' }, { label: '' }];

async function topTable(w: ReportWriter, title: string, rows: TopRow[], withLabel = false): Promise<void> {
  await w.write(`<div><h3>${esc(title)}</h3>`);
  if (rows.length === 0) {
    await w.write(`${empty('No data.')}</div>`);
    return;
  }
  const max = Math.max(...rows.map((r) => r.events));
  await w.tableStart(tableStart(TOP_COLS));
  for (const r of rows) {
    await w.rows(tableRow(TOP_COLS, [`${esc(r.key)}${withLabel && r.label !== r.key ? `<br><span class="muted">${esc(r.label)}</span>` : ''}`, num(r.alerts), num(r.events), miniBar(r.events, max)]));
  }
  await w.tableEnd();
  await w.write('</div>');
}

/**
 * The alerts summary of a time range: KPIs, trend, top sources / destinations / rules / countries,
 * ATT&CK coverage, MTTA/MTTR, cases. Its PDF has figures and top-N tables, never 100,000 rows;
 * alerts.csv carries every alert of the range.
 */
export function alertsReport(d: AlertsReportDeps, filter: AlertFilter, tlp: Tlp | null): ReportPlan {
  const from = filter.from!;
  const to = filter.to!;
  const fig = d.reports.summary(filter);
  const title = `Alerts summary ${rangeText(from, to)}`;
  return {
    title,
    subtitle: 'Alerts summary',
    tlp,
    about: [
      ['Range (last seen)', `${utc(from)} → ${utc(to)}`],
      ['Other filters', esc(describeFilter(filter))],
      ['Alerts', num(fig.alerts)],
    ],
    toc: [
      { id: 'summary', title: 'Summary' },
      { id: 'trend', title: 'Trend' },
      { id: 'top', title: 'Top sources, destinations, rules, countries' },
      { id: 'attack', title: 'ATT&CK coverage' },
      { id: 'alerts', title: 'Highest-risk alerts' },
    ],
    total: fig.alerts + 100,
    async write(w) {
      // ---------- summary ----------
      await w.write(sectionStart('summary', 'Summary', false));
      const closedFp = fig.by_status.FALSE_POSITIVE;
      const open = fig.by_status.NEW + fig.by_status.ACKNOWLEDGED + fig.by_status.INVESTIGATING;
      await w.write(
        kpis([
          { label: 'alerts', value: num(fig.alerts) },
          { label: 'events grouped into them', value: num(fig.events) },
          { label: 'still open', value: num(open) },
          { label: 'escalated to cases', value: num(fig.in_cases) },
          { label: 'mean time to acknowledge (MTTA)', value: duration(fig.mtta_s) },
          { label: 'mean time to resolve (MTTR)', value: duration(fig.mttr_s) },
          { label: 'false positives', value: fig.alerts ? `${num(closedFp)} (${Math.round((closedFp / fig.alerts) * 100)}%)` : '0' },
          { label: 'distinct source addresses', value: num(fig.sources) },
        ]),
      );
      const scsv = await w.csv('summary.csv', ['metric', 'value']);
      if (scsv) {
        for (const [k, v] of Object.entries({ alerts: fig.alerts, events: fig.events, open, in_cases: fig.in_cases, acknowledged: fig.acknowledged, resolved: fig.resolved, mtta_s: fig.mtta_s, mttr_s: fig.mttr_s, distinct_sources: fig.sources, first_seen: fig.first_seen, last_seen: fig.last_seen })) await scsv.row([k, v]);
        for (const s of SEVERITIES) await scsv.row([`severity.${s}`, fig.by_severity[s]]);
        for (const s of ALERT_STATUSES) await scsv.row([`status.${s}`, fig.by_status[s]]);
        for (const p of PRIORITIES) await scsv.row([`priority.${p}`, fig.by_priority[p]]);
      }
      if (fig.alerts === 0) {
        await w.write(empty('No alert matches this range and these filters: the sections below are left empty.'));
      }
      await w.write(`<h3>By severity</h3>${severityBar(fig.by_severity)}`);
      const two: Column[] = [{ label: '' }, { label: 'Alerts', cls: 'n' }];
      await w.write('<div class="cols"><div><h3>By status</h3>');
      await w.tableStart(tableStart(two));
      for (const s of ALERT_STATUSES) await w.rows(tableRow(two, [esc(s), num(fig.by_status[s])]));
      await w.tableEnd();
      await w.write('</div><div><h3>By priority</h3>');
      await w.tableStart(tableStart(two));
      for (const p of PRIORITIES) await w.rows(tableRow(two, [p, num(fig.by_priority[p])]));
      await w.tableEnd();
      await w.write('</div></div>');
      const cases = d.reports.casesOpened(from, to);
      await w.write(`<p>Cases opened in the range: ${cases.length ? cases.map((c) => `${num(c.n)} ${esc(c.status.replace('_', ' '))}`).join(', ') : 'none'}.</p>`);
      await w.write(SECTION_END);

      // ---------- trend ----------
      await w.write(sectionStart('trend', 'Trend', false));
      const trend = d.reports.trend(filter, from, to, 48);
      await w.write(`<figure>${trendChart(trend.points, trend.bucket_s)}<figcaption>New alerts (by first seen) per ${duration(trend.bucket_s)}, stacked by severity.</figcaption></figure>`);
      const tcsv = await w.csv('trend.csv', ['bucket_start', 'bucket_seconds', ...SEVERITIES]);
      if (tcsv) for (const p of trend.points) await tcsv.row([p.t, trend.bucket_s, ...SEVERITIES.map((s) => p[s])]);
      await w.write(SECTION_END);

      // ---------- top ----------
      await w.write(sectionStart('top', 'Top sources, destinations, rules, countries', false));
      const tops = {
        src_ip: d.reports.top(filter, 'src_ip', TOP_N),
        dst_ip: d.reports.top(filter, 'dst_ip', TOP_N),
        rule: d.reports.top(filter, 'rule', TOP_N),
        country: d.reports.top(filter, 'country', TOP_N),
        source: d.reports.top(filter, 'source', TOP_N),
      };
      await w.write('<div class="cols">');
      await topTable(w, 'Source addresses', tops.src_ip);
      await topTable(w, 'Destination addresses', tops.dst_ip);
      await w.write('</div><div class="cols">');
      await topTable(w, 'Source countries', tops.country);
      await topTable(w, 'Event sources', tops.source);
      await w.write('</div>');
      await topTable(w, 'Rules', tops.rule, true);
      const topcsv = await w.csv('top.csv', ['field', 'rank', 'key', 'label', 'alerts', 'events']);
      if (topcsv) for (const [field, rows] of Object.entries(tops)) for (const [i, r] of rows.entries()) await topcsv.row([field, i + 1, r.key, r.label, r.alerts, r.events]);
      await w.write(SECTION_END);

      // ---------- ATT&CK ----------
      await w.write(sectionStart('attack', 'ATT&CK coverage'));
      const techniques = d.reports.techniques(filter);
      const acsv = await w.csv('attack.csv', ['tactic', 'technique', 'name', 'alerts', 'events']);
      if (techniques.length === 0) await w.write(empty('No alert in the range carries an ATT&CK technique.'));
      else {
        await w.write(`<p>${num(techniques.length)} technique(s) seen, grouped by tactic (a technique under several tactics is listed under each).</p>`);
        const byTactic = new Map<string, { tactic: string; rows: { id: string; name: string; alerts: number; events: number }[] }>();
        for (const t of techniques) {
          const info = d.attack?.technique(t.id);
          const tactics = info?.tactics.length ? info.tactics : [{ id: 'unknown', name: 'Unknown tactic' }];
          for (const tac of tactics) {
            const entry = byTactic.get(tac.id) ?? { tactic: tac.name, rows: [] };
            entry.rows.push({ id: t.id, name: info?.name ?? t.id, alerts: t.alerts, events: t.events });
            byTactic.set(tac.id, entry);
            await acsv?.row([tac.name, t.id, info?.name ?? '', t.alerts, t.events]);
          }
        }
        const order = d.attack ? d.attack.tactics().map((t) => t.id) : [];
        const keys = [...byTactic.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
        const cols: Column[] = [{ label: 'Tactic' }, { label: 'Technique', cls: 'mono' }, { label: 'Name' }, { label: 'Alerts', cls: 'n' }, { label: 'Events', cls: 'n' }];
        await w.tableStart(tableStart(cols));
        for (const k of keys) {
          const e = byTactic.get(k)!;
          for (const [i, r] of e.rows.entries()) await w.rows(tableRow(cols, [i === 0 ? `<strong>${esc(e.tactic)}</strong>` : '', esc(r.id), esc(r.name), num(r.alerts), num(r.events)]));
        }
        await w.tableEnd();
      }
      await w.write(SECTION_END);

      // ---------- alerts ----------
      await w.write(sectionStart('alerts', 'Highest-risk alerts'));
      const top = d.reports.topAlerts(filter, TOP_ALERTS);
      await w.write(`<p>The ${num(top.length)} alert(s) with the highest risk score. ${w.wantsCsv ? `Every one of the ${num(fig.alerts)} alerts is in alerts.csv.` : `Add CSV to the formats for all ${num(fig.alerts)} alerts.`}</p>`);
      if (top.length > 0) {
        const cols: Column[] = [{ label: 'ID', cls: 'n' }, { label: 'Last seen (UTC)', cls: 'nw' }, { label: 'Severity' }, { label: 'Status' }, { label: 'Risk', cls: 'n' }, { label: 'Count', cls: 'n' }, { label: 'Source → destination', cls: 'mono' }, { label: 'Title' }];
        await w.tableStart(tableStart(cols));
        for (const a of top) {
          await w.rows(tableRow(cols, [String(a.id), utc(a.last_seen).replace(' UTC', ''), sevBadge(a.severity), esc(a.status), String(a.risk_score), num(a.count), esc(`${a.src_ip ?? '—'} → ${a.dst_ip ?? '—'}`), esc(a.title)]));
        }
        await w.tableEnd();
      }
      await w.write(SECTION_END);

      // every alert of the range, streamed page by page
      const csv = await w.csv('alerts.csv', ALERT_CSV_COLUMNS);
      if (csv) {
        for (const page of d.reports.iterateAlerts(filter)) {
          for (const a of page) await csv.row(alertCsvValues(a));
          await w.tick(page.length);
        }
      }
      w.count('alerts', fig.alerts);
      w.count('techniques', techniques.length);
    },
  };
}
