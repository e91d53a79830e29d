import { nvtByOid } from './catalogue.js';
import { renderFilters, renderSort, type Filter } from './filter.js';
import { levelOf, threatOf, type SimConfig, type SimPortList, type SimReport, type SimResult, type SimState, type SimTask } from './state.js';
import { esc, sev1, sevShort } from './xml.js';

/**
 * gvmd's reply shapes, element for element as in the recorded exchanges (GMP 22.7), including
 * its quirks: `id='...'` on scanners inside tasks, counts that mix text and elements, the nested
 * `<report><report>`, deprecated level names next to the current ones.
 */

const OWNER = (name: string) => `<owner><name>${esc(name)}</name></owner>`;
const PERMS_ALL = '<permissions><permission><name>Everything</name></permission></permissions>';

export function countXml(name: string, total: number, filtered: number, page: number): string {
  return `<${name}>${total}<filtered>${filtered}</filtered><page>${page}</page></${name}>`;
}

const TASK_PREFS = [
  ['Maximum concurrently executed NVTs per host', 'max_checks', '4'],
  ['Maximum concurrently scanned hosts', 'max_hosts', '20'],
  ['Add results to Asset Management', 'in_assets', 'yes'],
  ['Apply Overrides when adding Assets', 'assets_apply_overrides', 'yes'],
  ['Min QOD when adding Assets', 'assets_min_qod', '70'],
  ['Auto Delete Reports', 'auto_delete', '0'],
  ['Auto Delete Reports Data', 'auto_delete_data', '0'],
] as const;

/** Per-level counts as in a task's last report (current and deprecated names, false_positive). */
function levelCountsXml(results: Iterable<SimResult>, minQod: number): string {
  const n: Record<string, number> = { c: 0, h: 0, m: 0, l: 0, g: 0, f: 0 };
  for (const r of results) if (r.qod >= minQod) n[levelOf(r.severity)] = (n[levelOf(r.severity)] ?? 0) + 1;
  return (
    `<result_count><critical>${n.c}</critical><hole deprecated='1'>${n.h}</hole><high>${n.h}</high><info deprecated='1'>${n.l}</info>` +
    `<low>${n.l}</low><log>${n.g}</log><warning deprecated='1'>${n.m}</warning><medium>${n.m}</medium><false_positive>${n.f}</false_positive></result_count>`
  );
}

function maxSeverity(results: Iterable<SimResult>, minQod: number): number | null {
  let max: number | null = null;
  for (const r of results) if (r.qod >= minQod && (max === null || r.severity > max)) max = r.severity;
  return max;
}

export function taskXml(state: SimState, t: SimTask, owner: string): string {
  const config = state.configs.get(t.configId);
  const target = state.targets.get(t.targetId);
  const scanner = state.scannerName(t.scannerId);
  const current = t.currentReportId ? state.reports.get(t.currentReportId) : undefined;
  const last = t.lastReportId ? state.reports.get(t.lastReportId) : undefined;
  const finished = t.reportIds.filter((id) => state.reports.get(id)?.runStatus === 'Done').length;
  const reportRef = (r: SimReport, withCounts: boolean) => {
    const head = `<report id="${r.id}"><timestamp>${r.created}</timestamp><scan_start>${r.scanStart}</scan_start><scan_end>${r.scanEnd}</scan_end>`;
    if (!withCounts) return `${head}</report>`;
    const sev = maxSeverity(state.results(r), 70);
    return `${head}${levelCountsXml(state.results(r), 70)}<severity>${sev === null ? '' : sev1(sev)}</severity></report>`;
  };
  const duration = last && last.scanStart && last.scanEnd ? Math.max(0, (Date.parse(last.scanEnd) - Date.parse(last.scanStart)) / 1000) : 0;
  let resultCount = 0;
  if (last) for (const r of state.results(last)) if (r.qod >= 70) resultCount++;
  return (
    `<task id="${t.id}">${OWNER(owner)}<name>${esc(t.name)}</name><comment>${esc(t.comment)}</comment>` +
    `<creation_time>${t.created}</creation_time><modification_time>${t.modified}</modification_time><writable>1</writable>` +
    `<in_use>${t.container && t.status === 'Running' ? 1 : 0}</in_use>${PERMS_ALL}<alterable>0</alterable><usage_type>scan</usage_type>` +
    `<config id="${t.container ? '' : t.configId}"><name>${esc(config?.name ?? '')}</name><trash>0</trash></config>` +
    `<target id="${t.container ? '' : t.targetId}"><name>${esc(target?.name ?? '')}</name><trash>0</trash></target>` +
    `<scanner id='${t.container ? '' : t.scannerId}'><name>${esc(scanner?.name ?? '')}</name><type>${scanner?.type ?? 0}</type><trash>0</trash></scanner>` +
    `<status>${t.status}</status><progress>${t.progress}</progress>` +
    `<report_count>${t.reportIds.length}<finished>${finished}</finished></report_count><trend></trend>` +
    `<schedule id=""><name></name><trash>0</trash></schedule><schedule_periods>0</schedule_periods>` +
    (current ? `<current_report>${reportRef(current, false)}</current_report>` : '') +
    (last ? `<last_report>${reportRef(last, true)}</last_report>` : '') +
    `<observers></observers><average_duration>${duration}</average_duration><result_count>${resultCount}</result_count>` +
    `<preferences>${TASK_PREFS.map(([n, s, v]) => {
      const own = t.preferences.find((p) => p.scannerName === s);
      return `<preference><name>${n}</name><scanner_name>${s}</scanner_name><value>${esc(own?.value ?? v)}</value></preference>`;
    }).join('')}</preferences></task>`
  );
}

