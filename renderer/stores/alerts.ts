import { create } from 'zustand';
import type { Alert, AlertCursor, AlertStatus, Severity } from '../../main/contract/alerts.js';
import type { RequestInput } from '../../main/contract/channels.js';
import type { EventPayload } from '../../main/contract/events.js';
import { api, ApiError } from '../api/index.js';
import { useSettings } from './settings.js';

export type TimeRange = '15m' | '1h' | '24h' | '7d' | 'all';

export const TIME_RANGES: ReadonlyArray<{ value: TimeRange; label: string; ms: number | null }> = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: 'all', label: 'All time', ms: null },
];

export interface AlertsFilter {
  severity: Severity[];
  status: AlertStatus[];
  range: TimeRange;
  /** Committed search text (the search box commits 200 ms after the last keystroke). */
  text: string;
}

export const EMPTY_FILTER: AlertsFilter = { severity: [], status: [], range: 'all', text: '' };

export const SEARCH_DEBOUNCE_MS = 200;
/** Minimum spacing of automatic top-of-list refreshes triggered by alerts.changed. */
const REFRESH_SPACING_MS = 1000;
/** Loaded rows changed by an event are re-fetched in place, up to this many per event. */
const MAX_PATCH = 50;

type ListFilter = NonNullable<RequestInput<'alerts.list'>['filter']>;

export function isFilterActive(f: AlertsFilter): boolean {
  return f.severity.length > 0 || f.status.length > 0 || f.range !== 'all' || f.text.trim() !== '';
}

/** The contract filter for a UI filter; the time range is resolved against `now`. */
export function toListFilter(f: AlertsFilter, now = Date.now()): ListFilter {
  const out: ListFilter = {};
  if (f.severity.length > 0) out.severity = [...f.severity];
  if (f.status.length > 0) out.status = [...f.status];
  const range = TIME_RANGES.find((r) => r.value === f.range);
  if (range?.ms) out.from = new Date(now - range.ms).toISOString();
  const text = f.text.trim().slice(0, 200);
  if (text) out.text = text;
  return out;
}

export type LoadState = 'idle' | 'initial' | 'more';

export interface AlertsState {
  filter: AlertsFilter;
  /** What the search box shows right now (may be ahead of filter.text by up to 200 ms). */
  textInput: string;
  items: Alert[];
  /** Cursor of the next page; null when the last page is loaded. */
  next: AlertCursor | null;
  loading: LoadState;
  /** Error of the first page (the list shows an error state). */
  error: ApiError | null;
  /** Error of a later page (the list shows a retry row at its end). */
  moreError: ApiError | null;
  /** Whether the first page for the current filter has answered. */
  loaded: boolean;
  /** The selected row: the target of keyboard triage (j/k now, more keys later). */
  selectedId: number | null;
  /** Whether the list is scrolled to its top (set by the view). */
  atTop: boolean;
  /** New alerts that arrived while scrolled down (the "N new" pill). */
  pendingNew: number;
  /** Loaded rows may be out of order after updates that arrived while scrolled down. */
  stale: boolean;

  toggleSeverity(s: Severity): void;
  toggleStatus(s: AlertStatus): void;
  setRange(r: TimeRange): void;
  setTextInput(text: string): void;
  clearFilters(): void;
  /** Loads the first page for the current filter (shows the loading state). */
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  /** Reloads the first page after the "N new" pill was clicked. */
  showPending(): Promise<void>;
  /** Applies an alerts.changed push without moving the scroll position. */
  handleChanged(payload: EventPayload<'alerts.changed'>): void;
  /** After a reconnect: events may have been missed. */
  resync(): void;
  setAtTop(atTop: boolean): void;
  select(id: number | null): void;
  /** Moves the selection by delta rows; returns the new index (or null for an empty list). */
  moveSelection(delta: number): number | null;
  selectIndex(index: number): number | null;
}

