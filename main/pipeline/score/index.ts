/**
 * The score stage: an explainable 0..100 risk made of named terms, kept with the alert.
 *
 * | term              | points                                                                   |
 * |-------------------|--------------------------------------------------------------------------|
 * | severity          | info 0, low 10, medium 25, high 40, critical 55                          |
 * | confidence        | round(detection.confidence × 10): 0..10                                  |
 * | threat type       | THREAT_TYPE_POINTS (ransomware 20 … policy/unknown 0)                    |
 * | correlation       | +10 when a correlation rule fired (detail names the rules)               |
 * | external source   | +8 public source → internal destination (inbound from the internet);     |
 * |                   | +8 internal source → public destination for c2/exfiltration/malware/     |
 * |                   |    ransomware (traffic leaving the network);                             |
 * |                   | −5 internal → internal for noise-prone types (policy, anomaly, unknown,  |
 * |                   |    reconnaissance, port_scan, flood); lateral-movement types get no term  |
 * | blocked           | −10 when Suricata's action is "blocked" (the packet was dropped)         |
 * | asset criticality | round(criticality × 15): 0..15, the highest of destination and source     |
 * | exposure          | +8 when the destination (the source, for outbound c2/exfiltration/...)   |
 * |                   |    has open high scan findings, +12 with a critical one; the detail     |
 * |                   |    counts them and names one ("3 open high findings, e.g. CVE-...")     |
 * | clamp             | only when the sum leaves 0..100: the correction, so terms sum to risk    |
 *
 * Severity, confidence and threat type are always listed; the others only when they apply.
 * All points are integers, so the terms always sum exactly to the risk.
 */
import type { Priority, Severity } from '../../contract/index.js';
import type { DetectedEvent, Score, ScoredEvent, ScoreTerm, ThreatType } from '../types.js';
import { isExternalAddress, isInternalAddress } from '../detect/address.js';

export const SEVERITY_POINTS: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 10,
  medium: 25,
  high: 40,
  critical: 55,
};

export const THREAT_TYPE_POINTS: Readonly<Record<ThreatType, number>> = {
  ransomware: 20,
  exfiltration: 18,
  c2: 18,
  exploit: 15,
  sql_injection: 15,
  malware: 15,
  brute_force: 12,
  password_spraying: 12,
  flood: 10,
  web_attack: 10,
  port_scan: 8,
  reconnaissance: 5,
  anomaly: 5,
  policy: 0,
  unknown: 0,
};

export const CONFIDENCE_MAX_POINTS = 10;
export const CORRELATION_POINTS = 10;
export const INBOUND_POINTS = 8;
export const OUTBOUND_POINTS = 8;
export const INTERNAL_POINTS = -5;
export const BLOCKED_POINTS = -10;
export const ASSET_MAX_POINTS = 15;
export const EXPOSURE_HIGH_POINTS = 8;
export const EXPOSURE_CRITICAL_POINTS = 12;

/** Types whose traffic leaving the network is the threat itself. */
const OUTBOUND_TYPES: ReadonlySet<ThreatType> = new Set<ThreatType>(['c2', 'exfiltration', 'malware', 'ransomware']);
/** Types that, internal to internal, are usually noise (scanners, monitoring, policy hits). */
const INTERNAL_NOISE_TYPES: ReadonlySet<ThreatType> = new Set<ThreatType>([
  'policy',
  'anomaly',
  'unknown',
  'reconnaissance',
  'port_scan',
  'flood',
]);

export interface ScoreOptions {
  /** Criticality of an asset by IP, 0..1, or undefined when unknown. */
  assetCriticality?: (ip: string) => number | undefined;
  /** Open high/critical scan findings of a host (enrich/exposure.ts), or undefined when none. */
  exposure?: (ip: string) => { high: number; critical: number; example: string } | undefined;
}

