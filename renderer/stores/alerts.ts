import { create } from 'zustand';
import {
  searchWords,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type AlertSort,
  type AlertStatus,
  type Priority,
  type Severity,
} from '../../main/contract/alerts.js';
import type { EventPayload } from '../../main/contract/events.js';
import type { Settings } from '../../main/contract/settings.js';
import { api, ApiError } from '../api/index.js';
import { SEVERITY_LABEL, SEVERITY_ORDER, STATUS_LABEL, STATUS_ORDER } from '../lib/domain.js';
import { formatMinutes } from '../lib/format.js';
import { alertsQuery, parseAlertsQuery, parseViewParams, VIEW_RANGES, type ViewRange } from '../app/router.js';
import { useSettings } from './settings.js';

export type TimeRange = ViewRange | 'all' | 'custom';

export const TIME_RANGES: ReadonlyArray<{ value: TimeRange; label: string; ms: number | null }> = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: 'all', label: 'All time', ms: null },
  { value: 'custom', label: 'Custom range…', ms: null },
];

export const PRIORITY_ORDER = ['P1', 'P2', 'P3', 'P4'] as const satisfies readonly Priority[];

/** Sources the filter offers as chips (the pipeline's normalizers). */
export const SOURCES = ['suricata', 'wazuh'] as const;

export type SortField = AlertSort['field'];
export type SortDir = AlertSort['dir'];
export const DEFAULT_SORT: AlertSort = { field: 'last_seen', dir: 'desc' };

/** The Alerts screen's filter as the controls hold it ('' = not set). */
export interface AlertsFilter {
  severity: Severity[];
  status: AlertStatus[];
  priority: Priority[];
  source: string[];
  range: TimeRange;
  /** Custom range bounds (ISO 8601), used when range is 'custom'. */
  from: string;
  to: string;
  /** Committed search text (the search box commits SEARCH_DEBOUNCE_MS after the last keystroke). */
  text: string;
  /** An address or CIDR block (validated before it is committed). */
  src_ip: string;
  dst_ip: string;
  /** ATT&CK technique id (T1110 also matches sub-techniques). */
  technique: string;
  assignee: string;
  /** A host: agent name or id, sensor, or an address (exact). */
  host: string;
  /** An exact rule id (the dashboard's "Top rules" drill-down). */
  rule_id: string;
  /** Alerts carrying this tag. */
  tag: string;
}

export const EMPTY_FILTER: AlertsFilter = {
  severity: [],
  status: [],
  priority: [],
  source: [],
  range: 'all',
  from: '',
  to: '',
  text: '',
  src_ip: '',
  dst_ip: '',
  technique: '',
  assignee: '',
  host: '',
  rule_id: '',
  tag: '',
};

/**
 * The analyst waits for this pause after the last keystroke, so it is part of what a search
 * costs; a broad search on 1,000,000 alerts takes under 100 ms server-side (test/bench/ui-bench),
 * so querying at a shorter pause in typing is cheap.
 */
export const SEARCH_DEBOUNCE_MS = 100;
/**
 * A search of short words only ("s", "ss", "22": under three letters or digits each) waits for
 * this longer pause, or Enter. It matches most alerts and is the server's costliest search (every
 * index term with that prefix, ~400 ms for "s" on 1,000,000 alerts), and at typing speed it is
 * only the way to a longer word: sent, it would hold the server while the longer word waits.
 */
export const SHORT_SEARCH_DEBOUNCE_MS = 600;

/** Whether a search has only short words (see SHORT_SEARCH_DEBOUNCE_MS); an empty one has none. */
export function isShortSearch(text: string): boolean {
  const words = searchWords(text);
  return words.length > 0 && words.every((w) => w.replace(/[^\p{L}\p{N}]/gu, '').length < 3);
}
/** Minimum spacing of automatic top-of-list refreshes triggered by alerts.changed. */
const REFRESH_SPACING_MS = 1000;
/** Minimum spacing of automatic re-counts (alerts.count) after live changes. */
const RECOUNT_SPACING_MS = 5000;
/** Delay between a new first page and its exact count (alerts.count). */
const COUNT_DELAY_MS = 120;
/** Loaded rows changed by an event are re-fetched in place, up to this many per event. */
const MAX_PATCH = 50;
/** At most this many rows stay in memory; pages far from the viewport are dropped. */
export const MAX_ROWS = 3000;
/** Largest page the contract allows (used to fill big gaps above the loaded window). */
const MAX_PAGE = 500;