/**
 * One result; `inList` adds the report and task references get_results carries. Without a feed
 * gvmd knows no NVT: the name is the OID and the NVT's details are empty (as recorded).
 */
export function resultXml(r: SimResult, owner: string, feed: boolean, inList?: { reportId: string; taskId: string; taskName: string }): string {
  const nvt = feed ? nvtByOid(r.oid) : undefined;
  const nvtXml = nvt
    ? `<nvt oid="${r.oid}"><type>nvt</type><name>${esc(nvt.name)}</name><family>${esc(nvt.family)}</family><cvss_base>${sev1(nvt.severity)}</cvss_base>` +
      `<severities score="${sev1(nvt.severity)}"><severity type="${nvt.vector.startsWith('CVSS:3') ? 'cvss_base_v3' : 'cvss_base_v2'}"><origin></origin><date>2021-09-15T00:00:00Z</date>` +
      `<score>${sev1(nvt.severity)}</score><value>${esc(nvt.vector)}</value></severity></severities>` +
      `<tags>${esc(`cvss_base_vector=${nvt.vector}|summary=${nvt.summary}|insight=|affected=|impact=|solution=${nvt.solution}|vuldetect=Checks the target.|solution_type=${nvt.solutionType}`)}</tags>` +
      (nvt.solutionType ? `<solution type="${nvt.solutionType}">${esc(nvt.solution)}</solution>` : '') +
      `<refs>${nvt.cves.map((c) => `<ref type="cve" id="${c}"/>`).join('')}<ref type="url" id="https://example.org/advisories/${r.oid}"/></refs></nvt>` +
      `<scan_nvt_version>2024-01-01T00:00:00Z</scan_nvt_version>`
    : `<nvt oid="${r.oid}"><type>nvt</type><name>${r.oid}</name><family></family><cvss_base></cvss_base><severities score=""></severities><tags></tags></nvt><scan_nvt_version></scan_nvt_version>`;
  return (
    `<result id="${r.id}">${nvt ? `<name>${esc(nvt.name)}</name>` : ''}${OWNER(owner)}<modification_time>${r.created}</modification_time><comment></comment>` +
    `<creation_time>${r.created}</creation_time>` +
    (inList ? `<report id="${inList.reportId}"/><task id="${inList.taskId}"><name>${esc(inList.taskName)}</name></task>` : '') +
    `<host>${esc(r.host)}<asset asset_id="${r.assetId}"/><hostname>${esc(r.hostname)}</hostname></host><port>${esc(r.port)}</port>${nvtXml}` +
    `<threat>${threatOf(r.severity)}</threat><severity>${sev1(r.severity)}</severity><qod><value>${r.qod}</value><type>${esc(r.qodType)}</type></qod>` +
    `<description>${esc(r.description)}</description><original_threat>${threatOf(r.severity)}</original_threat>` +
    `<original_severity>${sevShort(r.severity)}</original_severity><compliance>undefined</compliance></result>`
  );
}

const HOST_LEVELS: [string, string, boolean][] = [
  ['critical', 'c', false],
  ['hole', 'h', true],
  ['high', 'h', false],
  ['warning', 'm', true],
  ['medium', 'm', false],
  ['info', 'l', true],
  ['low', 'l', false],
  ['log', 'g', false],
  ['false_positive', 'f', false],
];

/** Does the result pass the filter's min_qod and levels (and severity>N of get_results)? */
export function passes(r: SimResult, f: Filter): boolean {
  if (r.qod < f.num('min_qod', 70)) return false;
  const levels = f.get('levels');
  if (levels && !levels.includes(levelOf(r.severity))) return false;
  const sevGt = f.keywords.find((k) => k.column === 'severity' && k.relation === '>');
  if (sevGt && !(r.severity > Number(sevGt.value))) return false;
  return true;
}

