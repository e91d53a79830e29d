import { create } from 'zustand';
import type { Case, CaseCursor, CaseDetail, CaseFilter, CaseStatus } from '../../../main/contract/cases.js';
import { api, errorMessage } from '../../api/index.js';

export const CASE_STATUS_LABEL: Record<CaseStatus, string> = { open: 'Open', in_progress: 'In progress', closed: 'Closed' };
export const RESOLUTION_LABEL = { true_positive: 'True positive', false_positive: 'False positive', benign: 'Benign', duplicate: 'Duplicate' } as const;
export const TLP_LABEL = { clear: 'TLP:CLEAR', green: 'TLP:GREEN', amber: 'TLP:AMBER', 'amber+strict': 'TLP:AMBER+STRICT', red: 'TLP:RED' } as const;

/** The list shows open work by default. */
export const DEFAULT_CASE_FILTER: CaseFilter = { status: ['open', 'in_progress'] };

export interface CasesState {
  filter: CaseFilter;
  items: Case[];
  next: CaseCursor | null;
  total: number | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Cursor row of the list (j / k). */
  cursor: number;
  /** The open case, and a counter bumped whenever it changes (tabs reload on it). */
  detail: CaseDetail | null;
  detailError: string | null;
  version: number;
  setFilter(patch: Partial<CaseFilter>): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  open(id: number): Promise<void>;
  /** A push event said these cases changed. */
  changed(ids: readonly number[]): void;
  setDetail(d: CaseDetail): void;
}

let listSeq = 0;
let detailSeq = 0;

export const useCases = create<CasesState>((set, get) => ({
  filter: DEFAULT_CASE_FILTER,
  items: [],
  next: null,
  total: null,
  loading: false,
  loaded: false,
  error: null,
  cursor: 0,
  detail: null,
  detailError: null,
  version: 0,

  setFilter(patch) {
    const filter = { ...get().filter, ...patch };
    for (const k of Object.keys(filter) as (keyof CaseFilter)[]) {
      const v = filter[k];
      if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) delete filter[k];
    }
    set({ filter, cursor: 0 });
    void get().reload();
  },

  async reload() {
    const seq = ++listSeq;
    set({ loading: true });
    try {
      const page = await api.call('cases.list', { filter: get().filter, limit: 200 });
      if (seq !== listSeq) return;
      set({ items: page.items, next: page.next, total: page.total, loading: false, loaded: true, error: null, cursor: Math.min(get().cursor, Math.max(0, page.items.length - 1)) });
    } catch (err) {
      if (seq !== listSeq) return;
      set({ loading: false, loaded: true, error: errorMessage(err) });
    }
  },

  async loadMore() {
    const { next, loading } = get();
    if (!next || loading) return;
    const seq = ++listSeq;
    set({ loading: true });
    try {
      const page = await api.call('cases.list', { filter: get().filter, limit: 200, after: next });
      if (seq !== listSeq) return;
      set({ items: [...get().items, ...page.items], next: page.next, total: page.total, loading: false });
    } catch (err) {
      if (seq === listSeq) set({ loading: false, error: errorMessage(err) });
    }
  },

  async open(id) {
    const seq = ++detailSeq;
    if (get().detail?.id !== id) set({ detail: null, detailError: null });
    try {
      const d = await api.call('cases.get', { id });
      if (seq === detailSeq) set({ detail: d, detailError: null, version: get().version + 1 });
    } catch (err) {
      if (seq === detailSeq) set({ detailError: errorMessage(err) });
    }
  },

  changed(ids) {
    const d = get().detail;
    if (d && (ids.length === 0 || ids.includes(d.id))) void get().open(d.id);
    if (get().loaded) void get().reload();
  },

  setDetail(d) {
    set({ detail: d, version: get().version + 1 });
  },
}));
