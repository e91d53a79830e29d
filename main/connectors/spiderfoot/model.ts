import { z } from 'zod';
import type { Severity } from '../../contract/alerts.js';
import type { ScanFinding } from '../../contract/connectors.js';
import { blankAsset, textOrNull } from '../findings.js';
import type { ServerTime, ZoneClock } from './time.js';

/**
 * SpiderFoot 4's answers are positional arrays (sfwebui.py); this module names the positions,
 * checks them with zod and turns them into typed records. Rows that do not fit are counted by
 * the caller, never silently dropped. Data and source data come HTML-escaped (Python's
 * html.escape): both the escaped text as received and the unescaped text for display are kept.
 */

export const SF_STATUSES = ['CREATED', 'STARTING', 'STARTED', 'RUNNING', 'ABORT-REQUESTED', 'ABORTED', 'FINISHED', 'ERROR-FAILED'] as const;
/** A scan is over in these; stopscan answers 400 for FINISHED and ABORTED. */
export const SF_FINAL_STATUSES: readonly string[] = ['ABORTED', 'FINISHED', 'ERROR-FAILED'];

const count = z.number().int().min(0);
const RiskMatrix = z.object({ HIGH: count.default(0), MEDIUM: count.default(0), LOW: count.default(0), INFO: count.default(0) });

/** Correlation results by risk, as scanlist and scanstatus count them. */
export interface RiskCounts {
  high: number;
  medium: number;
  low: number;
  info: number;
}

export interface SpiderFootScan {
  id: string;
  name: string;
  target: string;
  created: ServerTime;
  /** Can be a second earlier than `created` (SpiderFoot stamps them from two processes). */
  started: ServerTime;
  /** utc null while the scan runs. */
  finished: ServerTime;
  status: string;
  /** Events stored (the ROOT event not counted). */
  eventCount: number;
  risk: RiskCounts;
}

export type SpiderFootScanStatus = Omit<SpiderFootScan, 'id' | 'eventCount'>;

export interface SpiderFootEvent {
  lastSeen: ServerTime;
  /** Unescaped, for display. */
  data: string;
  /** As SpiderFoot sent it (HTML-escaped). */
  dataRaw: string;
  sourceData: string;
  sourceDataRaw: string;
  /** Module that produced it ("" for ROOT, "SpiderFoot UI" for the target). */
  module: string;
  /** 0-100 */
  confidence: number;
  /** 0-100 */
  visibility: number;
  /** 0-100 */
  risk: number;
  /** Unique within the scan ("ROOT" for the target's root event). */
  hash: string;
  falsePositive: boolean;
  /** The event it was derived from is marked false positive. */
  parentFalsePositive: boolean;
  eventType: string;
}

export interface SpiderFootCorrelation {
  id: string;
  title: string;
  ruleId: string;
  /** HIGH, MEDIUM, LOW, INFO */
  ruleRisk: string;
  ruleName: string;
  ruleDescription: string;
  ruleLogic: string;
  eventCount: number;
}

export interface SpiderFootSummaryRow {
  key: string;
  description: string;
  lastSeen: ServerTime;
  total: number;
  unique: number;
  scanStatus: string;
}

const PY_ESCAPES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#39': "'" };

/** Undoes Python's html.escape (and any numeric character reference), in one pass. */
export function htmlUnescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#x27|#39|#\d{1,7}|#x[0-9a-f]{1,6});/gi, (all, ref: string) => {
    const named = PY_ESCAPES[ref.toLowerCase()];
    if (named !== undefined) return named;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
}

const flag01 = z.union([z.literal(0), z.literal(1), z.boolean()]).transform((v) => v === 1 || v === true);
const score = z.number().int().min(0).max(100);