/** The parts of a get_reports reply around its results, which the server streams in between. */
export function reportParts(state: SimState, report: SimReport, f: Filter, ignorePagination: boolean, owner: string): { head: string; tail: string; first: number; rows: number } {
  const task = state.tasks.get(report.taskId);
  const target = task ? state.targets.get(task.targetId) : undefined;
  const first = Math.max(1, f.num('first', 1));
  const rows = ignorePagination ? -1 : f.num('rows', 10);
  const maxAttr = ignorePagination ? -1 : rows;
  const full: Record<string, number> = { c: 0, h: 0, m: 0, l: 0, g: 0, f: 0 };
  const filtered: Record<string, number> = { c: 0, h: 0, m: 0, l: 0, g: 0, f: 0 };
  const hosts = new Map<string, { ip: string; assetId: string; ports: Set<string>; n: number; levels: Record<string, number> }>();
  const oids = new Set<string>();
  const ports = new Map<string, { host: string; port: string; severity: number }>();
  let total = 0;
  let nFiltered = 0;
  let sevFull: number | null = null;
  let sevFiltered: number | null = null;
  const minQod = f.num('min_qod', 70);
  for (const r of state.results(report)) {
    total++;
    oids.add(r.oid);
    const lv = levelOf(r.severity);
    if (r.qod >= minQod) {
      full[lv] = (full[lv] ?? 0) + 1;
      if (sevFull === null || r.severity > sevFull) sevFull = r.severity;
    }
    if (!passes(r, f)) continue;
    nFiltered++;
    filtered[lv] = (filtered[lv] ?? 0) + 1;
    if (sevFiltered === null || r.severity > sevFiltered) sevFiltered = r.severity;
    const h = hosts.get(r.host) ?? { ip: r.host, assetId: r.assetId, ports: new Set<string>(), n: 0, levels: { c: 0, h: 0, m: 0, l: 0, g: 0, f: 0 } };
    h.ports.add(r.port);
    h.n++;
    h.levels[lv] = (h.levels[lv] ?? 0) + 1;
    hosts.set(r.host, h);
    const pk = `${r.host} ${r.port}`;
    const p = ports.get(pk);
    if (ports.size < 1000 && (!p || p.severity < r.severity)) ports.set(pk, { host: r.host, port: r.port, severity: r.severity });
  }
  const lvl = (name: string, k: string, dep = false) => `<${name}${dep ? " deprecated='1'" : ''}><full>${full[k]}</full><filtered>${filtered[k]}</filtered></${name}>`;
  const numericPorts = new Set([...ports.values()].map((p) => p.port).filter((p) => /^\d/.test(p)));
  const errors = report.errors
    .map(
      (d) =>
        `<error><host><asset asset_id=""/></host><port></port><description>${esc(d)}</description><nvt oid=""><type>nvt</type><name></name><cvss_base></cvss_base></nvt><scan_nvt_version></scan_nvt_version><severity>-3</severity></error>`,
    )
    .join('');
  const importedHosts = new Map(report.hosts.map((h) => [h.ip, h]));
  const hostXml = [...hosts.values()]
    .map((h) => {
      const info = importedHosts.get(h.ip);
      return (
        `<host><ip>${esc(h.ip)}</ip><asset asset_id="${h.assetId}"/><start>${info?.start ?? report.scanStart}</start><end>${info?.end ?? report.scanEnd}</end>` +
        `<port_count><page>${h.ports.size}</page></port_count><result_count><page>${h.n}</page>${HOST_LEVELS.map(([name, k, dep]) => `<${name}${dep ? " deprecated='1'" : ''}><page>${h.levels[k]}</page></${name}>`).join('')}</result_count></host>`
      );
    })
    .join('');
  const head =
    `<get_reports_response status="200" status_text="OK"><report id="${report.id}" format_id="" config_id="" extension="" content_type="application/xml">` +
    `${OWNER(owner)}<name>${report.created}</name><comment></comment><creation_time>${report.created}</creation_time><modification_time>${report.created}</modification_time>` +
    `<writable>0</writable><in_use>0</in_use><task id="${report.taskId}"><name>${esc(task?.name ?? '')}</name></task>` +
    `<report id="${report.id}"><gmp><version>22.7</version></gmp>${renderSort(f)}${renderFilters(f, true)}<scan_run_status>${report.runStatus}</scan_run_status>` +
    `<hosts><count>${hosts.size}</count></hosts><closed_cves><count>0</count></closed_cves><cves><count>0</count></cves>` +
    `<vulns><count>${oids.size}</count></vulns><os><count>0</count></os><apps><count>0</count></apps><ssl_certs><count>0</count></ssl_certs>` +
    `<task id="${report.taskId}"><name>${esc(task?.name ?? '')}</name><comment>${esc(task?.comment ?? '')}</comment><target id="${target?.id ?? ''}"><trash>0</trash><name>${esc(target?.name ?? '')}</name><comment></comment></target><progress>${Math.max(0, task?.progress ?? 0)}</progress></task>` +
    `<timestamp>${report.created}</timestamp><scan_start>${report.scanStart}</scan_start><timezone>Coordinated Universal Time</timezone><timezone_abbrev>UTC</timezone_abbrev>` +
    `<ports start="1" max="${ignorePagination ? 1000 : rows}"><count>${numericPorts.size}</count>${[...ports.values()]
      .map((p) => `<port><host>${esc(p.host)}</host>${esc(p.port)}<severity>${sev1(p.severity)}</severity><threat>${threatOf(p.severity)}</threat></port>`)
      .join('')}</ports>` +
    `<results start="${first}" max="${maxAttr}">`;
  const tail =
    `</results><result_count>${total}<full>${total}</full><filtered>${nFiltered}</filtered>${lvl('critical', 'c')}${lvl('hole', 'h', true)}${lvl('high', 'h')}${lvl('info', 'l', true)}` +
    `${lvl('low', 'l')}${lvl('log', 'g')}${lvl('warning', 'm', true)}${lvl('medium', 'm')}${lvl('false_positive', 'f')}</result_count>` +
    `<severity><full>${sev1(sevFull ?? -3)}</full><filtered>${sev1(sevFiltered ?? -3)}</filtered></severity>${hostXml}<tls_certificates></tls_certificates>` +
    `<scan_end>${report.scanEnd}</scan_end><errors><count>${report.errors.length}</count>${errors}</errors></report></report>`;
  return { head, tail, first, rows };
}

