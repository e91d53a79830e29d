import { create } from 'zustand';
import type { EventDetail, EventRow, EventsGroupByResponse, EventsHistogramResponse, HuntCheckResponse, SavedHuntQuery } from '../../../main/contract/hunt.js';
import { api, ApiError } from '../../api/index.js';
import { sameView, viewBounds, withoutGroupBy, type HuntView } from './model.js';

/** Records per request while scrolling. */
export const PAGE = 200;
/** Groups shown in the group-by panel. */
const GROUPS = 50;

type Status = 'idle' | 'loading' | 'ready' | 'error';

interface HuntState {
  view: HuntView;
  /** Bumped on every new run: stale answers are dropped and the grid scrolls to the top. */
  generation: number;

  rows: EventRow[];
  next: string | null;
  status: Status;
  error: ApiError | null;
  loadingMore: boolean;
  moreError: ApiError | null;

  histogram: EventsHistogramResponse | null;
  histogramError: ApiError | null;
  groups: EventsGroupByResponse | null;
  groupsError: ApiError | null;
  /** The field the group-by panel counts by when the query has no `| groupby`. */
  groupField: string;

  /** What hunt.check said of the text being typed (null while nothing was checked). */
  check: HuntCheckResponse | null;

  selectedId: number | null;
  detail: EventDetail | null;
  detailError: ApiError | null;

  saved: SavedHuntQuery[];

  /** Runs a view (when it changed, or when `force`). */
  run(view: HuntView, force?: boolean): void;
  loadMore(): void;
  setGroupField(field: string): void;
  /** Checks typed text (debounced by the caller). */
  checkText(text: string): Promise<void>;
  select(id: number | null): void;
  loadSaved(): Promise<void>;
  save(name: string, query: string): Promise<string | null>;
  removeSaved(id: number): Promise<void>;
}

/** Whether a query asks for groups itself (`| groupby ...`). */
export function hasGroupBy(query: string): boolean {
  return /\|\s*groupby\b/i.test(query);
}

export const useHunt = create<HuntState>((set, get) => {
  let inflightMore = false;
  let checkSeq = 0;

  async function loadRows(gen: number, cursor: string | undefined): Promise<void> {
    const { view } = get();
    try {
      const res = await api.call('events.query', { query: withoutGroupBy(view.q), ...viewBounds(view, Date.now()), limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (gen !== get().generation) return;
      set((s) => ({ rows: cursor ? [...s.rows, ...res.rows] : res.rows, next: res.next, status: 'ready', error: null, loadingMore: false, moreError: null }));
    } catch (err) {
      if (gen !== get().generation) return;
      const e = ApiError.from(err, 'events.query');
      set(cursor ? { loadingMore: false, moreError: e } : { status: 'error', error: e, rows: [], next: null });
    }
  }

  async function loadHistogram(gen: number): Promise<void> {
    const { view } = get();
    try {
      const histogram = await api.call('events.histogram', { query: withoutGroupBy(view.q), ...viewBounds(view, Date.now()), buckets: 60 });
      if (gen === get().generation) set({ histogram, histogramError: null });
    } catch (err) {
      const e = ApiError.from(err, 'events.histogram');
      // replaced by a newer count of this screen before it ran: the newer one answers
      if (gen === get().generation && e.code !== 'SUPERSEDED') set({ histogram: null, histogramError: e });
    }
  }

  async function loadGroups(gen: number): Promise<void> {
    const { view, groupField } = get();
    try {
      const fields = hasGroupBy(view.q) ? {} : { fields: [groupField] };
      const groups = await api.call('events.groupby', { query: view.q, ...viewBounds(view, Date.now()), ...fields, limit: GROUPS });
      if (gen === get().generation) set({ groups, groupsError: null });
    } catch (err) {
      const e = ApiError.from(err, 'events.groupby');
      if (gen === get().generation && e.code !== 'SUPERSEDED') set({ groups: null, groupsError: e });
    }
  }

  return {
    view: { q: '', range: '24h' },
    generation: 0,
    rows: [],
    next: null,
    status: 'idle',
    error: null,
    loadingMore: false,
    moreError: null,
    histogram: null,
    histogramError: null,
    groups: null,
    groupsError: null,
    groupField: 'event_type',
    check: null,
    selectedId: null,
    detail: null,
    detailError: null,
    saved: [],

    run(view, force = false) {
      const cur = get();
      if (!force && cur.status !== 'idle' && sameView(cur.view, view)) return;
      const gen = cur.generation + 1;
      inflightMore = false;
      set({ view, generation: gen, status: 'loading', error: null, moreError: null, loadingMore: false, rows: [], next: null, selectedId: null, detail: null, detailError: null });
      // the three answers come back on their own: rows first, the chart and the groups when ready
      void loadRows(gen, undefined);
      void loadHistogram(gen);
      void loadGroups(gen);
    },

    loadMore() {
      const s = get();
      if (inflightMore || !s.next || s.status !== 'ready') return;
      inflightMore = true;
      set({ loadingMore: true, moreError: null });
      void loadRows(s.generation, s.next).finally(() => {
        inflightMore = false;
      });
    },

    setGroupField(field) {
      set({ groupField: field });
      if (get().status !== 'idle') void loadGroups(get().generation);
    },

    async checkText(text) {
      const seq = ++checkSeq;
      if (text.trim() === '') return set({ check: null });
      try {
        const check = await api.call('hunt.check', { query: text });
        if (seq === checkSeq) set({ check });
      } catch {
        // a check that cannot run says nothing; running the query reports the error
        if (seq === checkSeq) set({ check: null });
      }
    },

    select(id) {
      if (id === get().selectedId) return;
      set({ selectedId: id, detail: null, detailError: null });
      if (id === null) return;
      api.call('events.get', { id }).then(
        (detail) => {
          if (get().selectedId === id) set({ detail });
        },
        (err: unknown) => {
          if (get().selectedId === id) set({ detailError: ApiError.from(err, 'events.get') });
        },
      );
    },

    async loadSaved() {
      try {
        set({ saved: await api.call('hunt.savedQueries.list', {}) });
      } catch {
        // the menu says it is empty; saving still reports its own errors
      }
    },

    async save(name, query) {
      try {
        await api.call('hunt.savedQueries.save', { name, query });
        await get().loadSaved();
        return null;
      } catch (err) {
        return ApiError.from(err, 'hunt.savedQueries.save').describe();
      }
    },

    async removeSaved(id) {
      await api.call('hunt.savedQueries.remove', { id });
      await get().loadSaved();
    },
  };
});
