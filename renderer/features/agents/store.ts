import { create } from 'zustand';
import type { ConnectorView } from '../../../main/contract/connectors.js';
import type { AgentSyncState, AgentsListResponse, WazuhAgent } from '../../../main/contract/wazuh.js';
import { api, errorMessage } from '../../api/index.js';
import { EMPTY_QUERY, agentKey, listRequest, type AgentsQuery } from './model.js';

/** Rows per request while scrolling. */
export const PAGE = 200;
/** "Select all matching" works up to this many agents (one request). */
export const SELECT_ALL_MAX = 1000;

export type Loadable = 'idle' | 'loading' | 'ready' | 'error';

interface AgentsState {
  /** Wazuh API connectors (the screen's scope). */
  apis: ConnectorView[];
  /** Whether `apis` was listed once: until then no manager is no reason to hide the list. */
  apisKnown: boolean;
  query: AgentsQuery;
  status: Loadable;
  error: string | null;
  total: number;
  counts: AgentsListResponse['counts'];
  facets: AgentsListResponse['facets'];
  sync: AgentSyncState[];
  /** Rows by page index for the current query. */
  pages: Record<number, WazuhAgent[]>;
  /** Bumped on every new query: stale answers are dropped. */
  generation: number;
  selected: Record<string, WazuhAgent>;
  /** The agent in the detail panel. */
  detail: WazuhAgent | null;
  syncing: Record<string, boolean>;
  /** Bumped when an action ended, so views of the action log reload. */
  actionsRev: number;

  loadApis(): Promise<void>;
  setQuery(patch: Partial<AgentsQuery>): void;
  /**
   * Loads the first page, with what else changed: `all` (scope or inventory changed: counts and
   * filter values), `counts` (a filter changed), `none` (only the status or the order changed).
   */
  reload(meta?: 'all' | 'counts' | 'none'): Promise<void>;
  /** Loads the pages covering rows [start, end) that are not loaded yet. */
  ensureRows(start: number, end: number): void;
  rowAt(index: number): WazuhAgent | undefined;
  syncNow(connectorId: string): Promise<void>;
  toggle(agent: WazuhAgent): void;
  selectAllMatching(): Promise<void>;
  clearSelection(): void;
  openDetail(agent: WazuhAgent | null): void;
  /** Follows syncs and connector changes while the screen is open; returns the stop function. */
  startLive(): () => void;
}

export const useAgents = create<AgentsState>((set, get) => {
  const inflight = new Set<string>();
  return {
    apis: [],
    apisKnown: false,
    query: EMPTY_QUERY,
    status: 'idle',
    error: null,
    total: 0,
    counts: {},
    facets: { os_platform: [], group: [], version: [] },
    sync: [],
    pages: {},
    generation: 0,
    selected: {},
    detail: null,
    syncing: {},
    actionsRev: 0,

    async loadApis() {
      try {
        const all = await api.call('connectors.list');
        set({ apis: all.filter((c) => c.config.kind === 'wazuh-api'), apisKnown: true });
      } catch (err) {
        set({ error: errorMessage(err) });
      }
    },

    setQuery(patch) {
      const keys = Object.keys(patch) as (keyof AgentsQuery)[];
      set({ query: { ...get().query, ...patch } });
      // the counts ignore the status filter; the filter values depend on the connector only
      void get().reload(keys.includes('connector_id') ? 'all' : keys.every((k) => k === 'status' || k === 'sort') ? 'none' : 'counts');
    },

    async reload(meta = 'all') {
      const generation = get().generation + 1;
      inflight.clear();
      set({ generation, ...(get().status === 'ready' ? {} : { status: 'loading' as const }) });
      try {
        const r = await api.call('wazuh.agents.list', listRequest(get().query, 0, PAGE, get().status === 'ready' ? meta : 'all'));
        if (get().generation !== generation) return;
        set({
          status: 'ready',
          error: null,
          total: r.total,
          sync: r.sync,
          pages: { 0: r.items },
          ...(meta !== 'none' || get().status !== 'ready' ? { counts: r.counts } : {}),
          ...(meta === 'all' || get().status !== 'ready' ? { facets: r.facets } : {}),
        });
      } catch (err) {
        if (get().generation !== generation) return;
        set(get().status === 'ready' ? { error: errorMessage(err) } : { status: 'error', error: errorMessage(err) });
      }
    },

    ensureRows(start, end) {
      const { generation, pages, total } = get();
      for (let page = Math.floor(start / PAGE); page * PAGE < Math.min(end, total); page++) {
        const key = `${generation}:${page}`;
        if (pages[page] || inflight.has(key)) continue;
        inflight.add(key);
        void api
          .call('wazuh.agents.list', listRequest(get().query, page * PAGE, PAGE, 'none'))
          .then((r) => {
            if (get().generation === generation) set({ pages: { ...get().pages, [page]: r.items } });
          })
          .catch((err: unknown) => {
            if (get().generation === generation) set({ error: errorMessage(err) });
          })
          .finally(() => inflight.delete(key));
      }
    },

    rowAt(index) {
      return get().pages[Math.floor(index / PAGE)]?.[index % PAGE];
    },

    async syncNow(connectorId) {
      set({ syncing: { ...get().syncing, [connectorId]: true } });
      try {
        await api.call('wazuh.agents.sync', { connector_id: connectorId });
        await get().reload();
      } finally {
        const syncing = { ...get().syncing };
        delete syncing[connectorId];
        set({ syncing });
      }
    },

    toggle(agent) {
      const selected = { ...get().selected };
      const key = agentKey(agent);
      if (selected[key]) delete selected[key];
      else selected[key] = agent;
      set({ selected });
    },

    async selectAllMatching() {
      const r = await api.call('wazuh.agents.list', listRequest(get().query, 0, SELECT_ALL_MAX, 'none'));
      const selected: Record<string, WazuhAgent> = {};
      for (const a of r.items) selected[agentKey(a)] = a;
      set({ selected });
    },

    clearSelection() {
      set({ selected: {} });
    },

    openDetail(agent) {
      set({ detail: agent });
    },

    startLive() {
      void get().loadApis();
      const offs = [
        api.on('wazuh.agents.synced', () => void get().reload()),
        api.on('connectors.changed', () => {
          void get().loadApis();
          void get().reload();
        }),
      ];
      // "synced 2 min ago" and syncs by other processes
      const t = setInterval(() => {
        if (document.visibilityState === 'visible') void get().reload();
      }, 30_000);
      return () => {
        clearInterval(t);
        offs.forEach((off) => off());
      };
    },
  };
});