export function isFilterActive(f: AlertsFilter): boolean {
  return (
    f.severity.length > 0 ||
    f.status.length > 0 ||
    f.priority.length > 0 ||
    f.source.length > 0 ||
    f.range !== 'all' ||
    f.text.trim() !== '' ||
    f.src_ip.trim() !== '' ||
    f.dst_ip.trim() !== '' ||
    f.technique.trim() !== '' ||
    f.assignee.trim() !== '' ||
    f.host.trim() !== '' ||
    f.rule_id.trim() !== '' ||
    f.tag.trim() !== ''
  );
}

/** Equal for two controls' filters that select the same alerts (a relative range compares as itself). */
function filterKey(f: AlertsFilter): string {
  return JSON.stringify(toListFilter(f, 0));
}

/** The contract filter for a UI filter; a relative time range is resolved against `now`. */
export function toListFilter(f: AlertsFilter, now = Date.now()): AlertFilter {
  const out: AlertFilter = {};
  if (f.severity.length > 0) out.severity = [...f.severity];
  if (f.status.length > 0) out.status = [...f.status];
  if (f.priority.length > 0) out.priority = [...f.priority];
  if (f.source.length > 0) out.source = [...f.source];
  if (f.range === 'custom') {
    if (f.from) out.from = f.from;
    if (f.to) out.to = f.to;
  } else {
    const range = TIME_RANGES.find((r) => r.value === f.range);
    if (range?.ms) out.from = new Date(now - range.ms).toISOString();
  }
  const text = f.text.trim().slice(0, 200);
  if (text) out.text = text;
  if (f.src_ip.trim()) out.src_ip = f.src_ip.trim();
  if (f.dst_ip.trim()) out.dst_ip = f.dst_ip.trim();
  if (f.technique.trim()) out.technique = f.technique.trim().toUpperCase();
  if (f.assignee.trim()) out.assignee = f.assignee.trim();
  if (f.host.trim()) out.host = f.host.trim();
  if (f.rule_id.trim()) out.rule_id = f.rule_id.trim();
  if (f.tag.trim()) out.tag = f.tag.trim().toLowerCase();
  return out;
}

/**
 * What a saved filter keeps: the contract filter without a relative time bound (a saved
 * "last 24 hours" must not freeze to the day it was saved). Custom ranges are kept.
 */
export function toSavedFilter(f: AlertsFilter): AlertFilter {
  const out = toListFilter({ ...f, range: f.range === 'custom' ? 'custom' : 'all' });
  return out;
}

/** A contract filter (route query, saved filter) → the controls' filter. */
export function fromContractFilter(p: Partial<AlertFilter>, keepRange?: Pick<AlertsFilter, 'range' | 'from' | 'to'>): AlertsFilter {
  const f: AlertsFilter = { ...EMPTY_FILTER };
  const sev = new Set([...(p.severity ?? [])]);
  if (p.min_severity) for (const s of SEVERITY_ORDER.slice(0, SEVERITY_ORDER.indexOf(p.min_severity) + 1)) sev.add(s);
  f.severity = SEVERITY_ORDER.filter((s) => sev.has(s));
  if (p.status) f.status = [...p.status];
  if (p.priority) f.priority = [...p.priority];
  if (p.source) f.source = [...p.source];
  if (p.from || p.to) {
    f.range = 'custom';
    f.from = p.from ? new Date(p.from).toISOString() : '';
    f.to = p.to ? new Date(p.to).toISOString() : '';
  } else if (keepRange) {
    f.range = keepRange.range;
    f.from = keepRange.from;
    f.to = keepRange.to;
  }
  f.text = p.text ?? '';
  f.src_ip = p.src_ip ?? '';
  f.dst_ip = p.dst_ip ?? '';
  f.technique = p.technique ?? '';
  f.assignee = p.assignee ?? '';
  f.host = p.host ?? '';
  f.rule_id = p.rule_id ?? '';
  f.tag = p.tag ?? '';
  return f;
}

