import { create } from 'zustand';
import type { Finding, FindingDetail, FindingFilter, FindingStatus } from '../../../main/contract/findings.js';
import { api, errorMessage } from '../../api/index.js';

/** Rows per page of the findings table. */
export const PAGE = 200;

interface FindingsState {
  filter: FindingFilter;
  items: Finding[];
  total: number;
  offset: number;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  selected: Set<number>;
  open: FindingDetail | null;
  setFilter(patch: Partial<FindingFilter>): Promise<void>;
  load(offset?: number): Promise<void>;
  toggle(id: number): void;
  show(id: number | null): Promise<void>;
  setStatus(ids: number[], status: Exclude<FindingStatus, 'fixed'>, note?: string): Promise<number>;
}

/** Drops empty values so the contract sees only the filters in use. */
function clean(f: FindingFilter): FindingFilter {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as FindingFilter;
}

export const useFindings = create<FindingsState>((set, get) => {
  let seq = 0;
  return {
    filter: { status: ['open'] },
    items: [],
    total: 0,
    offset: 0,
    status: 'idle',
    error: null,
    selected: new Set(),
    open: null,

    async setFilter(patch) {
      set({ filter: clean({ ...get().filter, ...patch }), selected: new Set() });
      await get().load(0);
    },

    async load(offset = get().offset) {
      const n = ++seq;
      if (get().status === 'idle') set({ status: 'loading' });
      try {
        const page = await api.call('findings.list', { filter: get().filter, limit: PAGE, offset });
        if (n !== seq) return;
        set({ items: page.items, total: page.total, offset, status: 'ready', error: null });
      } catch (err) {
        if (n !== seq) return;
        set({ status: 'error', error: errorMessage(err) });
      }
    },

    toggle(id) {
      const next = new Set(get().selected);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      set({ selected: next });
    },

    async show(id) {
      set({ open: id === null ? null : await api.call('findings.get', { id }) });
    },

    async setStatus(ids, status, note) {
      const r = await api.call('findings.setStatus', { ids, status, ...(note ? { note } : {}) });
      set({ selected: new Set() });
      await get().load();
      const open = get().open;
      if (open && ids.includes(open.finding.id)) await get().show(open.finding.id);
      return r.updated;
    },
  };
});