const ScanListRow = z.tuple([z.string().min(1), z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), count, RiskMatrix]).rest(z.unknown());
const ScanStatusRow = z.tuple([z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), RiskMatrix]).rest(z.unknown());
const EventRow = z.tuple([z.string(), z.string(), z.string(), z.string(), score, score, score, z.string().min(1), flag01, flag01, z.string().min(1)]).rest(z.unknown());
const CorrelationRow = z.tuple([z.string().min(1), z.string(), z.string(), z.string(), z.string(), z.string(), z.string(), count]).rest(z.unknown());
const SummaryRow = z.tuple([z.string(), z.string(), z.string(), count, count, z.string()]).rest(z.unknown());

const risk = (m: z.infer<typeof RiskMatrix>): RiskCounts => ({ high: m.HIGH, medium: m.MEDIUM, low: m.LOW, info: m.INFO });

/** A row parser: the typed record, or the reason it does not fit. */
export type RowResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function rows<S extends z.ZodType, T>(schema: S, build: (r: z.infer<S>) => T): (row: unknown) => RowResult<T> {
  return (row) => {
    const p = schema.safeParse(row);
    if (!p.success) {
      const i = p.error.issues[0];
      return { ok: false, reason: i ? `position ${i.path.join('.')}: ${i.message}` : 'not a row' };
    }
    try {
      return { ok: true, value: build(p.data) };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  };
}

/** Parsers of SpiderFoot's rows, reading dates in the server's zone. */
export function rowParsers(zone: ZoneClock) {
  const scanFields = (name: string, target: string, created: string, started: string, finished: string, status: string, m: z.infer<typeof RiskMatrix>): SpiderFootScanStatus => ({
    name,
    target,
    created: zone.parse(created),
    started: zone.parse(started),
    finished: zone.parse(finished),
    status,
    risk: risk(m),
  });
  return {
    /** `/scanlist`: [id, name, target, created, started, finished, status, eventCount, riskmatrix] */
    scan: rows(ScanListRow, (r): SpiderFootScan => ({ id: r[0], ...scanFields(r[1], r[2], r[3], r[4], r[5], r[6], r[8]), eventCount: r[7] })),
    /** `/scanstatus`: [name, target, created, started, ended, status, riskmatrix] */
    status: rows(ScanStatusRow, (r): SpiderFootScanStatus => scanFields(r[0], r[1], r[2], r[3], r[4], r[5], r[6])),
    /** `/scaneventresults`: [lastSeen, data, sourceData, module, confidence, visibility, risk, hash, fp, parentFp, eventType] */
    event: rows(EventRow, (r): SpiderFootEvent => ({
      lastSeen: zone.parse(r[0]),
      data: htmlUnescape(r[1]),
      dataRaw: r[1],
      sourceData: htmlUnescape(r[2]),
      sourceDataRaw: r[2],
      module: r[3],
      confidence: r[4],
      visibility: r[5],
      risk: r[6],
      hash: r[7],
      falsePositive: r[8],
      parentFalsePositive: r[9],
      eventType: r[10],
    })),
    /** `/scancorrelations`: [id, title, ruleId, ruleRisk, ruleName, ruleDescr, ruleLogic, eventCount] */
    correlation: rows(CorrelationRow, (r): SpiderFootCorrelation => ({
      id: r[0],
      title: r[1],
      ruleId: r[2],
      ruleRisk: r[3],
      ruleName: r[4],
      ruleDescription: r[5],
      ruleLogic: r[6],
      eventCount: r[7],
    })),
    /** `/scansummary`: [key, description, lastSeen, total, unique, scanStatus] */
    summary: rows(SummaryRow, (r): SpiderFootSummaryRow => ({
      key: r[0],
      description: r[1],
      lastSeen: zone.parse(r[2]),
      total: r[3],
      unique: r[4],
      scanStatus: r[5],
    })),
  };
}

// ---- findings --------------------------------------------------------------------------------

/** reference/connectors.md §8: SpiderFoot's correlation risks INFO/LOW/MEDIUM/HIGH (no critical). */
export const SF_RISK_SEVERITY: Record<string, Severity> = { INFO: 'info', LOW: 'low', MEDIUM: 'medium', HIGH: 'high' };

/**
 * An event's own `risk` is a number 0-100 that most modules leave at 0. Vigil's policy (not
 * SpiderFoot's): 0 info, 1-33 low, 34-66 medium, 67-100 high.
 */
export function eventSeverity(risk: number): Severity {
  if (risk <= 0) return 'info';
  if (risk <= 33) return 'low';
  if (risk <= 66) return 'medium';
  return 'high';
}

const HOST_TYPES = new Set(['IP_ADDRESS', 'IPV6_ADDRESS', 'INTERNET_NAME', 'DOMAIN_NAME', 'AFFILIATE_IPADDR', 'AFFILIATE_INTERNET_NAME', 'INTERNAL_IP_ADDRESS', 'CO_HOSTED_SITE']);
const PORT_TYPES = new Set(['TCP_PORT_OPEN', 'UDP_PORT_OPEN']);

/** What an event says about where: a host, a host:port, or a URL. */
function eventAsset(e: SpiderFootEvent): ScanFinding['asset'] {
  const asset = blankAsset();
  if (HOST_TYPES.has(e.eventType)) asset.host = e.data;
  else if (PORT_TYPES.has(e.eventType)) {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(e.data);
    if (m && Number(m[2]) <= 65_535) {
      asset.host = m[1]!;
      asset.port = Number(m[2]);
      asset.protocol = e.eventType === 'UDP_PORT_OPEN' ? 'udp' : 'tcp';
    }
  } else if (/^https?:\/\/\S+$/.test(e.data)) {
    asset.url = e.data;
    try {
      asset.host = new URL(e.data).hostname;
    } catch {
      // not a URL after all
    }
  }
  return asset;
}

/**
 * An event as a finding; null for the ROOT event (the target itself). `typeNames` gives the
 * event types' descriptions (/eventtypes) for titles.
 */
export function eventToFinding(scanId: string, e: SpiderFootEvent, typeNames: ReadonlyMap<string, string> = new Map()): ScanFinding | null {
  if (e.eventType === 'ROOT') return null;
  const shown = e.data.length > 200 ? `${e.data.slice(0, 199)}…` : e.data;
  return {
    source: 'spiderfoot',
    key: `spiderfoot:${scanId}:${e.hash}`,
    ruleId: e.eventType,
    title: `${typeNames.get(e.eventType) ?? e.eventType}: ${shown}`,
    severity: eventSeverity(e.risk),
    severityRaw: String(e.risk),
    confidence: e.falsePositive || e.parentFalsePositive ? 'false_positive' : null,
    confidenceScore: e.confidence,
    cvss: null,
    cves: e.eventType.startsWith('VULNERABILITY_CVE') && /^CVE-\d{4}-\d+$/i.test(e.data.trim()) ? [e.data.trim().toUpperCase()] : [],
    cweId: null,
    wascId: null,
    asset: eventAsset(e),
    evidence: textOrNull(e.data),
    description: `${e.module || 'SpiderFoot'} found ${e.eventType}${e.sourceData ? ` from ${e.sourceData}` : ''}`,
    solution: null,
    references: [],
    observedAt: e.lastSeen.utc,
    raw: e,
  };
}

/** A correlation result as a finding (severity from the rule's risk, §8). */
export function correlationToFinding(scanId: string, c: SpiderFootCorrelation): ScanFinding {
  const severity = SF_RISK_SEVERITY[c.ruleRisk.toUpperCase()];
  if (!severity) throw new RangeError(`correlation ${c.id} has the unknown risk "${c.ruleRisk}"`);
  return {
    source: 'spiderfoot',
    key: `spiderfoot:${scanId}:correlation:${c.id}`,
    ruleId: c.ruleId,
    title: c.title || c.ruleName,
    severity,
    severityRaw: c.ruleRisk,
    confidence: null,
    confidenceScore: null,
    cvss: null,
    cves: [],
    cweId: null,
    wascId: null,
    asset: blankAsset(),
    evidence: null,
    description: c.ruleDescription.trim(),
    solution: null,
    references: [],
    observedAt: null,
    raw: c,
  };
}
