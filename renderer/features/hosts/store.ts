import { create } from 'zustand';
import type { Host } from '../../../main/contract/hunt.js';
import type { WazuhAgent } from '../../../main/contract/wazuh.js';
import { api, ApiError } from '../../api/index.js';
import { DEFAULT_HOSTS_QUERY, hostsListRequest, type HostsQuery } from './model.js';

/** Rows per request while scrolling. */
export const PAGE = 100;
/** Wazuh agents read to name the agent behind an address in the list (the inventory is small). */
const AGENT_MAP_MAX = 1000;

type Status = 'idle' | 'loading' | 'ready' | 'error';

interface HostsState {
  query: HostsQuery;
  /** Bumped on every new list: stale answers are dropped and the grid scrolls to the top. */
  generation: number;

  rows: Host[];
  next: string | null;
  status: Status;
  error: ApiError | null;
  loadingMore: boolean;
  moreError: ApiError | null;

  agents: WazuhAgent[];
  agentsTotal: number;
  agentsStatus: Status;
  agentsError: ApiError | null;
  /** Wazuh agents by address, to name the agent behind a listed address. */
  agentByIp: Record<string, WazuhAgent>;

  /** Shows a view (reloads when it changed, or when `force`). */
  apply(query: HostsQuery, force?: boolean): void;
  /** Loads the next page of the current view. */
  loadMore(): void;
  /** Reads the current view's first page again, keeping the rows shown until it answers. */
  refresh(): void;
}

export const useHosts = create<HostsState>((set, get) => {
  let inflightMore = false;

  async function loadAddresses(gen: number, cursor: string | undefined): Promise<void> {
    const q = get().query;
    try {
      const res = await api.call('hosts.list', { ...hostsListRequest(q, Date.now()), limit: PAGE, ...(cursor ? { cursor } : {}) });
      if (gen !== get().generation) return;
      set((s) => ({ rows: cursor ? [...s.rows, ...res.rows] : res.rows, next: res.next, status: 'ready', error: null, loadingMore: false, moreError: null }));
    } catch (err) {
      if (gen !== get().generation) return;
      const e = ApiError.from(err, 'hosts.list');
      set(cursor ? { loadingMore: false, moreError: e } : { status: 'error', error: e, rows: [], next: null });
    }
  }

  async function loadAgents(gen: number, offset: number): Promise<void> {
    const q = get().query;
    try {
      const res = await api.call('wazuh.agents.list', { ...(q.q.trim() ? { text: q.q.trim() } : {}), offset, limit: PAGE, meta: 'none' });
      if (gen !== get().generation) return;
      set((s) => ({ agents: offset > 0 ? [...s.agents, ...res.items] : res.items, agentsTotal: res.total, agentsStatus: 'ready', agentsError: null, loadingMore: false, moreError: null }));
    } catch (err) {
      if (gen !== get().generation) return;
      const e = ApiError.from(err, 'wazuh.agents.list');
      set(offset > 0 ? { loadingMore: false, moreError: e } : { agentsStatus: 'error', agentsError: e, agents: [], agentsTotal: 0 });
    }
  }

  async function loadAgentMap(): Promise<void> {
    try {
      const res = await api.call('wazuh.agents.list', { limit: AGENT_MAP_MAX, meta: 'none', sort: { field: 'name', dir: 'asc' } });
      const map: Record<string, WazuhAgent> = {};
      for (const a of res.items) if (a.ip && !(a.ip in map)) map[a.ip] = a;
      set({ agentByIp: map });
    } catch {
      // without the inventory the list still shows every address, just without agent names
    }
  }

  return {
    query: DEFAULT_HOSTS_QUERY,
    generation: 0,
    rows: [],
    next: null,
    status: 'idle',
    error: null,
    loadingMore: false,
    moreError: null,
    agents: [],
    agentsTotal: 0,
    agentsStatus: 'idle',
    agentsError: null,
    agentByIp: {},

    apply(query, force = false) {
      const s = get();
      const same = JSON.stringify(query) === JSON.stringify(s.query);
      const loaded = query.view === 'agents' ? s.agentsStatus !== 'idle' : s.status !== 'idle';
      if (same && loaded && !force) return;
      const gen = s.generation + 1;
      inflightMore = false;
      set({ query, generation: gen, loadingMore: false, moreError: null, ...(query.view === 'agents' ? { agentsStatus: 'loading' } : { status: 'loading' }) });
      if (query.view === 'agents') void loadAgents(gen, 0);
      else {
        void loadAddresses(gen, undefined);
        void loadAgentMap();
      }
    },

    refresh() {
      const s = get();
      const loaded = s.query.view === 'agents' ? s.agentsStatus === 'ready' : s.status === 'ready';
      if (!loaded) return;
      const gen = s.generation + 1;
      inflightMore = false;
      set({ generation: gen, loadingMore: false, moreError: null });
      if (s.query.view === 'agents') void loadAgents(gen, 0);
      else void loadAddresses(gen, undefined);
    },

    loadMore() {
      const s = get();
      if (inflightMore || s.loadingMore) return;
      const gen = s.generation;
      if (s.query.view === 'agents') {
        if (s.agentsStatus !== 'ready' || s.agents.length >= s.agentsTotal) return;
        inflightMore = true;
        set({ loadingMore: true, moreError: null });
        void loadAgents(gen, s.agents.length).finally(() => (inflightMore = false));
      } else {
        if (s.status !== 'ready' || s.next === null) return;
        inflightMore = true;
        set({ loadingMore: true, moreError: null });
        void loadAddresses(gen, s.next).finally(() => (inflightMore = false));
      }
    },
  };
});
