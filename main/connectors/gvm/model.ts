import { z } from 'zod';
import { GmpProtocolError } from './errors.js';
import { severityBucket } from './severity.js';
import { child, children, num, path, textAt, type XNode } from './xml.js';

/**
 * What the GMP replies mean, as typed objects. Parsers read the element trees leniently (gvmd
 * versions differ in optional elements) and the result of each is checked with a zod schema, so
 * a record gvmd sends broken is reported, not passed on half-filled.
 */

// ---------- listings ----------

export interface GmpScanConfig {
  id: string;
  name: string;
  comment: string;
  /** 0 = OpenVAS config. */
  type: number | null;
  usageType: string;
  predefined: boolean;
}

export interface GmpPortList {
  id: string;
  name: string;
  comment: string;
  portCount: { all: number | null; tcp: number | null; udp: number | null };
  predefined: boolean;
}

export interface GmpScanner {
  id: string;
  name: string;
  comment: string;
  /** 2 = OpenVAS, 3 = CVE, ... */
  type: number | null;
  host: string;
}

function entityId(node: XNode, what: string): string {
  const id = node.attrs.id;
  if (!id) throw new GmpProtocolError(`a <${what}> in the reply has no id`);
  return id;
}

export function parseScanConfig(n: XNode): GmpScanConfig {
  return {
    id: entityId(n, 'config'),
    name: textAt(n, 'name'),
    comment: textAt(n, 'comment'),
    type: num(textAt(n, 'type')),
    usageType: textAt(n, 'usage_type') || 'scan',
    predefined: textAt(n, 'predefined') === '1',
  };
}

export function parsePortList(n: XNode): GmpPortList {
  return {
    id: entityId(n, 'port_list'),
    name: textAt(n, 'name'),
    comment: textAt(n, 'comment'),
    portCount: { all: num(textAt(n, 'port_count', 'all')), tcp: num(textAt(n, 'port_count', 'tcp')), udp: num(textAt(n, 'port_count', 'udp')) },
    predefined: textAt(n, 'predefined') === '1',
  };
}

export function parseScanner(n: XNode): GmpScanner {
  return { id: entityId(n, 'scanner'), name: textAt(n, 'name'), comment: textAt(n, 'comment'), type: num(textAt(n, 'type')), host: textAt(n, 'host') };
}

/** `<x_count>TOTAL<filtered>F</filtered><page>P</page></x_count>`: text mixed with elements. */
export function parseCount(n: XNode | undefined): { total: number | null; filtered: number | null; page: number | null } {
  return { total: num(n?.text ?? ''), filtered: num(textAt(n, 'filtered')), page: num(textAt(n, 'page')) };
}

// ---------- tasks ----------

/** Task statuses gvmd reports (GMP 22.7 `task_status`, plus the transient "Waiting" ones of older releases). */
export const TASK_STATUSES = [
  'New',
  'Requested',
  'Queued',
  'Running',
  'Processing',
  'Stop Requested',
  'Stop Waiting',
  'Stopped',
  'Done',
  'Interrupted',
  'Delete Requested',
  'Delete Waiting',
  'Ultimate Delete Requested',
  'Ultimate Delete Waiting',
] as const;

/**
 * Where a task stands, decided from its status alone (progress is -1 whenever gvmd is not
 * scanning, including Done, and 0 for a task Interrupted before it ran):
 *   idle        New: never started
 *   active      Requested, Queued, Running, Processing (results still being written), Stop Requested/Waiting
 *   done        Done: the last report is complete
 *   stopped     Stopped by a user: resumable
 *   interrupted Interrupted (scanner failure, no feed, gvmd restart): resumable
 *   deleting    one of the delete states
 *   unknown     a status this client does not know (treated as active by waitForTask)
 */
export type GmpTaskState = 'idle' | 'active' | 'done' | 'stopped' | 'interrupted' | 'deleting' | 'unknown';

export function taskState(status: string): GmpTaskState {
  switch (status) {
    case 'New':
      return 'idle';
    case 'Requested':
    case 'Queued':
    case 'Running':
    case 'Processing':
    case 'Stop Requested':
    case 'Stop Waiting':
      return 'active';
    case 'Done':
      return 'done';
    case 'Stopped':
      return 'stopped';
    case 'Interrupted':
      return 'interrupted';
    case 'Delete Requested':
    case 'Delete Waiting':
    case 'Ultimate Delete Requested':
    case 'Ultimate Delete Waiting':
      return 'deleting';
    default:
      return 'unknown';
  }
}

export interface GmpLevelCounts {
  critical: number;
  high: number;
  medium: number;
  low: number;
  log: number;
  falsePositive: number;
}

export interface GmpTaskReportRef {
  id: string;
  timestamp: string | null;
  scanStart: string | null;
  scanEnd: string | null;
  /** Per-level result counts (last report only; gvmd applies its default min_qod=70). */
  counts: GmpLevelCounts | null;
  severity: number | null;
}

