import type { Severity } from '../../contract/alerts.js';
import type { FeedAlert, FeedRepo } from '../../store/feed-repo.js';
import { frame, parseEnrichment, type Enrichment, type FeedEvent, type NoticeEvent, type RiskSnapshot } from '../event.js';
import type { DialectHandler, Session } from '../session.js';
import type { DialectContext } from './context.js';

/**
 * ThreatStream (iqbalerani/ThreatStream) at /ws/live: `{type, data}` envelopes, upper-case enums,
 * THR-/ALT- ids. The dashboard sends a handshake first; initial_state goes out on the first client
 * message or after ~2 s, carrying both `stats` and `dashboard_stats` and always `risk_index`.
 * Facts: reference/feed-clients.md §2, and the frontend itself: backendTypes.ts (the enums below),
 * typeMappers.ts (`country: source_country_code || source_country || 'Unknown'`, coordinates by
 * code), App.tsx (which message types it handles).
 */
export const THREATSTREAM_PATH = '/ws/live';

const UPPER: Record<Severity, string> = { info: 'INFO', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', critical: 'CRITICAL' };
const WEIGHT: Record<Severity, number> = { critical: 15, high: 8, medium: 3, low: 1, info: -3 };
const SEVERITY_POINTS: Record<Severity, number> = { critical: 40, high: 30, medium: 20, low: 10, info: 0 };

/** The frontend's `BackendThreatType` (backendTypes.ts): the values its code switches on. */
export const THREATSTREAM_THREAT_TYPES = [
  'MALWARE',
  'PHISHING',
  'DDOS',
  'BRUTE_FORCE',
  'DATA_EXFILTRATION',
  'RANSOMWARE',
  'AUTHENTICATION',
  'NETWORK_ANOMALY',
  'SUSPICIOUS_ACTIVITY',
] as const;
type ThreatStreamThreatType = (typeof THREATSTREAM_THREAT_TYPES)[number];

/**
 * Vigil threat type → a value of that enum (docs/feed-protocol.md has the table). Its backend's
 * DDOS_ATTACK, SQL_INJECTION, PORT_SCAN and FIREWALL_EVENT are not in the frontend enum, whose
 * mapper would file them under "API Request".
 */
export const THREAT_TYPE: Readonly<Record<string, ThreatStreamThreatType>> = {
  brute_force: 'BRUTE_FORCE',
  password_spraying: 'BRUTE_FORCE',
  flood: 'DDOS',
  ransomware: 'RANSOMWARE',
  malware: 'MALWARE',
  c2: 'MALWARE',
  exfiltration: 'DATA_EXFILTRATION',
  port_scan: 'NETWORK_ANOMALY',
  reconnaissance: 'NETWORK_ANOMALY',
  policy: 'NETWORK_ANOMALY',
  anomaly: 'NETWORK_ANOMALY',
  sql_injection: 'SUSPICIOUS_ACTIVITY',
  web_attack: 'SUSPICIOUS_ACTIVITY',
  exploit: 'SUSPICIOUS_ACTIVITY',
  unknown: 'SUSPICIOUS_ACTIVITY',
};

/** ThreatStream's type term of risk_score, by Vigil threat type (20 / 15 / else 10 in its scorer). */
const TYPE_POINTS: Readonly<Record<string, number>> = {
  brute_force: 20,
  password_spraying: 20,
  sql_injection: 20,
  ransomware: 20,
  flood: 20,
  exfiltration: 15,
  malware: 15,
  c2: 15,
  port_scan: 15,
};

const STATUS: Record<string, string> = {
  NEW: 'NEW',
  ACKNOWLEDGED: 'ACKNOWLEDGED',
  INVESTIGATING: 'INVESTIGATING',
  RESOLVED: 'RESOLVED',
  FALSE_POSITIVE: 'FALSE_POSITIVE',
  SUPPRESSED: 'RESOLVED',
};

function hex8(id: number): string {
  return (id >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

function levelOf(v: number): RiskSnapshot['level'] {
  if (v >= 70) return 'CRITICAL';
  if (v >= 45) return 'SUSPICIOUS';
  if (v >= 25) return 'ELEVATED';
  return 'NORMAL';
}

function hhmmss(d: Date): string {
  return d.toISOString().slice(11, 19);
}

/**
 * ThreatStream's risk index, as its code computes it: starts at 5; each threat adds
 * weight x confidence (critical +15, high +8, medium +3, low +1, info -3), clamped to 0..100;
 * every 30 s it decays x0.85 (floor 5). Trend compares the mean of the last 3 values with the
 * older ones over a 10-value history.
 */
export class RiskIndex {
  private value = 5;
  private readonly history: number[] = [5];
  private readonly timeline: { time: string; risk: number }[] = [];

  add(severity: Severity, confidence: number): RiskSnapshot {
    const conf = Number.isFinite(confidence) && confidence > 0 ? Math.min(1, confidence) : 0.5;
    this.set(this.value + WEIGHT[severity] * conf);
    return this.snapshot();
  }

  decay(now: Date): RiskSnapshot {
    this.set(Math.max(5, this.value * 0.85));
    this.timeline.push({ time: hhmmss(now), risk: Math.round(this.value) });
    if (this.timeline.length > 60) this.timeline.shift();
    return this.snapshot();
  }

  private set(v: number): void {
    this.value = Math.max(0, Math.min(100, v));
    this.history.push(this.value);
    if (this.history.length > 10) this.history.shift();
  }

  snapshot(): RiskSnapshot {
    const h = this.history;
    let trend: RiskSnapshot['trend'] = 'STABLE';
    if (h.length > 3) {
      const recent = h.slice(-3);
      const older = h.slice(0, -3);
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      const d = mean(recent) - mean(older);
      trend = d > 5 ? 'RISING' : d < -5 ? 'FALLING' : 'STABLE';
    }
    return { value: Math.round(this.value * 10) / 10, level: levelOf(this.value), trend };
  }

  timelinePoints(now: Date): { time: string; risk: number }[] {
    return [...this.timeline, { time: hhmmss(now), risk: Math.round(this.value) }];
  }
}

/**
 * Where the source address is: its country only when the geo data knows it (never a made-up
 * "??"/"XX": the dashboard would plot it), and a zone from the frontend's `BackendIPZone`.
 */
function origin(e: Enrichment): { country?: string; country_code?: string; zone: 'INTERNAL_NETWORK' | 'EXTERNAL_NETWORK' | 'UNKNOWN' } {
  const src = e.src;
  const internal = src?.external === false || (src?.class !== undefined && src.class !== 'public');
  const zone = internal ? 'INTERNAL_NETWORK' : src?.external === true || src?.class === 'public' ? 'EXTERNAL_NETWORK' : 'UNKNOWN';
  const code = src?.geo?.country_code;
  if (!code || !/^[A-Z]{2}$/i.test(code)) return { zone };
  return { country: src?.geo?.country || code.toUpperCase(), country_code: code.toUpperCase(), zone };
}

/** ThreatStream's risk_score: severity + confidence + type + geo terms, 0..100. */
function riskScore(a: FeedAlert, geoMult: number): number {
  const typePts = TYPE_POINTS[a.threat_type] ?? 10;
  return Math.max(0, Math.min(100, SEVERITY_POINTS[a.severity] + Math.floor((a.confidence || 0.5) * 20) + typePts + Math.floor(geoMult * 10)));
}

export function threatOf(a: FeedAlert, e: Enrichment, analyzedAt: string, techniqueName: (id: string) => string | null): Record<string, unknown> {
  const type = THREAT_TYPE[a.threat_type] ?? 'SUSPICIOUS_ACTIVITY';
  const o = origin(e);
  const technique = a.technique_ids[0] ?? null;
  return {
    id: `THR-${hex8(a.id)}`,
    event_id: `vigil-${a.id}`,
    timestamp: a.last_seen,
    severity: UPPER[a.severity],
    threat_type: type,
    risk_score: Math.max(a.risk_score, riskScore(a, 1)),
    source_ip: a.src_ip,
    ...(o.country ? { source_country: o.country, source_country_code: o.country_code } : {}),
    source_zone: o.zone,
    destination_ip: a.dst_ip,
    destination_port: a.dst_port,
    confidence: a.confidence || 0.5,
    description: a.title,
    contextual_analysis: `${a.source} ${a.rule_id ? `rule ${a.rule_id}` : 'alert'}: ${a.title}; seen ${a.count} time(s), Vigil risk ${a.risk_score}/100, priority ${a.priority}`,
    contributing_signals: [a.source, ...(a.rule_id ? [a.rule_id] : []), a.threat_type, ...a.technique_ids, ...a.tags],
    mitre_attack_id: technique,
    mitre_attack_name: technique ? (techniqueName(technique) ?? technique) : null,
    recommended_actions: [],
    auto_blocked: false,
    processing_time_ms: 0,
    analyzed_at: analyzedAt,
    audit_ref: `vigil:alert:${a.id}`,
  };
}

/**
 * ThreatStream's Alert. `changedAt` (a status change's time) fills acknowledged_at or resolved_at;
 * a snapshot (initial_state) does not know them.
 */
export function threatStreamAlertOf(a: FeedAlert, e: Enrichment, changedAt: string | null = null): Record<string, unknown> {
  const o = origin(e);
  const status = STATUS[a.status] ?? 'NEW';
  const closed = status === 'RESOLVED' || status === 'FALSE_POSITIVE';
  return {
    id: `ALT-${hex8(a.id)}`,
    threat_id: `THR-${hex8(a.id)}`,
    title: a.title,
    description: `${a.title} (${a.source}${a.src_ip ? ` from ${a.src_ip}` : ''}${a.dst_ip ? ` to ${a.dst_ip}${a.dst_port !== null ? `:${a.dst_port}` : ''}` : ''})`,
    severity: UPPER[a.severity],
    priority: a.priority,
    status,
    created_at: a.first_seen,
    acknowledged_at: changedAt && (status === 'ACKNOWLEDGED' || status === 'INVESTIGATING') ? changedAt : null,
    resolved_at: changedAt && closed ? changedAt : null,
    assigned_to: a.assignee,
    source_ip: a.src_ip,
    ...(o.country ? { source_country: o.country } : {}),
    mitre_attack_id: a.technique_ids[0] ?? null,
  };
}

const isHot = (s: Severity) => s === 'critical' || s === 'high';

/**
 * Shared frames of one event: for a new alert new_threat, new_alert (CRITICAL/HIGH only) and
 * risk_update; for a status change of a CRITICAL/HIGH alert `alert_update` (its Alert with the new
 * status: ThreatStream's protocol has no update message, so its client ignores it rather than
 * taking it for a new alert).
 */
export function threatStreamFrames(ev: FeedEvent, techniqueName: (id: string) => string | null): Buffer[] {
  if (ev.kind === 'status') return isHot(ev.alert.severity) ? [frame({ type: 'alert_update', data: threatStreamAlertOf(ev.alert, ev.enrichment, ev.ts) })] : [];
  if (ev.kind !== 'new') return [];
  const out = [frame({ type: 'new_threat', data: threatOf(ev.alert, ev.enrichment, ev.ts, techniqueName) })];
  if (isHot(ev.alert.severity)) out.push(frame({ type: 'new_alert', data: threatStreamAlertOf(ev.alert, ev.enrichment) }));
  if (ev.risk) out.push(frame({ type: 'risk_update', data: ev.risk }));
  return out;
}

/**
 * A notice as ThreatStream can show one. Its App.tsx lists `new_threat` messages (deduplicated by
 * id) and only logs `new_alert`, so the notice is a threat of its own id (THR- + 8 hex of the run
 * and step) whose description is the message, followed by `risk_update` with the index as it
 * stands: new_threat moves the dashboard's gauge to its risk_score, and a notice is no new threat.
 */
export function threatStreamNotice(ev: NoticeEvent, techniqueName: (id: string) => string | null): unknown[] {
  const n = ev.notice;
  const threat = threatOf(ev.shown, ev.enrichment, n.at, techniqueName);
  return [
    {
      type: 'new_threat',
      data: {
        ...threat,
        id: `THR-${ev.hex8}`,
        event_id: `vigil-notice-${n.run_id}-${n.step_id}`,
        timestamp: n.at,
        description: n.message,
        contextual_analysis: `Playbook ${n.playbook.name} about Vigil alert ${ev.alert.id} (${ev.alert.title}); ${String(threat['contextual_analysis'])}`,
        audit_ref: `vigil:playbook_run:${n.run_id}`,
      },
    },
    { type: 'risk_update', data: ev.risk },
  ];
}

/** What every ThreatStream client of one server shares: the risk index and a short stats cache. */
export class ThreatStreamShared {
  readonly risk = new RiskIndex();
  private statsCache: { at: number; value: Record<string, unknown> } | null = null;

  stats(repo: FeedRepo): Record<string, unknown> {
    const now = Date.now();
    if (this.statsCache && now - this.statsCache.at < 2000) return this.statsCache.value;
    const s = repo.alertStats();
    const value = {
      processed: s.occurrences,
      blocked: 0,
      critical: s.critical,
      avg_detect_time: 0,
      latency_history: [],
      alerts_generated: s.critical + s.high,
      threats_detected: s.alerts,
    };
    this.statsCache = { at: now, value };
    return value;
  }
}

export function threatStreamDialect(session: Session, ctx: DialectContext): DialectHandler {
  let initialSent = false;
  let timer: NodeJS.Timeout | null = null;

  const sendInitialState = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const now = new Date();
    // the state is read from SQLite, which may be ahead of the live fan-out: go live from there
    const head = Math.max(ctx.headSeq(), ctx.repo.headSeq());
    const threats = ctx.repo.recentAlerts(20).map((a) => threatOf(a, parseEnrichment(a.enrichment), now.toISOString(), (id) => ctx.techniqueName(id)));
    const alerts = ctx.repo.recentAlerts(10, ['critical', 'high']).map((a) => threatStreamAlertOf(a, parseEnrichment(a.enrichment)));
    const st = ctx.threatstream.stats(ctx.repo);
    session.sendJson({
      type: 'initial_state',
      data: {
        threats,
        alerts,
        stats: st,
        dashboard_stats: st,
        risk_index: ctx.threatstream.risk.snapshot(),
        risk_timeline: ctx.threatstream.risk.timelinePoints(now),
      },
    });
    if (!initialSent) {
      initialSent = true;
      session.goLive(head);
    }
  };

  return {
    open() {
      session.state = 'waiting';
      timer = setTimeout(() => {
        if (session.open && !initialSent) sendInitialState();
      }, ctx.limits.initialStateWaitMs);
      timer.unref();
    },

    message(text) {
      let obj: Record<string, unknown> | null = null;
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v)) obj = v as Record<string, unknown>;
      } catch {
        // ThreatStream answers anything with initial_state first; junk is otherwise ignored
      }
      const type = obj?.['type'];
      if (!initialSent) {
        sendInitialState();
        if (type === 'handshake' || type === 'request_state') return;
      }
      if (type === 'handshake' || type === 'request_state') sendInitialState();
      else if (type === 'ping') session.sendJson({ type: 'pong', data: { timestamp: new Date().toISOString() } });
      // subscribe / unsubscribe are only logged by ThreatStream; nothing to do
    },

    frames(ev) {
      return ev.render('threatstream', () => threatStreamFrames(ev, (id) => ctx.techniqueName(id)));
    },

    notice: (ev) => ev.render('threatstream', () => threatStreamNotice(ev, (id) => ctx.techniqueName(id))),

    sharedKey: () => 'threatstream',

    laggingFrame() {
      return frame({ type: 'lagging', data: { message: 'this client fell behind and is being disconnected (1013)' } });
    },

    heartbeat() {
      if (initialSent) session.sendJson({ type: 'heartbeat', timestamp: new Date().toISOString() });
    },

    dispose() {
      if (timer) clearTimeout(timer);
    },
  };
}