export const useAlerts = create<AlertsState>((set, get) => {
  /** Bumped by every query that replaces the list: answers of older queries are dropped. */
  let generation = 0;
  let textTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshInFlight = false;
  let refreshQueued = false;
  let lastRefresh = 0;

  /**
   * The contract filter of the list on screen. Resolved once per first-page query, so every
   * later page of the same list uses the same time bound ("last 15 min" does not slide while
   * the analyst scrolls).
   */
  let listFilter: ListFilter = {};

  const pageSize = () => useSettings.getState().pageSize;

  /** First page: resolves the filter afresh. The caller adopts `filter` if it keeps the answer. */
  function fetchFirst() {
    const filter = toListFilter(get().filter);
    return api.call('alerts.list', { filter, limit: pageSize() }).then((res) => ({ res, filter }));
  }

  function fetchNext(after: AlertCursor) {
    return api.call('alerts.list', { filter: listFilter, limit: pageSize(), after });
  }

  function setFilter(patch: Partial<AlertsFilter>): void {
    set({ filter: { ...get().filter, ...patch } });
    void get().reload();
  }

  function toggle<T>(list: readonly T[], v: T): T[] {
    return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  }

  async function refreshTop(): Promise<void> {
    const s = get();
    if (s.loading === 'initial' || !s.loaded) return; // a full load is coming anyway
    refreshInFlight = true;
    lastRefresh = Date.now();
    const gen = generation;
    try {
      const { res, filter } = await fetchFirst();
      if (gen !== generation) return;
      if (!get().atTop) {
        set({ stale: true });
        return;
      }
      generation++; // drops a loadMore in flight: its cursor belongs to the old list
      listFilter = filter;
      set({ items: res.items, next: res.next, loading: 'idle', error: null, moreError: null, pendingNew: 0, stale: false });
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

  return {
    filter: EMPTY_FILTER,
    textInput: '',
    items: [],
    next: null,
    loading: 'idle',
    error: null,
    moreError: null,
    loaded: false,
    selectedId: null,
    atTop: true,
    pendingNew: 0,
    stale: false,

    toggleSeverity: (s) => setFilter({ severity: toggle(get().filter.severity, s) }),
    toggleStatus: (s) => setFilter({ status: toggle(get().filter.status, s) }),
    setRange: (range) => setFilter({ range }),

    setTextInput(text) {
      set({ textInput: text });
      if (textTimer) clearTimeout(textTimer);
      textTimer = setTimeout(() => {
        textTimer = null;
        if (get().filter.text !== text) setFilter({ text });
      }, SEARCH_DEBOUNCE_MS);
    },

    clearFilters() {
      if (textTimer) clearTimeout(textTimer);
      textTimer = null;
      set({ textInput: '' });
      setFilter({ ...EMPTY_FILTER });
    },

    async reload() {
      const gen = ++generation;
      set({ loading: 'initial', error: null, moreError: null, pendingNew: 0, stale: false });
      try {
        const { res, filter } = await fetchFirst();
        if (gen !== generation) return;
        listFilter = filter;
        set({ items: res.items, next: res.next, loading: 'idle', loaded: true });
      } catch (err) {
        if (gen !== generation) return;
        set({ items: [], next: null, loading: 'idle', loaded: true, error: ApiError.from(err, 'alerts.list') });
      }
    },

    async loadMore() {
      const s = get();
      if (!s.next || s.loading !== 'idle' || s.error) return;
      const gen = generation;
      set({ loading: 'more', moreError: null });
      try {
        const res = await fetchNext(s.next);
        if (gen !== generation) return;
        const seen = new Set(get().items.map((a) => a.id));
        const fresh = res.items.filter((a) => !seen.has(a.id));
        set({ items: [...get().items, ...fresh], next: res.next, loading: 'idle' });
      } catch (err) {
        if (gen !== generation) return;
        set({ loading: 'idle', moreError: ApiError.from(err, 'alerts.list') });
      }
    },

    async showPending() {
      set({ atTop: true });
      await get().reload();
    },

    handleChanged(payload) {
      const s = get();
      if (!s.loaded) return;
      const n = Math.max(payload.ids.length, payload.total);
      if (s.atTop) {
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
      if (s.atTop) requestRefreshTop();
      else set({ stale: true });
    },

    setAtTop(atTop) {
      if (get().atTop !== atTop) set({ atTop });
    },

    select(id) {
      set({ selectedId: id });
    },

    moveSelection(delta) {
      const { items, selectedId } = get();
      if (items.length === 0) return null;
      const idx = selectedId === null ? -1 : items.findIndex((a) => a.id === selectedId);
      const target = idx === -1 ? 0 : Math.min(items.length - 1, Math.max(0, idx + delta));
      return get().selectIndex(target);
    },

    selectIndex(index) {
      const { items } = get();
      if (items.length === 0) return null;
      const i = Math.min(items.length - 1, Math.max(0, index));
      set({ selectedId: items[i]!.id });
      if (i >= items.length - 10) void get().loadMore();
      return i;
    },
  };
});