/** The host the alert puts at risk: the destination, or the source of traffic leaving the network. */
function vulnerableHostTerm(e: DetectedEvent, lookup: ScoreOptions['exposure']): ScoreTerm | null {
  if (!lookup) return null;
  const ip = OUTBOUND_TYPES.has(e.detection.threat_type) && isInternalAddress(e.src) && isExternalAddress(e.dst) ? e.src_ip : e.dst_ip;
  if (!ip) return null;
  const x = lookup(ip);
  if (!x || x.high + x.critical === 0) return null;
  const parts = [x.critical ? `${x.critical} critical` : '', x.high ? `${x.high} high` : ''].filter(Boolean).join(' and ');
  return {
    name: 'exposure',
    points: x.critical ? EXPOSURE_CRITICAL_POINTS : EXPOSURE_HIGH_POINTS,
    detail: `${ip} has ${parts} open finding${x.high + x.critical === 1 ? '' : 's'}, e.g. ${x.example}`,
  };
}

function exposureTerm(e: DetectedEvent): ScoreTerm | null {
  const type = e.detection.threat_type;
  if (isExternalAddress(e.src) && isInternalAddress(e.dst)) {
    return { name: 'external source', points: INBOUND_POINTS, detail: `inbound from the internet: ${e.src_ip} → ${e.dst_ip}` };
  }
  if (isInternalAddress(e.src) && isExternalAddress(e.dst) && OUTBOUND_TYPES.has(type)) {
    return {
      name: 'external source',
      points: OUTBOUND_POINTS,
      detail: `${type} traffic leaving the network: ${e.src_ip} → ${e.dst_ip}`,
    };
  }
  if (isInternalAddress(e.src) && isInternalAddress(e.dst) && INTERNAL_NOISE_TYPES.has(type)) {
    return { name: 'external source', points: INTERNAL_POINTS, detail: `internal to internal (${e.src_ip} → ${e.dst_ip})` };
  }
  return null;
}

function assetTerm(e: DetectedEvent, lookup: ScoreOptions['assetCriticality']): ScoreTerm | null {
  if (!lookup) return null;
  let best: { ip: string; value: number } | null = null;
  for (const ip of [e.dst_ip, e.src_ip]) {
    if (!ip) continue;
    const v = lookup(ip);
    if (v === undefined || !Number.isFinite(v)) continue;
    const value = Math.min(1, Math.max(0, v));
    if (best === null || value > best.value) best = { ip, value };
  }
  if (best === null) return null;
  return {
    name: 'asset criticality',
    points: Math.round(best.value * ASSET_MAX_POINTS),
    detail: `${best.ip} criticality ${best.value.toFixed(2)}`,
  };
}

/** The risk of one detected event (0..100) with the terms it is made of. */
export function scoreEvent(e: DetectedEvent, opts: ScoreOptions = {}): Score {
  const d = e.detection;
  const terms: ScoreTerm[] = [];
  terms.push({ name: 'severity', points: SEVERITY_POINTS[e.severity], detail: e.severity });
  const conf = Math.min(1, Math.max(0, Number.isFinite(d.confidence) ? d.confidence : 0));
  terms.push({
    name: 'confidence',
    points: Math.round(conf * CONFIDENCE_MAX_POINTS),
    detail: `detection confidence ${conf.toFixed(2)}`,
  });
  terms.push({ name: 'threat type', points: THREAT_TYPE_POINTS[d.threat_type], detail: d.threat_type });
  if (d.correlations.length > 0) {
    const rules = [...new Set(d.correlations.map((h) => h.rule))];
    const first = d.correlations[0];
    terms.push({
      name: 'correlation',
      points: CORRELATION_POINTS,
      detail: `${rules.join(', ')} fired${first ? ` (${first.observed} ≥ ${first.threshold} for ${first.key})` : ''}`,
    });
  }
  const exposure = exposureTerm(e);
  if (exposure) terms.push(exposure);
  if (e.source === 'suricata' && e.action?.toLowerCase() === 'blocked') {
    terms.push({ name: 'blocked', points: BLOCKED_POINTS, detail: 'Suricata blocked (dropped) the traffic' });
  }
  const asset = assetTerm(e, opts.assetCriticality);
  if (asset) terms.push(asset);
  const vulnerable = vulnerableHostTerm(e, opts.exposure);
  if (vulnerable) terms.push(vulnerable);

  const sum = terms.reduce((acc, t) => acc + t.points, 0);
  const risk = Math.min(100, Math.max(0, Math.round(sum)));
  if (risk !== sum) terms.push({ name: 'clamp', points: risk - sum, detail: `sum of terms ${sum} clamped to ${risk}` });
  return { risk, terms };
}

