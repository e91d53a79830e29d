import { useSyncExternalStore } from 'react';
import { AlertTag, SORT_FIELDS, type AlertFilter, type AlertSort, type AlertStatus, type Priority, type Severity } from '../../main/contract/alerts.js';
import { SEVERITY_ORDER, STATUS_ORDER } from '../lib/domain.js';

const PRIORITY_ORDER = ['P1', 'P2', 'P3', 'P4'] as const satisfies readonly Priority[];

/**
 * Hash routes.
 *
 *   #/dashboard                 the landing screen (also for an empty or unknown hash)
 *   #/alerts                    the alert queue
 *   #/alerts/123                the queue with alert 123 open in the detail view
 *   #/alerts?src_ip=10.0.0.5&severity=high,critical&text=ssh
 *                               the queue, opened with these filters (also after /123)
 *   #/cases                     the case list (#/cases?status=open,in_progress&q=ssh)
 *   #/cases/12                  case 12 (#/cases/12/alerts, /observables, /timeline, /notes, /evidence: a tab)
 *   #/playbooks                 playbooks (#/playbooks/runs: runs with their step log, /approvals: waiting runs)
 *   #/sources                   followed files, quarantine, simulator
 *   #/suppressions[?id=N]       suppression rules (one highlighted)
 *   #/feed                      the LAN alert feed: status, tokens, connected clients, settings
 *   #/tools                     connectors to the team's tools: add, test, trust, health
 *   #/scans[?target=10.0.0.5]   scans on Greenbone, ZAP and SpiderFoot: start (a target: the start form
 *                               opens with it), progress, stalls, stop, resume, log
 *   #/findings?scan=12          every scanner's findings (optionally those one scan saw)
 *   #/agents?connector=prod&agent=001&status=active&q=web&action=ar&srcip=203.0.113.7&alert=12
 *                               the Wazuh agents (query read by the Agents screen; build it with agentsHref)
 *   #/hunt?q=event_type:dns%20dns.rrname:*.ru&range=7d
 *                               the record store searched with the hunt language (range: 1h, 24h, 7d, 30d, all;
 *                               or a fixed span: &from=<ISO>&to=<ISO>)
 *   #/hosts?q=10.0.0.0/8&sort=records&seen=24h&view=agents
 *                               every address the records and alerts name, and every Wazuh agent (hostsHref)
 *   #/hosts/10.0.0.5            one address: its facts, open alerts, recent records by type
 *   #/settings                  analyst, detection, geo enrichment and retention settings
 *   #/about
 *
 * Alerts query parameters are the contract's AlertFilter fields, URL-encoded:
 *   lists (comma-separated): severity, status, priority, source
 *   single values:           src_ip, dst_ip, host, rule_id, tag, text, technique, assignee, min_severity, from, to
 * and the view around them: range (15m, 1h, 24h, 7d: relative to now), sort (field or field:asc).
 * The Alerts screen keeps its whole view (filters, sort, open alert) in the hash, so a view can be
 * bookmarked or pasted, and back / forward step through it; `#/alerts` alone is the default view.
 * Unknown parameters and invalid values are dropped, never an error. Build links with
 * `alertsHref(filter)`.
 */
export type Route =
  | { name: 'dashboard' }
  | {
      name: 'alerts';
      alertId: number | null;
      /** The filters in the hash, or null when it names none. */
      filter: Partial<AlertFilter> | null;
      /** The hash's query string (after '?'), as written. */
      query: string;
    }
  | { name: 'cases'; caseId: number | null; tab: CaseTab }
  | { name: 'playbooks'; tab: PlaybooksTab }
  | { name: 'sources' }
  | { name: 'suppressions'; id: number | null }
  | { name: 'feed' }
  | { name: 'tools' }
  /** `target`: open the start form with this target (from "Scan…" on a host or a value). */
  | { name: 'scans'; target: string | null }
  | { name: 'findings' }
  | { name: 'agents'; query: string }
  /** The hash's query string (q = the hunt query, range), as written; the Hunt screen reads it. */
  | { name: 'hunt'; query: string }
  | {
      name: 'hosts';
      /** The address whose page is open, or null for the list. */
      ip: string | null;
      /** The hash's query string (the list's search, sort, range and view), as written. */
      query: string;
    }
  | { name: 'settings' }
  | { name: 'about' };