export function reportsFooter(state: SimState, f: Filter): string {
  return `${renderFilters(f)}${renderSort(f)}<reports start="1" max="1000"/>${countXml('report_count', state.reports.size, 1, 1)}</get_reports_response>`;
}

export function configXml(c: SimConfig): string {
  return (
    `<config id="${c.id}">${OWNER(c.owner)}<name>${esc(c.name)}</name><comment>${esc(c.comment)}</comment><creation_time>${c.created}</creation_time>` +
    `<modification_time>${c.created}</modification_time><writable>${c.predefined ? 0 : 1}</writable><in_use>0</in_use>${PERMS_ALL}` +
    `<family_count>0<growing>0</growing></family_count><nvt_count>0<growing>0</growing></nvt_count><type>0</type><usage_type>scan</usage_type><predefined>${c.predefined ? 1 : 0}</predefined></config>`
  );
}

export function portListXml(p: SimPortList, inUse: boolean): string {
  return (
    `<port_list id="${p.id}">${OWNER(p.owner)}<name>${esc(p.name)}</name><comment>${esc(p.comment)}</comment><creation_time>${p.created}</creation_time>` +
    `<modification_time>${p.created}</modification_time><writable>0</writable><in_use>${inUse ? 1 : 0}</in_use>${PERMS_ALL}` +
    `<port_count><all>${p.tcp + p.udp}</all><tcp>${p.tcp}</tcp><udp>${p.udp}</udp></port_count><predefined>${p.predefined ? 1 : 0}</predefined></port_list>`
  );
}

export function scannerXml(s: { id: string; name: string; type: number; host: string }, created: string): string {
  const perm = '<permission><name>get_scanners</name></permission>';
  return (
    `<scanner id="${s.id}"><owner><name></name></owner><name>${esc(s.name)}</name><comment></comment><creation_time>${created}</creation_time>` +
    `<modification_time>${created}</modification_time><writable>1</writable><in_use>0</in_use><permissions>${perm.repeat(4)}</permissions>` +
    `<host>${esc(s.host)}</host><port>0</port><type>${s.type}</type><ca_pub></ca_pub><relay_host></relay_host><relay_port>0</relay_port>` +
    `<credential id=""><name></name><type></type><trash>0</trash></credential></scanner>`
  );
}

export function reportFormatXml(r: { id: string; name: string; extension: string; contentType: string }, created: string): string {
  return (
    `<report_format id="${r.id}"><owner><name></name></owner><name>${r.name}</name><comment></comment><creation_time>${created}</creation_time>` +
    `<modification_time>${created}</modification_time><writable>0</writable><in_use>0</in_use><extension>${r.extension}</extension>` +
    `<content_type>${r.contentType}</content_type><predefined>1</predefined><active>1</active></report_format>`
  );
}