/** What the hash holds of the Alerts screen: its filter (with a relative range by name) and sort. */
export interface AlertsView {
  filter: AlertsFilter;
  sort: AlertSort;
}

/** The hash query of a view (canonical: the same view always gives the same text). */
export function viewQuery(v: AlertsView): string {
  const relative = (VIEW_RANGES as readonly string[]).includes(v.filter.range) ? (v.filter.range as ViewRange) : null;
  // a relative range is written by name (it must not freeze to the moment of the link)
  const f = v.filter;
  const contract = toListFilter({
    ...f,
    range: relative ? 'all' : f.range,
    // the same choices in any order are the same view
    severity: SEVERITY_ORDER.filter((x) => f.severity.includes(x)),
    status: STATUS_ORDER.filter((x) => f.status.includes(x)),
    priority: PRIORITY_ORDER.filter((x) => f.priority.includes(x)),
    source: [...f.source].sort(),
  });
  return alertsQuery(contract, { range: relative, sort: v.sort });
}

/** The view a hash query names (missing parts are the defaults). */
export function viewFromQuery(query: string): AlertsView {
  const { range, sort } = parseViewParams(query);
  const filter = fromContractFilter(parseAlertsQuery(query) ?? {});
  if (range && filter.range !== 'custom') filter.range = range;
  return { filter, sort: sort ?? DEFAULT_SORT };
}

/** A link to the Alerts screen as it is now (same view), with an alert's detail open or not. */
export function currentViewHref(alertId: number | null = null): string {
  const s = useAlerts.getState();
  const q = viewQuery({ filter: s.filter, sort: s.sort });
  return `#/alerts${alertId !== null ? `/${alertId}` : ''}${q ? `?${q}` : ''}`;
}

/** One line a human can read: "High, Critical · src 10.0.0.0/8 · last 24 hours". */
export function describeFilter(f: Partial<AlertFilter>, range?: TimeRange): string {
  const parts: string[] = [];
  if (f.severity?.length) parts.push(f.severity.map((s) => SEVERITY_LABEL[s]).join(', '));
  if (f.min_severity) parts.push(`${SEVERITY_LABEL[f.min_severity]} or higher`);
  if (f.status?.length) parts.push(f.status.map((s) => STATUS_LABEL[s]).join(', '));
  if (f.priority?.length) parts.push(f.priority.join(', '));
  if (f.source?.length) parts.push(f.source.join(', '));
  if (f.host) parts.push(`host ${f.host}`);
  if (f.rule_id) parts.push(`rule ${f.rule_id}`);
  if (f.tag) parts.push(`tag ${f.tag}`);
  if (f.src_ip) parts.push(`src ${f.src_ip}`);
  if (f.dst_ip) parts.push(`dst ${f.dst_ip}`);
  if (f.technique) parts.push(f.technique);
  if (f.assignee) parts.push(`assigned to ${f.assignee}`);
  if (f.text) parts.push(`“${f.text}”`);
  const rel = range ? TIME_RANGES.find((r) => r.value === range && r.ms !== null) : undefined;
  if (rel) parts.push(rel.label.toLowerCase());
  else if (f.from || f.to) {
    const a = f.from ? formatMinutes(f.from) : '…';
    const b = f.to ? formatMinutes(f.to) : 'now';
    parts.push(`${a} – ${b}`);
  }
  return parts.length > 0 ? parts.join(' · ') : 'All alerts';
}

const PRIORITY_RANK: Record<Priority, number> = { P1: 4, P2: 3, P3: 2, P4: 1 };