export type RouteName = Route['name'];

export const PLAYBOOKS_TABS = ['playbooks', 'runs', 'approvals'] as const;
export type PlaybooksTab = (typeof PLAYBOOKS_TABS)[number];

export const CASE_TABS = ['summary', 'alerts', 'observables', 'timeline', 'notes', 'evidence', 'records', 'findings', 'playbooks'] as const;
export type CaseTab = (typeof CASE_TABS)[number];

/** Link to the case list, or to one case (and one of its tabs). */
export function casesHref(caseId: number | null = null, tab: CaseTab = 'summary'): string {
  if (caseId === null) return '#/cases';
  return `#/cases/${caseId}${tab === 'summary' ? '' : `/${tab}`}`;
}

export const DEFAULT_HASH = '#/dashboard';
const DEFAULT_ROUTE: Route = { name: 'dashboard' };

const LIST_PARAMS = ['severity', 'status', 'priority', 'source'] as const;
const TEXT_PARAMS = ['src_ip', 'dst_ip', 'host', 'rule_id', 'tag', 'text', 'technique', 'assignee', 'country', 'min_severity', 'from', 'to'] as const;

const SEVERITIES: ReadonlySet<string> = new Set(SEVERITY_ORDER);
const STATUSES: ReadonlySet<string> = new Set(STATUS_ORDER);
const PRIORITIES: ReadonlySet<string> = new Set(PRIORITY_ORDER);