export function scoreEvents(events: readonly DetectedEvent[], opts: ScoreOptions = {}): ScoredEvent[] {
  return events.map((e) => ({ ...e, score: scoreEvent(e, opts) }));
}

/** Same as scoreEvents(), attaching the score to objects the caller owns instead of copying them. */
export function attachScores(events: DetectedEvent[], opts: ScoreOptions = {}): ScoredEvent[] {
  for (const e of events) (e as ScoredEvent).score = scoreEvent(e, opts);
  return events as ScoredEvent[];
}

/** What an alert's priority is decided from. */
export interface PrioritySignals {
  severity: Severity;
  risk: number;
  threat_type: string;
  technique_ids: readonly string[];
}

/**
 * ATT&CK techniques of destructive host activity: data destroyed, encrypted or wiped, or the
 * means of recovery removed (shadow copies, backups). Sub-techniques count as their parent.
 */
export const DESTRUCTIVE_TECHNIQUES: Readonly<Record<string, string>> = {
  T1485: 'Data Destruction',
  T1486: 'Data Encrypted for Impact',
  T1490: 'Inhibit System Recovery',
  T1561: 'Disk Wipe',
};

export interface PriorityRule {
  /** Why, in a few words (shown with the alert's priority). */
  name: string;
  priority: Priority;
  when(s: PrioritySignals): boolean;
}

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);
const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

function destructive(s: PrioritySignals): boolean {
  return s.technique_ids.some((t) => (t.split('.')[0] ?? t) in DESTRUCTIVE_TECHNIQUES);
}

/**
 * The priority rules, in order: the first that holds gives the priority. Destructive host
 * activity (ransomware at medium or above; shadow copies deleted, data wiped or encrypted at
 * high) is P1 whatever its risk, so it never ranks below an SSH brute force.
 */
export const PRIORITY_RULES: readonly PriorityRule[] = [
  { name: 'critical severity', priority: 'P1', when: (s) => s.severity === 'critical' },
  { name: 'ransomware activity', priority: 'P1', when: (s) => s.threat_type === 'ransomware' && rank(s.severity) >= rank('medium') },
  { name: 'destructive host activity', priority: 'P1', when: (s) => destructive(s) && rank(s.severity) >= rank('high') },
  { name: 'high severity, risk 80 or more', priority: 'P1', when: (s) => s.severity === 'high' && s.risk >= 80 },
  { name: 'high severity', priority: 'P2', when: (s) => s.severity === 'high' },
  { name: 'medium severity, risk 60 or more', priority: 'P2', when: (s) => s.severity === 'medium' && s.risk >= 60 },
  { name: 'medium severity', priority: 'P3', when: (s) => s.severity === 'medium' },
  { name: 'low severity, risk 60 or more', priority: 'P3', when: (s) => s.risk >= 60 },
  { name: 'low severity', priority: 'P4', when: () => true },
];

/** The rule that decides an alert's priority (the first of PRIORITY_RULES that holds). */
export function priorityRule(s: PrioritySignals): PriorityRule {
  return PRIORITY_RULES.find((r) => r.when(s)) ?? PRIORITY_RULES[PRIORITY_RULES.length - 1]!;
}

/** P1..P4 by PRIORITY_RULES (without a threat type or techniques: by severity and risk alone). */
export function priorityFor(severity: Severity, risk: number, signals: Partial<Pick<PrioritySignals, 'threat_type' | 'technique_ids'>> = {}): Priority {
  return priorityRule({ severity, risk, threat_type: signals.threat_type ?? 'unknown', technique_ids: signals.technique_ids ?? [] }).priority;
}
