/**
 * The Hosts list's view as it lives in the hash (#/hosts?q=10.0.0.0/8&sort=records&seen=24h&view=agents):
 * parsed leniently (unknown or invalid values fall back to the defaults) and written back without
 * the defaults, so `#/hosts` is the default view.
 */
import type { Severity } from '../../../main/contract/alerts.js';
import type { Host } from '../../../main/contract/hunt.js';
import { SEVERITY_ORDER } from '../../lib/domain.js';
import { HUNT_RANGES, type HuntRange } from '../hunt/model.js';

export const HOST_SORTS = [
  { value: 'last_seen', label: 'Last seen' },
  { value: 'first_seen', label: 'First seen' },
  { value: 'records', label: 'Most records' },
] as const;
export type HostSort = (typeof HOST_SORTS)[number]['value'];

export const HOST_SEEN = [
  { value: 'all', label: 'Any time', ms: null },
  { value: '1h', label: 'Seen in the last hour', ms: 3_600_000 },
  { value: '24h', label: 'Seen in the last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Seen in the last 7 days', ms: 7 * 86_400_000 },
] as const;
export type HostSeen = (typeof HOST_SEEN)[number]['value'];

export type HostsView = 'addresses' | 'agents';

export interface HostsQuery {
  /** Addresses: an address or CIDR block; agents: part of a name, id or address. */
  q: string;
  sort: HostSort;
  seen: HostSeen;
  view: HostsView;
}

export const DEFAULT_HOSTS_QUERY: HostsQuery = { q: '', sort: 'last_seen', seen: 'all', view: 'addresses' };

export function parseHostsQuery(query: string): HostsQuery {
  const p = new URLSearchParams(query);
  const sort = p.get('sort');
  const seen = p.get('seen');
  return {
    q: (p.get('q') ?? '').trim().slice(0, 64),
    sort: HOST_SORTS.some((s) => s.value === sort) ? (sort as HostSort) : DEFAULT_HOSTS_QUERY.sort,
    seen: HOST_SEEN.some((s) => s.value === seen) ? (seen as HostSeen) : DEFAULT_HOSTS_QUERY.seen,
    view: p.get('view') === 'agents' ? 'agents' : 'addresses',
  };
}

export function hostsQueryString(q: HostsQuery): string {
  const p = new URLSearchParams();
  if (q.q.trim()) p.set('q', q.q.trim());
  if (q.sort !== DEFAULT_HOSTS_QUERY.sort) p.set('sort', q.sort);
  if (q.seen !== DEFAULT_HOSTS_QUERY.seen) p.set('seen', q.seen);
  if (q.view !== DEFAULT_HOSTS_QUERY.view) p.set('view', q.view);
  return p.toString().replace(/%2F/gi, '/').replace(/%3A/gi, ':');
}

/** The hosts.list request of a view (seen_after resolved against `now`). */
export function hostsListRequest(q: HostsQuery, now: number): { cidr?: string; seen_after?: string; sort: HostSort } {
  const ms = HOST_SEEN.find((s) => s.value === q.seen)?.ms ?? null;
  return {
    sort: q.sort,
    ...(q.q.trim() ? { cidr: q.q.trim() } : {}),
    ...(ms !== null ? { seen_after: new Date(now - ms).toISOString() } : {}),
  };
}

/** Open alerts by severity, most severe first, without the zeros. */
export function openAlertCounts(open: Host['open_alerts']): { severity: Severity; n: number }[] {
  return SEVERITY_ORDER.map((severity) => ({ severity, n: open[severity] ?? 0 })).filter((x) => x.n > 0);
}

/** An address class as the enrich stage names it ("link_local"), for display ("Link local"). */
export function classLabel(c: string): string {
  const t = c.replace(/_/g, ' ');
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The Hunt ranges a host's ports are counted over: the Hunt screen's, shortest first, but the last hour. */
export type PortsRange = Exclude<HuntRange, '1h'>;
const PORT_RANGES = HUNT_RANGES.filter((r): r is Extract<(typeof HUNT_RANGES)[number], { value: PortsRange }> => r.value !== '1h');

/**
 * The shortest Hunt range, up to now, that holds a host's last record: its ports are counted over
 * that range, so a host last seen last week still shows them, and its links open the same range.
 */
export function portsRange(lastSeenIso: string, now: number): PortsRange {
  const age = now - Date.parse(lastSeenIso);
  return PORT_RANGES.find((r) => r.ms === null || age < r.ms)?.value ?? 'all';
}

/** A ports range as the card's title says it ("flows, last 24 hours") and as a sentence ends with it. */
export function portsRangeText(range: PortsRange): { title: string; span: string } {
  switch (range) {
    case '24h':
      return { title: 'last 24 hours', span: 'in the last 24 hours' };
    case '7d':
      return { title: 'last 7 days', span: 'in the last 7 days' };
    case '30d':
      return { title: 'last 30 days', span: 'in the last 30 days' };
    case 'all':
      return { title: 'all records kept', span: 'in any record kept' };
  }
}

/**
 * The hunt query counting a host's flows by destination port and protocol, the host as destination
 * ("in": the services it answers on) or source ("out": those it reaches). Flow records only: they
 * keep the initiator as source, where an answer record (DNS) is logged from the server's side and
 * would count the client's own ephemeral port as a service.
 */
export function portsQuery(ip: string, side: 'in' | 'out'): string {
  return `event_type:flow ${side === 'in' ? 'dst_ip' : 'src_ip'}:${ip} | groupby dst_port proto`;
}

/** A port group's label: "443/TCP", the protocol alone with no port (ICMP), "—" with neither. */
export function portLabel([port, proto]: readonly (string | number | null)[]): string {
  if (port === null || port === undefined) return proto === null || proto === undefined ? '—' : String(proto);
  return `${port}/${proto ?? '?'}`;
}