export interface GmpTask {
  id: string;
  name: string;
  comment: string;
  status: string;
  state: GmpTaskState;
  /** 0-100 while gvmd reports one; null when gvmd says -1 (not scanning, Done included). Never decide completion from it. */
  progress: number | null;
  /** The number as gvmd sent it (-1 when not running). */
  rawProgress: number;
  configId: string | null;
  targetId: string | null;
  scannerId: string | null;
  reportCount: { total: number | null; finished: number | null };
  /** The report being written (Requested ... Processing, also Interrupted/Stopped). */
  currentReport: GmpTaskReportRef | null;
  /** The last finished report. */
  lastReport: GmpTaskReportRef | null;
  /** gvmd's task-level result count. */
  resultCount: number | null;
}

const emptyToNull = (s: string): string | null => (s === '' ? null : s);

/** A number within [min, max], else null: for descriptive fields that must not sink a whole record. */
const within = (n: number | null, min: number, max: number): number | null => (n !== null && n >= min && n <= max ? n : null);

function levelCounts(n: XNode | undefined): GmpLevelCounts | null {
  if (!n || n.children.length === 0) return null;
  // gvmd sends both the current names and the deprecated ones (hole/warning/info); take the current ones, fall back.
  const pick = (name: string, old?: string) => num(textAt(n, name)) ?? (old ? num(textAt(n, old)) : null) ?? 0;
  return { critical: pick('critical'), high: pick('high', 'hole'), medium: pick('medium', 'warning'), low: pick('low', 'info'), log: pick('log'), falsePositive: pick('false_positive') };
}

function reportRef(n: XNode | undefined): GmpTaskReportRef | null {
  const report = child(n, 'report');
  if (!report?.attrs.id) return null;
  return {
    id: report.attrs.id,
    timestamp: emptyToNull(textAt(report, 'timestamp')),
    scanStart: emptyToNull(textAt(report, 'scan_start')),
    scanEnd: emptyToNull(textAt(report, 'scan_end')),
    counts: levelCounts(child(report, 'result_count')),
    severity: num(textAt(report, 'severity')),
  };
}

export function parseTask(n: XNode): GmpTask {
  const status = textAt(n, 'status');
  if (!status) throw new GmpProtocolError('a <task> in the reply has no <status>');
  const rawProgress = num(textAt(n, 'progress')) ?? -1;
  const reportCount = child(n, 'report_count');
  return {
    id: entityId(n, 'task'),
    name: textAt(n, 'name'),
    comment: textAt(n, 'comment'),
    status,
    state: taskState(status),
    progress: rawProgress < 0 ? null : Math.min(100, rawProgress),
    rawProgress,
    configId: emptyToNull(child(n, 'config')?.attrs.id ?? ''),
    targetId: emptyToNull(child(n, 'target')?.attrs.id ?? ''),
    scannerId: emptyToNull(child(n, 'scanner')?.attrs.id ?? ''),
    reportCount: { total: num(reportCount?.text ?? ''), finished: num(textAt(reportCount, 'finished')) },
    currentReport: reportRef(child(n, 'current_report')),
    lastReport: reportRef(child(n, 'last_report')),
    resultCount: num(textAt(n, 'result_count')),
  };
}

// ---------- results ----------

export const GmpResultSchema = z.object({
  id: z.string().min(1),
  reportId: z.string().min(1),
  /** The result's name (the NVT's name; gvmd omits it when the NVT is unknown, then the OID). */
  name: z.string(),
  host: z.object({ ip: z.string().min(1), hostname: z.string().nullable(), assetId: z.string().nullable() }),
  /** `443/tcp` → 443 + tcp; `general/tcp` → null + tcp; `general/CPE-T` → null + CPE-T. */
  port: z.object({ raw: z.string(), number: z.number().int().min(0).max(65535).nullable(), protocol: z.string().nullable() }),
  nvt: z.object({
    oid: z.string(),
    name: z.string(),
    type: z.string().nullable(),
    family: z.string().nullable(),
    cvssBase: z.number().min(0).max(10).nullable(),
    /** `<severities score>`: the NVT's maximum score. */
    severityScore: z.number().min(-3).max(10).nullable(),
    /** The CVSS vector of that score, when given. */
    severityVector: z.string().nullable(),
    cves: z.array(z.string()),
    refs: z.array(z.object({ type: z.string(), id: z.string() })),
    /** `<tags>` split on `|` into key=value (summary, insight, affected, impact, solution, vuldetect, solution_type, cvss_base_vector...). */
    tags: z.record(z.string(), z.string()),
    /** `<solution type>` when present, else the `solution` and `solution_type` tags. */
    solution: z.object({ type: z.string().nullable(), text: z.string() }).nullable(),
  }),
  threat: z.string(),
  severity: z.number().min(-3).max(10),
  severityBucket: z.enum(['critical', 'high', 'medium', 'low', 'log', 'false_positive', 'debug', 'error']),
  /** Before overrides (imports use apply_overrides=0, so usually the same). */
  originalSeverity: z.number().min(-3).max(10).nullable(),
  /** Quality of detection, 0-100 (null from a gvmd too old to send one). */
  qod: z.object({ value: z.number().int().min(0).max(100).nullable(), type: z.string().nullable() }),
  description: z.string(),
  creationTime: z.string().nullable(),
  modificationTime: z.string().nullable(),
  scanNvtVersion: z.string().nullable(),
});

