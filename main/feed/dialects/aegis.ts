import type { Severity } from '../../contract/alerts.js';
import type { FeedAlert } from '../../store/feed-repo.js';
import { frame, type FeedEvent, type NoticeEvent } from '../event.js';
import type { DialectHandler, Session } from '../session.js';
import type { DialectContext } from './context.js';

/**
 * Aegis IDS dashboard: ONE bare alert object per frame (the client JSON.parses each frame and uses
 * it as an Alert with no type check), no info or heartbeat frames, and the socket stays open after
 * the initial backlog. Aegis cannot send a token, so these paths need an address allow-list.
 * Facts: reference/feed-clients.md §1, and the real client (Areej-zeb/Aegis-Enterprise-Threat-
 * Detection-and-Security-Advisory, frontend_react/src/): hooks/useWebSocketAlerts.ts now connects to
 * `/ws/detection/live` (older builds: `/ws/alerts`); pages/LiveAlertsPage.jsx keeps alerts by `id`
 * (a frame with a known id replaces that alert) and filters `alert.severity === severityFilter`
 * with the options "low" | "medium" | "high" | "critical": severity goes out in LOWER case.
 */
export const AEGIS_PATHS = ['/ws/alerts', '/ws/detection/live'] as const;

/** Aegis has no INFO level; its filter and CSS classes compare lower case. */
const SEVERITY: Record<Severity, string> = { info: 'low', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };
const STATUS: Record<string, string> = {
  NEW: 'NEW',
  ACKNOWLEDGED: 'ACKNOWLEDGED',
  INVESTIGATING: 'ACKNOWLEDGED',
  SUPPRESSED: 'SUPPRESSED',
  RESOLVED: 'RESOLVED',
  FALSE_POSITIVE: 'RESOLVED',
};

/** Vigil threat type → an Aegis-style attack label. */
function attackType(a: FeedAlert): string {
  const udp = a.proto?.toUpperCase() === 'UDP';
  switch (a.threat_type) {
    case 'port_scan':
    case 'reconnaissance':
      return 'SCAN_PORT';
    case 'flood':
      return udp ? 'DDoS_UDP' : 'DDoS_SYN';
    case 'brute_force':
    case 'password_spraying':
      return a.dst_port === 21 ? 'BRUTE_FTP' : 'BRUTE_FORCE';
    case 'exfiltration':
      return a.dst_port === 53 ? 'DNS_EXFILTRATION' : 'EXFILTRATION';
    default:
      return a.threat_type.toUpperCase();
  }
}

export function aegisAlert(a: FeedAlert): Record<string, unknown> {
  const label = attackType(a);
  return {
    id: `vigil-${a.id}`,
    detection_id: String(a.id),
    timestamp: a.last_seen,
    src_ip: a.src_ip,
    dst_ip: a.dst_ip,
    src_port: a.src_port,
    dst_port: a.dst_port,
    attack_type: label,
    label,
    severity: SEVERITY[a.severity],
    status: STATUS[a.status] ?? 'NEW',
    score: Math.round(a.risk_score) / 100,
    description: a.title,
    tags: [...a.tags, ...a.technique_ids],
    meta: {
      model_name: `vigil:${a.source}`,
      rule_id: a.rule_id,
      protocol: a.proto,
      src_port: a.src_port,
      dst_port: a.dst_port,
      confidence: a.confidence,
    },
  };
}

/**
 * Aegis has no message but alerts: a notice re-sends the alert (same id, so the page replaces it in
 * place) with the notice's message as its description and severity, tagged with the playbook.
 */
export function aegisNotice(ev: NoticeEvent): unknown[] {
  const a = aegisAlert(ev.shown);
  return [{ ...a, description: ev.notice.message, tags: [...(a['tags'] as string[]), `playbook:${ev.notice.playbook.id}`] }];
}

export function aegisDialect(session: Session, ctx: DialectContext): DialectHandler {
  return {
    open() {
      const head = Math.max(ctx.headSeq(), ctx.repo.headSeq());
      // The backlog goes to the first connection of an address only: every frame re-renders the
      // page and its hook opens another socket per render, so a backlog per reconnect feeds the leak
      // (and the page, which keeps alerts by id, already has them).
      const first = ![...ctx.sessionsOf('aegis')].some((s) => s !== session && s.address === session.address && s.open);
      const backlog = first && ctx.limits.aegisBacklog > 0 ? ctx.repo.recentAlerts(ctx.limits.aegisBacklog).reverse() : [];
      if (backlog.length) session.send(backlog.map((a) => frame(aegisAlert(a))), backlog.length);
      session.goLive(head);
    },
    // Aegis never sends anything; whatever arrives is ignored (and never answered: every frame it
    // receives must be an alert)
    message() {},
    // creations, and status changes as the same alert again (its page replaces an alert by id)
    frames(ev: FeedEvent) {
      if (ev.kind === 'updated') return [];
      return ev.render('aegis', () => [frame(aegisAlert(ev.alert))]);
    },
    notice: (ev) => ev.render('aegis', () => aegisNotice(ev)),
    sharedKey: () => 'aegis',
  };
}
