import type { AGENT_SORT_FIELDS, WazuhAgent } from '../../../main/contract/wazuh.js';
import { alertsHref } from '../../app/router.js';

export type AgentSortField = (typeof AGENT_SORT_FIELDS)[number];

/** Wazuh's connection statuses in the order the screen shows them, with their words. */
export const STATUS_ORDER = ['active', 'disconnected', 'never_connected', 'pending'] as const;
export const STATUS_LABEL: Record<string, string> = {
  active: 'Active',
  disconnected: 'Disconnected',
  never_connected: 'Never connected',
  pending: 'Pending',
};

export function statusLabel(s: string): string {
  return STATUS_LABEL[s] ?? s;
}

export function statusTone(s: string): 'ok' | 'bad' | 'idle' | 'warn' {
  return s === 'active' ? 'ok' : s === 'disconnected' ? 'bad' : s === 'pending' ? 'warn' : 'idle';
}

/** The filters and order of the list (what the URL and the filter bar hold). */
export interface AgentsQuery {
  connector_id: string | null;
  status: string[];
  os_platform: string | null;
  group: string | null;
  version: string | null;
  text: string;
  sort: { field: AgentSortField; dir: 'asc' | 'desc' };
}

export const EMPTY_QUERY: AgentsQuery = { connector_id: null, status: [], os_platform: null, group: null, version: null, text: '', sort: { field: 'name', dir: 'asc' } };

/** What the route asks for besides filters: an agent to open, an action to confirm. */
export interface AgentsIntent {
  agent: string | null;
  action: 'ar' | 'restart' | null;
  srcip: string | null;
  alert: number | null;
}

/** The screen's query and intent from the route's query string (bad values are dropped). */
export function parseAgentsQuery(query: string): { query: AgentsQuery; intent: AgentsIntent } {
  const p = new URLSearchParams(query);
  const get = (k: string) => p.get(k)?.trim() || null;
  const alert = Number(get('alert'));
  const action = get('action');
  const agent = get('agent');
  return {
    query: {
      ...EMPTY_QUERY,
      connector_id: get('connector'),
      status: (get('status') ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 8),
      os_platform: get('os'),
      group: get('group'),
      version: get('version'),
      text: (get('q') ?? '').slice(0, 200),
    },
    intent: {
      agent: agent && /^\d{3,}$/.test(agent) ? agent : null,
      action: action === 'ar' || action === 'restart' ? action : null,
      srcip: get('srcip'),
      alert: Number.isSafeInteger(alert) && alert > 0 ? alert : null,
    },
  };
}

/** The contract request for a query. */
export function listRequest(q: AgentsQuery, offset: number, limit: number, meta: 'all' | 'counts' | 'none') {
  return {
    ...(q.connector_id ? { connector_id: q.connector_id } : {}),
    ...(q.status.length ? { status: q.status } : {}),
    ...(q.os_platform ? { os_platform: q.os_platform } : {}),
    ...(q.group ? { group: q.group } : {}),
    ...(q.version ? { version: q.version } : {}),
    ...(q.text.trim() ? { text: q.text.trim() } : {}),
    sort: q.sort,
    offset,
    limit,
    meta,
  };
}

export function agentKey(a: Pick<WazuhAgent, 'connector_id' | 'agent_id'>): string {
  return `${a.connector_id}/${a.agent_id}`;
}

/** The alerts of an agent: Wazuh alerts name it; other tools' alerts carry its address. */
export function agentAlertsHref(a: WazuhAgent): string {
  return alertsHref({ text: a.name });
}

export function osText(a: WazuhAgent): string {
  return [a.os_name, a.os_version].filter(Boolean).join(' ') || a.os_platform || '';
}

/** Commands that act on an address and need one. */
export const NEEDS_SRCIP = new Set(['!firewall-drop', '!host-deny', '!route-null', '!win_route-null', '!netsh']);