export type GmpResult = z.output<typeof GmpResultSchema>;

/** `443/tcp`, `general/tcp`, `general/CPE-T`, `` */
export function parsePort(raw: string): GmpResult['port'] {
  const t = raw.trim();
  const slash = t.indexOf('/');
  const head = slash < 0 ? t : t.slice(0, slash);
  const proto = slash < 0 ? '' : t.slice(slash + 1);
  const n = /^\d{1,5}$/.test(head) ? Number(head) : null;
  return { raw: t, number: n !== null && n <= 65535 ? n : null, protocol: proto || null };
}

/** `key=value|key=value`; a piece without `=` belongs to the previous value (it contained a `|`). `NOTAGS` is none. */
export function parseTags(raw: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const t = raw.trim();
  if (t === '' || t === 'NOTAGS') return tags;
  let last: string | null = null;
  for (const piece of t.split('|')) {
    const eq = piece.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][\w.-]*$/.test(piece.slice(0, eq))) {
      last = piece.slice(0, eq);
      tags[last] = piece.slice(eq + 1);
    } else if (last !== null) {
      tags[last] += `|${piece}`;
    }
  }
  return tags;
}

function cveList(nvt: XNode | undefined): { cves: string[]; refs: { type: string; id: string }[] } {
  const refs = children(child(nvt, 'refs'), 'ref')
    .map((r) => ({ type: (r.attrs.type ?? '').toLowerCase(), id: r.attrs.id ?? '' }))
    .filter((r) => r.id !== '');
  const cves = refs.filter((r) => r.type === 'cve').map((r) => r.id);
  // GMP before 8 carried `<cve>CVE-a, CVE-b</cve>` (or NOCVE) in the nvt itself.
  const legacy = textAt(nvt, 'cve');
  if (legacy && legacy !== 'NOCVE') for (const c of legacy.split(/[,\s]+/)) if (c && !cves.includes(c)) cves.push(c);
  return { cves, refs };
}

/** Reads one `<result>`; returns what the schema says (a parsed result, or why it is not one). */
export function parseResult(n: XNode, reportId: string): { ok: true; result: GmpResult } | { ok: false; id: string | null; reason: string } {
  const nvt = child(n, 'nvt');
  const host = child(n, 'host');
  const tags = parseTags(textAt(nvt, 'tags'));
  const solutionEl = child(nvt, 'solution');
  const solutionText = solutionEl ? solutionEl.text.trim() : (tags.solution ?? '');
  const solutionType = solutionEl ? (solutionEl.attrs.type ?? null) : (tags.solution_type ?? null);
  const severities = child(nvt, 'severities');
  const severity = num(textAt(n, 'severity'));
  const nvtName = textAt(nvt, 'name');
  const { cves, refs } = cveList(nvt);
  const candidate = {
    id: n.attrs.id ?? '',
    reportId: path(n, 'report')?.attrs.id || reportId,
    name: textAt(n, 'name') || nvtName || (nvt?.attrs.oid ?? ''),
    host: { ip: host?.text.trim() ?? '', hostname: emptyToNull(textAt(host, 'hostname')), assetId: emptyToNull(child(host, 'asset')?.attrs.asset_id ?? '') },
    port: parsePort(textAt(n, 'port')),
    nvt: {
      oid: nvt?.attrs.oid ?? '',
      name: nvtName,
      type: emptyToNull(textAt(nvt, 'type')),
      family: emptyToNull(textAt(nvt, 'family')),
      cvssBase: within(num(textAt(nvt, 'cvss_base')), 0, 10),
      severityScore: within(num(severities?.attrs.score ?? ''), -3, 10),
      severityVector: emptyToNull(textAt(child(severities, 'severity'), 'value')) ?? tags.cvss_base_vector ?? null,
      cves,
      refs,
      tags,
      solution: solutionText || solutionType ? { type: solutionType, text: solutionText } : null,
    },
    threat: textAt(n, 'threat'),
    severity: severity ?? Number.NaN,
    severityBucket: severity === null ? 'error' : severityBucket(severity),
    originalSeverity: within(num(textAt(n, 'original_severity')), -3, 10),
    qod: { value: num(textAt(n, 'qod', 'value')), type: emptyToNull(textAt(n, 'qod', 'type')) },
    description: path(n, 'description')?.text ?? '',
    creationTime: emptyToNull(textAt(n, 'creation_time')),
    modificationTime: emptyToNull(textAt(n, 'modification_time')),
    scanNvtVersion: emptyToNull(textAt(n, 'scan_nvt_version')),
  };
  const parsed = GmpResultSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, result: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return { ok: false, id: candidate.id || null, reason: issues };
}