/** The value the server sorts by for a field (the `k` of a keyset cursor). */
export function sortKey(a: Alert, field: SortField): string | number {
  switch (field) {
    case 'last_seen':
      return a.last_seen;
    case 'first_seen':
      return a.first_seen;
    case 'risk_score':
      return a.risk_score;
    case 'count':
      return a.count;
    case 'severity':
      return SEVERITY_ORDER.length - 1 - SEVERITY_ORDER.indexOf(a.severity);
    case 'priority':
      return PRIORITY_RANK[a.priority];
  }
}

export function cursorOf(a: Alert, field: SortField): AlertCursor {
  return { k: sortKey(a, field), id: a.id };
}

export type LoadState = 'idle' | 'initial' | 'more';

export interface AlertsState {
  filter: AlertsFilter;
  /** What the search box shows right now (may be ahead of filter.text by up to SEARCH_DEBOUNCE_MS). */
  textInput: string;
  sort: AlertSort;
  /**
   * The loaded window of the list: `items[0]` is row `windowStart` of the whole result. Rows
   * before it were dropped (or never loaded) and are fetched back by reverse keyset paging.
   */
  items: Alert[];
  windowStart: number;
  /** Cursor of the next page; null when the last page is loaded. */
  next: AlertCursor | null;
  loading: LoadState;
  /** A page above the window is loading. */
  prevLoading: boolean;
  /** Error of the first page (the list shows an error state). */
  error: ApiError | null;
  /** Error of a later page (the list shows a retry row at its end). */
  moreError: ApiError | null;
  prevError: ApiError | null;
  /** Whether the first page for the current filter has answered. */
  loaded: boolean;
  /** Bumped each time a new list replaces the old one (the grid scrolls to the top). */
  listSeq: number;
  /**
   * Index-space corrections for the grid (rows turned out to be more or fewer above the window
   * than assumed): the grid scrolls by `delta` rows to keep the same rows in view.
   */
  shift: { seq: number; delta: number };
  /** Exact number of alerts matching the list's filter (alerts.count); null while unknown. */
  total: number | null;
  /** The cursor row: the target of keyboard triage. */
  selectedId: number | null;
  /** Checked rows for bulk actions. */
  checked: ReadonlySet<number>;
  /** The last row checked by hand (start of a shift-click range). */
  anchorId: number | null;
  /** Bulk target is "everything matching this filter" (no page cap). */
  matchAll: boolean;
  /** Whether the list is scrolled to its top (set by the view). */
  atTop: boolean;
  /** New alerts that arrived while scrolled down (the "N new" pill). */
  pendingNew: number;
  /** Loaded rows may be out of order after updates that arrived while scrolled down. */
  stale: boolean;
  /** Chosen columns left out because the table is too narrow for them (the Columns menu says so). */
  collapsedColumns: readonly Settings['alertsColumns'][number][];
  setCollapsedColumns(cols: readonly Settings['alertsColumns'][number][]): void;

  setFilter(patch: Partial<AlertsFilter>): void;
  /** Replaces the whole filter (saved filters, links with a query). */
  replaceFilter(next: AlertsFilter): void;
  /** Shows a view named by the hash (filter and sort), with one reload. */
  applyView(view: AlertsView): void;
  toggleSeverity(s: Severity): void;
  toggleStatus(s: AlertStatus): void;
  togglePriority(p: Priority): void;
  toggleSource(s: string): void;
  setRange(r: TimeRange): void;
  setTextInput(text: string): void;
  /** Searches for what the search box shows now, without waiting for the pause (Enter). */
  commitTextInput(): void;
  clearFilters(): void;
  /** Header click: same field flips the direction, another field sorts it descending. */
  toggleSort(field: SortField): void;
  /** The contract filter of the list on screen (time bounds as resolved when it loaded). */
  currentListFilter(): AlertFilter;
  /** Loads the first page for the current filter (shows the loading state). */
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  /** Loads the rows just above the window (reverse keyset). */
  loadPrev(): Promise<void>;
  /** The grid reports the rendered index range; pages are fetched or dropped around it. */
  ensureRange(start: number, end: number): void;
  refreshCount(): Promise<void>;
  /** Reloads the first page after the "N new" pill was clicked. */
  showPending(): Promise<void>;
  /** Applies an alerts.changed push without moving the scroll position. */
  handleChanged(payload: EventPayload<'alerts.changed'>): void;
  /** After a reconnect: events may have been missed. */
  resync(): void;
  setAtTop(atTop: boolean): void;
  select(id: number | null): void;
  /** Moves the cursor by delta rows; returns the new grid index (or null for an empty list). */
  moveSelection(delta: number): number | null;
  /** Puts the cursor on a grid index (clamped to the loaded window); returns it. */
  selectIndex(index: number): number | null;
  /** Grid index of a loaded alert, or null. */
  indexOf(id: number): number | null;
  findAlert(id: number): Alert | undefined;
  /** Optimistic edit of a loaded row; returns the row as it was. */
  patchAlert(id: number, patch: Partial<Alert>): Alert | undefined;
  /** Puts a fresh copy of an alert in place (server answer, or a rollback). */
  replaceAlert(alert: Alert): void;
  toggleChecked(id: number, range?: boolean): void;
  setChecked(ids: readonly number[], on: boolean): void;
  checkAllLoaded(): void;
  selectAllMatching(): void;
  clearChecked(): void;
}

