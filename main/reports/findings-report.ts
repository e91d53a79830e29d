import { FINDING_STATUSES, SEVERITIES, type Finding, type FindingFilter, type FindingStatus, type Severity, type Tlp } from '../contract/index.js';
import { FINDING_EXPORT_COLUMNS } from '../scans/findings.js';
import type { FindingsRepo } from '../store/findings-repo.js';
import type { ReportPlan } from './builder.js';
import { SECTION_END, empty, esc, kpis, num, sectionStart, sevBadge, tableRow, tableStart, utc, type Column } from './html.js';
import { severityBar } from './svg.js';

/** Most severe first. */
const SEVS: readonly Severity[] = [...SEVERITIES].reverse();

const STATUS_LABEL: Record<FindingStatus, string> = { open: 'open', accepted_risk: 'accepted risk', false_positive: 'false positive', fixed: 'fixed' };

/** The filter in words (for the cover). */
export function describeFindingFilter(f: FindingFilter): string {
  const parts: string[] = [];
  if (f.status?.length) parts.push(`status ${f.status.join(', ')}`);
  if (f.severity?.length) parts.push(`severity ${f.severity.join(', ')}`);
  if (f.source?.length) parts.push(`tool ${f.source.join(', ')}`);
  if (f.host) parts.push(`host ${f.host}`);
  if (f.scan_id) parts.push(`scan #${f.scan_id}`);
  if (f.text) parts.push(`text "${f.text}"`);
  return parts.length ? parts.join('; ') : 'none (every finding)';
}

/** Where a finding is: host:port, or its URL. */
function place(f: Finding): string {
  if (f.url) return f.url;
  if (f.host) return f.port !== null ? `${f.host}:${f.port}` : f.host;
  return f.target;
}

function csvValue(f: Finding, c: (typeof FINDING_EXPORT_COLUMNS)[number]): unknown {
  return c === 'cves' ? f.cves.join(' ') : f[c];
}

const HOST_COLS: Column[] = [
  { label: 'Host', cls: 'mono' },
  { label: 'Open critical', cls: 'n' },
  { label: 'Open high', cls: 'n' },
  { label: 'Open medium', cls: 'n' },
  { label: 'Open low', cls: 'n' },
  { label: 'Findings', cls: 'n' },
  { label: 'Top CVEs', cls: 'mono' },
];

const FINDING_COLS: Column[] = [
  { label: 'ID', cls: 'n' },
  { label: 'Severity', cls: 'nw' },
  { label: 'CVSS', cls: 'n' },
  { label: 'Finding' },
  { label: 'Where', cls: 'mono' },
  { label: 'CVE / CWE', cls: 'mono' },
  { label: 'Tool', cls: 'nw' },
  { label: 'Status', cls: 'nw' },
  { label: 'First / last seen (UTC)', cls: 'nw' },
];

/**
 * Scan findings by host and severity, read from the findings table: KPIs (open by severity,
 * accepted risk, false positive, fixed), a severity chart, a per-host table and every finding;
 * findings.csv and hosts.csv carry the tables. Sections without data are left out with one line
 * saying so. Hosts and findings are read a page at a time, so memory stays flat.
 */