function splitList(v: string): string[] {
  return [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The filter encoded in a query string (`a=b&c=d`), or null when it holds none. */
export function parseAlertsQuery(query: string): Partial<AlertFilter> | null {
  const params = new URLSearchParams(query);
  const out: Partial<AlertFilter> = {};
  const sev = params.get('severity');
  if (sev) {
    const v = splitList(sev).filter((s): s is Severity => SEVERITIES.has(s));
    if (v.length) out.severity = v;
  }
  const status = params.get('status');
  if (status) {
    const v = splitList(status.toUpperCase()).filter((s): s is AlertStatus => STATUSES.has(s));
    if (v.length) out.status = v;
  }
  const prio = params.get('priority');
  if (prio) {
    const v = splitList(prio.toUpperCase()).filter((s): s is Priority => PRIORITIES.has(s));
    if (v.length) out.priority = v;
  }
  const source = params.get('source');
  if (source) {
    const v = splitList(source).filter((s) => s.length <= 64).slice(0, 16);
    if (v.length) out.source = v;
  }
  for (const key of TEXT_PARAMS) {
    const raw = params.get(key)?.trim();
    if (!raw) continue;
    if (key === 'min_severity') {
      if (SEVERITIES.has(raw)) out.min_severity = raw as Severity;
    } else if (key === 'from' || key === 'to') {
      if (!Number.isNaN(Date.parse(raw))) out[key] = new Date(raw).toISOString();
    } else if (key === 'technique') {
      if (/^T\d{4}(\.\d{3})?$/i.test(raw)) out.technique = raw.toUpperCase();
    } else if (key === 'tag') {
      const tag = AlertTag.safeParse(raw);
      if (tag.success) out.tag = tag.data;
    } else {
      out[key] = raw.slice(0, key === 'text' || key === 'rule_id' ? 200 : 64);
    }
  }
  return Object.keys(out).length > 0 ? out : null;
}

/** The relative time ranges a view can name (range=24h). */
export const VIEW_RANGES = ['15m', '1h', '24h', '7d'] as const;
export type ViewRange = (typeof VIEW_RANGES)[number];

const SORTABLE: ReadonlySet<string> = new Set(SORT_FIELDS);

/** The view parameters beside the filter: a relative range and the sort, or null when absent or invalid. */
export function parseViewParams(query: string): { range: ViewRange | null; sort: AlertSort | null } {
  const params = new URLSearchParams(query);
  const r = params.get('range');
  const range = r && (VIEW_RANGES as readonly string[]).includes(r) ? (r as ViewRange) : null;
  const [field, dir] = (params.get('sort') ?? '').split(':');
  const sort = field && SORTABLE.has(field) && (dir === undefined || dir === 'asc' || dir === 'desc') ? { field: field as AlertSort['field'], dir: dir ?? 'desc' } : null;
  return { range, sort: sort as AlertSort | null };
}

/** The query string (without '?') for a filter; empty fields are left out. */
export function alertsQuery(filter: Partial<AlertFilter>, view: { range?: ViewRange | null; sort?: AlertSort | null } = {}): string {
  const params = new URLSearchParams();
  for (const key of LIST_PARAMS) {
    const v = filter[key];
    if (v && v.length > 0) params.set(key, v.join(','));
  }
  for (const key of TEXT_PARAMS) {
    const v = filter[key];
    if (typeof v === 'string' && v.trim() !== '') params.set(key, v.trim());
  }
  if (view.range) params.set('range', view.range);
  if (view.sort && !(view.sort.field === 'last_seen' && view.sort.dir === 'desc')) params.set('sort', view.sort.dir === 'desc' ? view.sort.field : `${view.sort.field}:asc`);
  // Keep commas readable in the address bar ("severity=high,critical").
  return params.toString().replace(/%2C/gi, ',');
}

/** Link to the Alerts screen opened with a filter, e.g. alertsHref({src_ip: '10.0.0.5'}). */
export function alertsHref(filter: Partial<AlertFilter> = {}, alertId: number | null = null): string {
  const q = alertsQuery(filter);
  return `#/alerts${alertId !== null ? `/${alertId}` : ''}${q ? `?${q}` : ''}`;
}

/** What a link to the Agents screen can ask for (every part optional). */
export interface AgentsLink {
  connector?: string;
  /** Open this agent's detail. */
  agent?: string;
  status?: string;
  q?: string;
  /** Open a confirmation for this action on `agent`. */
  action?: 'ar' | 'restart';
  /** Prefill the active response's address. */
  srcip?: string;
  /** The alert the action is for. */
  alert?: number;
}

/** Link to the Agents screen, e.g. agentsHref({connector: 'prod', agent: '001', action: 'ar', srcip}). */
export function agentsHref(link: AgentsLink = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(link)) if (v !== undefined && v !== '') params.set(k, String(v));
  const q = params.toString().replace(/%2C/gi, ',');
  return `#/agents${q ? `?${q}` : ''}`;
}

/** Link to the Hosts screen: one host's page, or the list with its search (hostsHref(null, 'q=10.0.0.0/8')). */
export function hostsHref(ip: string | null = null, query = ''): string {
  return `#/hosts${ip !== null ? `/${encodeURIComponent(ip)}` : ''}${query ? `?${query}` : ''}`;
}

function decodeSegment(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function parseHash(hash: string): Route | null {
  const raw = hash.replace(/^#/, '');
  const qi = raw.indexOf('?');
  const path = (qi >= 0 ? raw.slice(0, qi) : raw).replace(/\/+$/, '') || '/dashboard';
  const query = qi >= 0 ? raw.slice(qi + 1) : '';
  if (path === '/dashboard') return { name: 'dashboard' };
  if (path === '/sources') return { name: 'sources' };
  if (path === '/playbooks') return { name: 'playbooks', tab: 'playbooks' };
  if (path === '/playbooks/runs') return { name: 'playbooks', tab: 'runs' };
  if (path === '/playbooks/approvals') return { name: 'playbooks', tab: 'approvals' };
  if (path === '/suppressions') {
    const id = /^\d{1,15}$/.exec(new URLSearchParams(query).get('id') ?? '')?.[0];
    return { name: 'suppressions', id: id ? Number(id) : null };
  }
  if (path === '/cases') return { name: 'cases', caseId: null, tab: 'summary' };
  const cm = /^\/cases\/(\d{1,15})(?:\/([a-z]+))?$/.exec(path);
  if (cm) {
    const tab = (CASE_TABS as readonly string[]).includes(cm[2] ?? 'summary') ? ((cm[2] ?? 'summary') as CaseTab) : null;
    return tab ? { name: 'cases', caseId: Number(cm[1]), tab } : null;
  }
  if (path === '/feed') return { name: 'feed' };
  if (path === '/tools') return { name: 'tools' };
  if (path === '/scans') {
    const target = new URLSearchParams(query).get('target')?.trim().slice(0, 2048) ?? '';
    return { name: 'scans', target: target || null };
  }
  if (path === '/findings') return { name: 'findings' };
  if (path === '/agents') return { name: 'agents', query };
  if (path === '/hunt') return { name: 'hunt', query };
  if (path === '/hosts') return { name: 'hosts', ip: null, query };
  const hm = /^\/hosts\/([^/]{1,200})$/.exec(path);
  if (hm) {
    const ip = decodeSegment(hm[1]!);
    return ip !== null && ip.trim() !== '' ? { name: 'hosts', ip: ip.trim(), query } : null;
  }
  if (path === '/settings') return { name: 'settings' };
  if (path === '/about') return { name: 'about' };
  if (path === '/alerts') return { name: 'alerts', alertId: null, filter: parseAlertsQuery(query), query };
  const m = /^\/alerts\/(\d{1,15})$/.exec(path);
  if (m) return { name: 'alerts', alertId: Number(m[1]), filter: parseAlertsQuery(query), query };
  return null;
}

/** The Scans screen, with the start form open on `target` when one is given. */
export function scansHref(target: string | null = null): string {
  return target ? `#/scans?${new URLSearchParams({ target }).toString()}` : '#/scans';
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'dashboard':
      return '#/dashboard';
    case 'sources':
      return '#/sources';
    case 'playbooks':
      return route.tab === 'playbooks' ? '#/playbooks' : `#/playbooks/${route.tab}`;
    case 'suppressions':
      return route.id !== null ? `#/suppressions?id=${route.id}` : '#/suppressions';
    case 'cases':
      return casesHref(route.caseId, route.tab);
    case 'feed':
      return '#/feed';
    case 'tools':
      return '#/tools';
    case 'scans':
      return scansHref(route.target);
    case 'findings':
      return '#/findings';
    case 'agents':
      return `#/agents${route.query ? `?${route.query}` : ''}`;
    case 'hunt':
      return `#/hunt${route.query ? `?${route.query}` : ''}`;
    case 'hosts':
      return hostsHref(route.ip, route.query);
    case 'settings':
      return '#/settings';
    case 'about':
      return '#/about';
    case 'alerts':
      return `#/alerts${route.alertId !== null ? `/${route.alertId}` : ''}${route.query ? `?${route.query}` : ''}`;
  }
}

// ---- one shared, cached snapshot of the current route (useSyncExternalStore) ----

let cachedHash: string | null = null;
let cachedRoute: Route = DEFAULT_ROUTE;

function snapshot(): Route {
  const hash = window.location.hash;
  if (hash !== cachedHash) {
    cachedHash = hash;
    cachedRoute = parseHash(hash) ?? DEFAULT_ROUTE;
  }
  return cachedRoute;
}

function subscribe(onChange: () => void): () => void {
  const sync = () => {
    const h = window.location.hash;
    if (h === '' || h === '#' || h === '#/' || parseHash(h) === null) {
      // No or unknown route: land on the dashboard without adding a history entry.
      window.history.replaceState(window.history.state, '', DEFAULT_HASH);
    }
    onChange();
  };
  sync();
  window.addEventListener('hashchange', sync);
  return () => window.removeEventListener('hashchange', sync);
}

/** The current route; every caller shares one parsed value (safe to call from any screen). */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, snapshot, () => DEFAULT_ROUTE);
}

/** Navigates (adds a history entry). */
export function navigate(href: string): void {
  if (window.location.hash !== href) window.location.hash = href;
}

/** Changes the hash without a history entry (the route follows, as on a hashchange). */
export function replaceHash(href: string): void {
  if (window.location.hash === href) return;
  window.history.replaceState(window.history.state, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
