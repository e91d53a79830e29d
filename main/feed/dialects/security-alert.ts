import type { Severity } from '../../contract/alerts.js';
import type { FeedAlert } from '../../store/feed-repo.js';
import { frame, type Enrichment, type FeedEvent, type NoticeEvent } from '../event.js';
import type { DialectHandler, Session } from '../session.js';
import type { DialectContext } from './context.js';

/**
 * BlueWall (/ws/security/alerts?token=) and IPS Security Center's API spec
 * (/api/v1/ws/security-alerts?token=) share one frame: `{type:"security_alert", source, timestamp,
 * severity, alert:{...}}` whose alert carries both BlueWall's keys (wall_name, threat_level, details
 * AS A STRING, ...) and IPS's (id, rule_id, description, agent, data). Facts:
 * reference/feed-clients.md §3, §4.
 *
 * IPS Security Center's SHIPPED client (ChristianUhlander/blue-core-nexus: src/config/environment.ts
 * opens `ws://localhost:3001/ws` with no token; src/hooks/useRealTimeSecurityData.ts and
 * src/types/security.ts read `WSMessage {type:"alert", source, data: SecurityAlert, timestamp}`) gets
 * its own frame on /ws.
 */
export const BLUEWALL_PATH = '/ws/security/alerts';
/** The IPS path of its shipped client (no token: an address allow-list admits it). */
export const IPS_STOCK_PATH = '/ws';
export const IPS_PATHS = ['/api/v1/ws/security-alerts', IPS_STOCK_PATH] as const;

/** BlueWall colours low/medium/high; critical shows grey, so it is reported as high. */
const THREAT_LEVEL: Record<Severity, 'low' | 'medium' | 'high'> = { info: 'low', low: 'low', medium: 'medium', high: 'high', critical: 'high' };

/** One line about an alert (BlueWall's `details` must be a string: an object crashes its render). */
function details(a: FeedAlert): string {
  const route = [a.src_ip ? `${a.src_ip}${a.src_port !== null ? `:${a.src_port}` : ''}` : null, a.dst_ip ? `${a.dst_ip}${a.dst_port !== null ? `:${a.dst_port}` : ''}` : null]
    .filter(Boolean)
    .join(' -> ');
  return `${a.title}${route ? ` (${route}${a.proto ? ` ${a.proto}` : ''})` : ''}; seen ${a.count}x, risk ${a.risk_score}/100, ${a.priority}, ${a.status}`;
}

/** What a status change says first, so a dashboard that lists every frame shows it as an update. */
function statusNote(a: FeedAlert): string {
  return `Status ${a.status}${a.assignee ? ` (assigned to ${a.assignee})` : ''} in Vigil: `;
}

function location(e: Enrichment): { location?: string; latitude?: number; longitude?: number } {
  const geo = e.src?.geo;
  if (!geo) return {};
  const out: { location?: string; latitude?: number; longitude?: number } = {};
  const place = [geo.city, geo.country].filter((x): x is string => typeof x === 'string' && x.length > 0).join(', ');
  if (place) out.location = place;
  // BlueWall puts a globe marker only when both are truthy
  if (typeof geo.latitude === 'number' && typeof geo.longitude === 'number' && geo.latitude && geo.longitude) {
    out.latitude = geo.latitude;
    out.longitude = geo.longitude;
  }
  return out;
}

/** The Wazuh-like `data` both IPS frames carry. */
function ipsData(a: FeedAlert): Record<string, unknown> {
  return {
    srcip: a.src_ip,
    srcport: a.src_port,
    dstip: a.dst_ip,
    dstport: a.dst_port,
    protocol: a.proto,
    attempts: a.count,
    risk_score: a.risk_score,
    priority: a.priority,
    status: a.status,
    threat_type: a.threat_type,
    technique_ids: a.technique_ids,
    first_seen: a.first_seen,
    last_seen: a.last_seen,
  };
}

/** The alert's Wazuh agent; a network alert names the sensor that saw it. */
function alertAgent(a: FeedAlert): { id: string | null; name: string | null } {
  return a.agent ? { id: a.agent.id, name: a.agent.name } : { id: null, name: a.sensor };
}