function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export const useAlerts = create<AlertsState>((set, get) => {
  /** Bumped by every query that replaces the list: answers of older queries are dropped. */
  let generation = 0;
  let textTimer: ReturnType<typeof setTimeout> | null = null;
  const stopTextTimer = () => {
    if (textTimer) clearTimeout(textTimer);
    textTimer = null;
  };
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshInFlight = false;
  let refreshQueued = false;
  let lastRefresh = 0;
  let lastCount = 0;
  let countGen = 0;

  /**
   * The contract filter of the list on screen. Resolved once per first-page query, so every
   * later page of the same list uses the same time bound ("last 15 min" does not slide while
   * the analyst scrolls), and so does "everything matching" in bulk actions.
   */
  let listFilter: AlertFilter = {};
  let listSort: AlertSort = DEFAULT_SORT;
  /** The controls' filter the list on screen answers (its count too), as filterKey gives it. */
  let listKey: string | null = null;

  const pageSize = () => useSettings.getState().pageSize;

  /** First page: resolves the filter afresh. The caller adopts `filter` if it keeps the answer. */
  function fetchFirst(limit = pageSize()) {
    const filter = toListFilter(get().filter);
    const sort = { ...get().sort };
    return api.call('alerts.list', { filter, limit, sort }).then((res) => ({ res, filter, sort }));
  }

  function applyFilter(patch: Partial<AlertsFilter>): void {
    set({ filter: { ...get().filter, ...patch }, checked: new Set(), matchAll: false, anchorId: null });
    void get().reload();
  }

  async function refreshTop(): Promise<void> {
    const s = get();
    if (s.loading === 'initial' || !s.loaded) return; // a full load is coming anyway
    refreshInFlight = true;
    lastRefresh = Date.now();
    const gen = generation;
    try {
      const { res, filter, sort } = await fetchFirst();
      if (gen !== generation) return;
      if (!get().atTop) {
        set({ stale: true });
        return;
      }
      generation++; // drops a page load in flight: its cursor belongs to the old list
      listFilter = filter;
      listSort = sort;
      set({
        items: res.items,
        windowStart: 0,
        next: res.next,
        loading: 'idle',
        prevLoading: false,
        error: null,
        moreError: null,
        prevError: null,
        pendingNew: 0,
        stale: false,
      });
      if (Date.now() - lastCount > RECOUNT_SPACING_MS) void get().refreshCount();
    } catch {
      // keep the list as it is; the next event or a manual refresh tries again
    } finally {
      refreshInFlight = false;
      if (refreshQueued) {
        refreshQueued = false;
        requestRefreshTop();
      }
    }
  }

  function requestRefreshTop(): void {
    if (refreshInFlight) {
      refreshQueued = true;
      return;
    }
    if (refreshTimer) return;
    const wait = lastRefresh + REFRESH_SPACING_MS - Date.now();
    if (wait > 0) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void refreshTop();
      }, wait);
      return;
    }
    void refreshTop();
  }

  async function patchRows(ids: number[]): Promise<void> {
    const loaded = new Set(get().items.map((a) => a.id));
    const targets = ids.filter((id) => loaded.has(id)).slice(0, MAX_PATCH);
    if (targets.length === 0) return;
    const gen = generation;
    const results = await Promise.allSettled(targets.map((id) => api.call('alerts.get', { id })));
    if (gen !== generation) return;
    const fresh = new Map<number, Alert>();
    for (const r of results) if (r.status === 'fulfilled') fresh.set(r.value.alert.id, r.value.alert);
    if (fresh.size === 0) return;
    set({ items: get().items.map((a) => fresh.get(a.id) ?? a) });
  }

  function dedupe(rows: Alert[], against: readonly Alert[]): Alert[] {
    const seen = new Set(against.map((a) => a.id));
    return rows.filter((a) => !seen.has(a.id));
  }

  return {
    filter: EMPTY_FILTER,
    textInput: '',
    sort: DEFAULT_SORT,
    items: [],
    windowStart: 0,
    next: null,
    loading: 'idle',
    prevLoading: false,
    error: null,
    moreError: null,
    prevError: null,
    loaded: false,
    listSeq: 0,
    shift: { seq: 0, delta: 0 },
    total: null,
    selectedId: null,
    checked: new Set(),
    anchorId: null,
    matchAll: false,
    atTop: true,
    pendingNew: 0,
    stale: false,
    collapsedColumns: [],

    setCollapsedColumns(cols) {
      if (cols.join(',') !== get().collapsedColumns.join(',')) set({ collapsedColumns: cols });
    },

    setFilter: (patch) => applyFilter(patch),
    replaceFilter(next) {
      stopTextTimer();
      set({ textInput: next.text });
      applyFilter({ ...next });
    },
    applyView(view) {
      stopTextTimer();
      // one change: whoever follows the view (the hash) sees filter and sort move together
      set({ textInput: view.filter.text, sort: { ...view.sort }, filter: { ...view.filter }, checked: new Set(), matchAll: false, anchorId: null });
      void get().reload();
    },
    toggleSeverity: (s) => applyFilter({ severity: toggle(get().filter.severity, s) }),
    toggleStatus: (s) => applyFilter({ status: toggle(get().filter.status, s) }),
    togglePriority: (p) => applyFilter({ priority: PRIORITY_ORDER.filter((x) => (x === p) !== get().filter.priority.includes(x)) }),
    toggleSource: (s) => applyFilter({ source: toggle(get().filter.source, s) }),
    setRange: (range) => applyFilter({ range }),

    setTextInput(text) {
      set({ textInput: text });
      stopTextTimer();
      // the box's text when the pause ends is this text: a keystroke since restarts the timer
      textTimer = setTimeout(() => get().commitTextInput(), isShortSearch(text) ? SHORT_SEARCH_DEBOUNCE_MS : SEARCH_DEBOUNCE_MS);
    },

    commitTextInput() {
      stopTextTimer();
      const text = get().textInput;
      if (get().filter.text !== text) applyFilter({ text });
    },

    clearFilters() {
      stopTextTimer();
      set({ textInput: '' });
      applyFilter({ ...EMPTY_FILTER });
    },

    toggleSort(field) {
      const cur = get().sort;
      const sort: AlertSort = cur.field === field ? { field, dir: cur.dir === 'desc' ? 'asc' : 'desc' } : { field, dir: 'desc' };
      set({ sort });
      void get().reload();
    },

    currentListFilter: () => ({ ...listFilter }),

    async reload() {
      const gen = ++generation;
      countGen++;
      const key = filterKey(get().filter);
      // another filter's count is not this one's: "Counting…" until the new list answers (a new
      // sort or a live reload keeps it)
      const total = key === listKey ? {} : { total: null };
      set({ loading: 'initial', prevLoading: false, error: null, moreError: null, prevError: null, pendingNew: 0, stale: false, ...total });
      try {
        const { res, filter, sort } = await fetchFirst();
        if (gen !== generation) return;
        listFilter = filter;
        listSort = sort;
        listKey = key;
        set({
          items: res.items,
          windowStart: 0,
          next: res.next,
          loading: 'idle',
          loaded: true,
          listSeq: get().listSeq + 1,
          total: res.next === null ? res.items.length : null,
        });
        if (res.next === null) lastCount = Date.now();
        else {
          // count a moment later, and only if the filter held still: on a big table the count is
          // the slower query, and it must not queue in front of the next page the analyst asks for
          const cg = countGen;
          setTimeout(() => {
            if (gen === generation && cg === countGen) void get().refreshCount();
          }, COUNT_DELAY_MS);
        }
      } catch (err) {
        if (gen !== generation) return;
        set({ items: [], windowStart: 0, next: null, loading: 'idle', loaded: true, total: null, error: ApiError.from(err, 'alerts.list') });
      }
    },

    async refreshCount() {
      const gen = ++countGen;
      lastCount = Date.now();
      try {
        const { total } = await api.call('alerts.count', { filter: listFilter });
        if (gen === countGen) set({ total });
      } catch {
        if (gen === countGen) set({ total: null });
      }
    },

    async loadMore() {
      const s = get();
      if (!s.next || s.loading !== 'idle' || s.error) return;
      const gen = generation;
      set({ loading: 'more', moreError: null });
      try {
        const res = await api.call('alerts.list', { filter: listFilter, limit: pageSize(), sort: listSort, after: s.next });
        if (gen !== generation) return;
        const cur = get();
        let items = [...cur.items, ...dedupe(res.items, cur.items)];
        let windowStart = cur.windowStart;
        if (items.length > MAX_ROWS) {
          // drop the rows farthest above the viewport (the viewport is at the end)
          const drop = items.length - MAX_ROWS;
          items = items.slice(drop);
          windowStart += drop;
        }
        set({ items, windowStart, next: res.next, loading: 'idle' });
      } catch (err) {
        if (gen !== generation) return;
        set({ loading: 'idle', moreError: ApiError.from(err, 'alerts.list') });
      }
    },

    async loadPrev() {
      const s = get();
      const first = s.items[0];
      if (s.windowStart <= 0 || !first || s.prevLoading || s.loading === 'initial') return;
      const gen = generation;
      const want = Math.min(MAX_PAGE, Math.max(pageSize(), s.windowStart));
      set({ prevLoading: true, prevError: null });
      try {
        const reverse: AlertSort = { field: listSort.field, dir: listSort.dir === 'desc' ? 'asc' : 'desc' };
        const res = await api.call('alerts.list', { filter: listFilter, limit: want, sort: reverse, after: cursorOf(first, listSort.field) });
        if (gen !== generation) return;
        const cur = get();
        const above = dedupe([...res.items].reverse(), cur.items);
        let start = cur.windowStart - above.length;
        let delta = 0;
        if (res.next === null && start !== 0) {
          // the list has fewer (or more) rows above than the index space assumed: re-base at 0
          delta = -start;
          start = 0;
        } else if (res.next !== null && start <= 0) {
          // still more above, but no room left in the index space: make room
          delta = -start + MAX_PAGE;
          start = MAX_PAGE;
        }
        let items = [...above, ...cur.items];
        let next = cur.next;
        let moreError = cur.moreError;
        if (items.length > MAX_ROWS) {
          // drop the rows farthest below the viewport (the viewport is at the start)
          items = items.slice(0, MAX_ROWS);
          const last = items[items.length - 1]!;
          next = cursorOf(last, listSort.field);
          moreError = null;
        }
        set({
          items,
          windowStart: start,
          next,
          moreError,
          prevLoading: false,
          shift: delta !== 0 ? { seq: cur.shift.seq + 1, delta } : cur.shift,
        });
      } catch (err) {
        if (gen !== generation) return;
        set({ prevLoading: false, prevError: ApiError.from(err, 'alerts.list') });
        // let the grid try again a little later (it asks while placeholders are in view)
        setTimeout(() => {
          if (gen === generation) set({ prevError: null });
        }, 3000);
      }
    },

    ensureRange(start, end) {
      const s = get();
      if (s.loading === 'initial' || s.error) return;
      const loadedEnd = s.windowStart + s.items.length;
      if (s.next !== null && s.loading === 'idle' && s.moreError === null && end >= loadedEnd - 15) void get().loadMore();
      if (s.windowStart > 0 && !s.prevLoading && s.prevError === null && start <= s.windowStart + 5) void get().loadPrev();
    },

    async showPending() {
      set({ atTop: true });
      await get().reload();
    },

    handleChanged(payload) {
      const s = get();
      if (!s.loaded) return;
      const n = Math.max(payload.ids.length, payload.total);
      if (s.atTop && s.windowStart === 0) {
        requestRefreshTop();
        return;
      }
      if (payload.reason === 'created') set({ pendingNew: s.pendingNew + n });
      else if (payload.reason !== 'status') set({ stale: true });
      if (payload.reason !== 'created') void patchRows(payload.ids);
    },

    resync() {
      const s = get();
      if (!s.loaded) {
        if (s.loading === 'idle') void get().reload();
        return;
      }
      if (s.atTop && s.windowStart === 0) requestRefreshTop();
      else set({ stale: true });
    },

    setAtTop(atTop) {
      if (get().atTop !== atTop) set({ atTop });
    },

    select(id) {
      if (get().selectedId !== id) set({ selectedId: id });
    },

    moveSelection(delta) {
      const { items, selectedId, windowStart } = get();
      if (items.length === 0) return null;
      const idx = selectedId === null ? -1 : items.findIndex((a) => a.id === selectedId);
      if (idx === -1) return get().selectIndex(windowStart);
      return get().selectIndex(windowStart + idx + delta);
    },

    selectIndex(index) {
      const { items, windowStart } = get();
      if (items.length === 0) return null;
      const i = Math.min(items.length - 1, Math.max(0, index - windowStart));
      set({ selectedId: items[i]!.id });
      if (i >= items.length - 10) void get().loadMore();
      if (i < 10 && windowStart > 0) void get().loadPrev();
      return windowStart + i;
    },

    indexOf(id) {
      const { items, windowStart } = get();
      const i = items.findIndex((a) => a.id === id);
      return i === -1 ? null : windowStart + i;
    },

    findAlert(id) {
      return get().items.find((a) => a.id === id);
    },

    patchAlert(id, patch) {
      const before = get().items.find((a) => a.id === id);
      if (before) set({ items: get().items.map((a) => (a.id === id ? { ...a, ...patch } : a)) });
      return before;
    },

    replaceAlert(alert) {
      if (get().items.some((a) => a.id === alert.id)) set({ items: get().items.map((a) => (a.id === alert.id ? alert : a)) });
    },

    toggleChecked(id, range = false) {
      const s = get();
      const next = new Set(s.matchAll ? s.items.map((a) => a.id) : s.checked);
      const on = !next.has(id);
      const from = range && s.anchorId !== null ? s.items.findIndex((a) => a.id === s.anchorId) : -1;
      const to = s.items.findIndex((a) => a.id === id);
      if (from !== -1 && to !== -1) {
        const [lo, hi] = from < to ? [from, to] : [to, from];
        const anchorOn = next.has(s.anchorId!);
        for (let i = lo; i <= hi; i++) {
          const rid = s.items[i]!.id;
          if (anchorOn) next.add(rid);
          else next.delete(rid);
        }
      } else if (on) next.add(id);
      else next.delete(id);
      set({ checked: next, matchAll: false, anchorId: range && from !== -1 ? s.anchorId : id });
    },

    setChecked(ids, on) {
      const next = new Set(get().checked);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      set({ checked: next, matchAll: false });
    },

    checkAllLoaded() {
      set({ checked: new Set(get().items.map((a) => a.id)), matchAll: false });
    },

    selectAllMatching() {
      set({ checked: new Set(get().items.map((a) => a.id)), matchAll: true });
    },

    clearChecked() {
      set({ checked: new Set(), matchAll: false, anchorId: null });
    },
  };
});