export function findingsReport(repo: FindingsRepo, filter: FindingFilter, tlp: Tlp | null): ReportPlan {
  const zero = () => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byStatus = Object.fromEntries(FINDING_STATUSES.map((s) => [s, zero()])) as Record<FindingStatus, Record<Severity, number>>;
  let total = 0;
  for (const r of repo.countsByStatus(filter)) {
    byStatus[r.status][r.severity] = r.n;
    total += r.n;
  }
  const sum = (s: FindingStatus) => SEVERITIES.reduce((a, sev) => a + byStatus[s][sev], 0);
  const firstHosts = repo.hostPages(filter, 1).next();
  const hasHosts = !firstHosts.done && firstHosts.value.length > 0;
  const toc = [{ id: 'summary', title: 'Summary' }, ...(hasHosts ? [{ id: 'hosts', title: 'By host' }] : []), ...(total > 0 ? [{ id: 'findings', title: `Findings (${num(total)})` }] : [])];
  return {
    title: 'Scan findings',
    subtitle: 'Findings report',
    tlp,
    about: [
      ['Filters', esc(describeFindingFilter(filter))],
      ['Findings', num(total)],
    ],
    toc,
    total: total * 2 + 10,
    async write(w) {
      // ---------- summary ----------
      await w.write(sectionStart('summary', 'Summary', false));
      if (total === 0) {
        await w.write(empty('No scan finding matches these filters: the host and finding sections are left out.'));
      } else {
        await w.write(
          kpis([
            ...SEVS.filter((s) => s !== 'info').map((s) => ({ label: `open ${s}`, value: num(byStatus.open[s]) })),
            { label: 'accepted risk', value: num(sum('accepted_risk')) },
            { label: 'false positive', value: num(sum('false_positive')) },
            { label: 'fixed', value: num(sum('fixed')) },
          ]),
        );
        await w.write(`<h3>Open findings by severity</h3>${severityBar(byStatus.open).replace('aria-label="Alerts by severity"', 'aria-label="Open findings by severity"')}`);
        const cols: Column[] = [{ label: 'Status' }, ...SEVS.map((s) => ({ label: s, cls: 'n' as const })), { label: 'All', cls: 'n' as const }];
        await w.tableStart(tableStart(cols));
        for (const st of FINDING_STATUSES) await w.rows(tableRow(cols, [esc(STATUS_LABEL[st]), ...SEVS.map((s) => num(byStatus[st][s])), num(sum(st))]));
        await w.tableEnd();
        if (!hasHosts) await w.write(empty('No matching finding names a host: the per-host section is left out.'));
      }
      const scsv = await w.csv('summary.csv', ['status', ...SEVS, 'all']);
      if (scsv) for (const st of FINDING_STATUSES) await scsv.row([st, ...SEVS.map((s) => byStatus[st][s]), sum(st)]);
      await w.write(SECTION_END);

      // ---------- hosts ----------
      if (hasHosts) {
        await w.write(sectionStart('hosts', 'By host'));
        const hcsv = await w.csv('hosts.csv', ['host', 'open_critical', 'open_high', 'open_medium', 'open_low', 'findings', 'top_cves']);
        await w.tableStart(tableStart(HOST_COLS));
        let hosts = 0;
        for (const page of repo.hostPages(filter)) {
          for (const h of page) {
            await w.rows(tableRow(HOST_COLS, [esc(h.host), num(h.critical), num(h.high), num(h.medium), num(h.low), num(h.total), esc(h.top_cves.join(' ') || '—')]));
            await hcsv?.row([h.host, h.critical, h.high, h.medium, h.low, h.total, h.top_cves.join(' ')]);
          }
          hosts += page.length;
        }
        await w.tableEnd();
        w.count('hosts', hosts);
        await w.write(SECTION_END);
      }

      // ---------- findings ----------
      const csv = await w.csv('findings.csv', FINDING_EXPORT_COLUMNS);
      if (total > 0) {
        await w.write(sectionStart('findings', 'Findings'));
        await w.tableStart(tableStart(FINDING_COLS));
      }
      let written = 0;
      for (const page of repo.pages(filter)) {
        for (const f of page) {
          const what = `<strong>${esc(f.title)}</strong>${f.solution ? `<br><span class="muted">Solution: ${esc(f.solution)}</span>` : ''}`;
          const ids = [...f.cves, ...(f.cwe_id !== null ? [`CWE-${f.cwe_id}`] : [])].join(' ');
          await w.rows(
            tableRow(FINDING_COLS, [
              String(f.id),
              sevBadge(f.severity),
              f.cvss !== null ? f.cvss.toFixed(1) : '—',
              what,
              esc(place(f)),
              esc(ids || '—'),
              esc(f.source),
              esc(STATUS_LABEL[f.status]),
              `${utc(f.first_seen).replace(' UTC', '')}<br>${utc(f.last_seen).replace(' UTC', '')}`,
            ]),
          );
          await csv?.row(FINDING_EXPORT_COLUMNS.map((c) => csvValue(f, c)));
        }
        written += page.length;
        await w.tick(page.length * 2);
      }
      if (total > 0) {
        await w.tableEnd();
        await w.write(SECTION_END);
      }
      w.count('findings', written);
    },
  };
}