export function securityAlert(a: FeedAlert, e: Enrichment, statusChange = false): Record<string, unknown> {
  const agent = alertAgent(a);
  return {
    type: 'security_alert',
    source: a.source,
    timestamp: a.last_seen,
    severity: a.severity,
    alert: {
      // IPS Security Center
      id: String(a.id),
      rule_id: a.rule_id,
      description: a.title,
      agent,
      data: ipsData(a),
      // BlueWall
      alert_id: `vigil-${a.id}`,
      wall_name: `Vigil (${a.source})`,
      threat_level: THREAT_LEVEL[a.severity],
      details: `${statusChange ? statusNote(a) : ''}${details(a)}`,
      ...location(e),
      source_wall: 'vigil',
      alert_type: a.threat_type,
      severity: a.severity,
      identifier: a.src_ip ?? a.rule_id ?? String(a.id),
      mitigation_action: 'none',
      timestamp: Math.floor(Date.parse(a.last_seen) / 1000),
    },
  };
}

/** Wazuh-style rule levels for the IPS client, which maps >=12 critical, >=8 high, >=5 medium. */
const RULE_LEVEL: Record<Severity, number> = { info: 2, low: 4, medium: 7, high: 10, critical: 12 };

/**
 * The shipped IPS client's `{type:"alert", source, data: SecurityAlert, timestamp}`: it prepends
 * `data` to its list, toasts critical/high ones (`['critical','high'].includes(alert.severity)`:
 * lower case), and marks one acknowledged by `alert.id`.
 */
export function ipsStockAlert(a: FeedAlert, e: Enrichment, at: string): Record<string, unknown> {
  const agent = alertAgent(a);
  return {
    type: 'alert',
    source: a.source,
    timestamp: at,
    data: {
      id: String(a.id),
      source: a.source,
      timestamp: a.last_seen,
      severity: a.severity,
      title: a.title,
      description: details(a),
      ...(agent?.id ? { agentId: agent.id } : {}),
      ...(agent?.name ? { agentName: agent.name } : {}),
      rule: { id: a.rule_id ?? a.threat_type, description: a.title, level: RULE_LEVEL[a.severity] },
      data: ipsData(a),
      status: a.status,
      acknowledged: a.status !== 'NEW',
      ...(a.assignee ? { assignedTo: a.assignee } : {}),
    },
  };
}

/**
 * A notice in the shared security_alert frame: BlueWall lists every such frame as a new row, so the
 * message leads `details` (a string) followed by the alert's own line; IPS reads it as `description`.
 */
export function securityNotice(ev: NoticeEvent): unknown[] {
  const f = securityAlert(ev.shown, ev.enrichment);
  const alert = f['alert'] as Record<string, unknown>;
  return [{ ...f, timestamp: ev.notice.at, alert: { ...alert, description: ev.notice.message, details: `${ev.notice.message} | ${details(ev.shown)}` } }];
}

/** A notice for the shipped IPS client: an alert it prepends (and toasts when critical/high) titled with the message. */
export function ipsStockNotice(ev: NoticeEvent): unknown[] {
  const f = ipsStockAlert(ev.shown, ev.enrichment, ev.notice.at);
  return [{ ...f, data: { ...(f['data'] as Record<string, unknown>), title: ev.notice.message } }];
}

/** Alert creations and status changes (count updates are the native protocol's). */
const carried = (ev: FeedEvent) => ev.kind === 'new' || ev.kind === 'status';

function securityFrame(ev: FeedEvent): readonly Buffer[] {
  if (!carried(ev)) return [];
  return ev.render('security_alert', () => [frame(securityAlert(ev.alert, ev.enrichment, ev.kind === 'status'))]);
}

function ipsStockFrame(ev: FeedEvent): readonly Buffer[] {
  if (!carried(ev)) return [];
  return ev.render('ips_alert', () => [frame(ipsStockAlert(ev.alert, ev.enrichment, ev.ts))]);
}

export function blueWallDialect(session: Session, ctx: DialectContext): DialectHandler {
  const epoch = () => Math.floor(Date.now() / 1000);
  return {
    open() {
      session.sendJson({
        type: 'welcome',
        client_id: session.id,
        username: session.identity?.name ?? null,
        role: session.identity?.claimRole ?? session.identity?.role ?? null,
        timestamp: epoch(),
        message: `connected to ${ctx.serverName} security alerts`,
      });
      session.goLive(ctx.headSeq());
    },
    message(text) {
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown } | null)?.type;
      } catch {
        return;
      }
      // BlueWall's client never sends pongs; liveness rides on protocol pings, so nothing is required
      if (type === 'ping') session.sendJson({ type: 'pong', client_id: session.id, timestamp: epoch() });
    },
    frames: securityFrame,
    notice: (ev) => ev.render('security_alert', () => securityNotice(ev)),
    sharedKey: () => 'security_alert',
  };
}

/** IPS channel names → alert sources (`wazuh_alerts` → wazuh); these mean everything. */
const ALL_CHANNELS = new Set(['alerts', 'all', 'security_alerts', 'security-alerts']);

interface IpsSubscription {
  sources: Set<string> | null;
  severities: Set<string> | null;
  agents: Set<string> | null;
}

function subscriptionOf(msg: Record<string, unknown>): { sub: IpsSubscription; channels: string[]; filters: Record<string, string[]> } {
  const strings = (v: unknown, max = 64): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.length > 0 && x.length <= 128).slice(0, max) : [];
  const channels = strings(msg['channels']);
  const f = msg['filters'] && typeof msg['filters'] === 'object' ? (msg['filters'] as Record<string, unknown>) : {};
  const severity = strings(f['severity']).map((s) => s.toLowerCase());
  const agentIds = strings(f['agent_ids']);
  let sources: Set<string> | null = null;
  if (channels.length && !channels.some((c) => ALL_CHANNELS.has(c.toLowerCase()))) {
    sources = new Set(channels.map((c) => c.toLowerCase().replace(/[_-]alerts?$/, '')));
  }
  return {
    sub: { sources, severities: severity.length ? new Set(severity) : null, agents: agentIds.length ? new Set(agentIds) : null },
    channels,
    filters: { severity, agent_ids: agentIds },
  };
}

/** Whether an alert passes an IPS client's subscription. */
function subscribed(sub: IpsSubscription, a: FeedAlert): boolean {
  if (sub.sources && !sub.sources.has(a.source.toLowerCase())) return false;
  if (sub.severities && !sub.severities.has(a.severity)) return false;
  if (sub.agents) {
    const id = a.agent?.id;
    if (!id || !sub.agents.has(id)) return false;
  }
  return true;
}

export function ipsDialect(session: Session, ctx: DialectContext): DialectHandler {
  let sub: IpsSubscription = { sources: null, severities: null, agents: null };
  const now = () => new Date().toISOString();
  const stock = session.url.pathname.replace(/\/$/, '') === IPS_STOCK_PATH;
  const render = stock ? ipsStockFrame : securityFrame;
  const sharedKey = stock ? 'ips_alert' : 'security_alert';

  return {
    open() {
      // without a token in the URL the first message must carry it (the server keeps the deadline)
      if (session.identity) session.goLive(ctx.headSeq());
    },
    message(text) {
      let msg: Record<string, unknown> | null = null;
      try {
        const v: unknown = JSON.parse(text);
        if (v && typeof v === 'object' && !Array.isArray(v)) msg = v as Record<string, unknown>;
      } catch {
        // ignored below
      }
      if (session.state === 'authenticating') {
        const token = typeof msg?.['token'] === 'string' ? (msg['token'] as string) : null;
        if (!ctx.authenticateLate(session, token)) return;
        session.sendJson({ type: 'authenticated', timestamp: now(), user: session.identity!.name, role: session.identity!.role });
        session.goLive(ctx.headSeq());
        return;
      }
      if (!msg) return;
      switch (msg['type']) {
        case 'subscribe': {
          const s = subscriptionOf(msg);
          sub = s.sub;
          session.sendJson({ type: 'subscribed', channels: s.channels, filters: s.filters, timestamp: now() });
          return;
        }
        case 'unsubscribe':
          sub = { sources: null, severities: null, agents: null };
          session.sendJson({ type: 'unsubscribed', timestamp: now() });
          return;
        case 'ping':
          session.sendJson({ type: 'pong', timestamp: now() });
          return;
        default:
          return;
      }
    },
    frames: (ev) => (subscribed(sub, ev.alert) ? render(ev) : []),
    notice(ev) {
      if (!subscribed(sub, ev.shown)) return [];
      return stock ? ev.render('ips_alert', () => ipsStockNotice(ev)) : ev.render('security_alert', () => securityNotice(ev));
    },
    sharedKey: () => (sub.sources === null && sub.severities === null && sub.agents === null ? sharedKey : null),
    laggingFrame() {
      return frame({ type: 'lagging', timestamp: now(), message: 'this client fell behind and is being disconnected (1013)' });
    },
  };
}
