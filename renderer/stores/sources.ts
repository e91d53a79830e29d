import { create } from 'zustand';
import type { RequestInput } from '../../main/contract/channels.js';
import type { LiveSource, SimulatorStatus, SourceLive } from '../../main/contract/console.js';
import type { QuarantineItem } from '../../main/contract/pipeline.js';
import { api, ApiError, errorMessage } from '../api/index.js';
import { toastError, toastSuccess } from './toasts.js';

export type SourceAddInput = RequestInput<'sources.add'>;
export type SimulatorStartInput = RequestInput<'simulator.start'>;
export type Scenario = SimulatorStartInput['scenario'];

/** sources.list is polled this often while the Sources screen is visible. */
export const SOURCES_POLL_MS = 2000;
export const QUARANTINE_PAGE = 50;

/** The demo started from the empty dashboard: enough for every panel to fill within a minute. */
export const DEMO_RUN: SimulatorStartInput = { scenario: 'mixed', rate: 200, duration_s: 120 };

export type Loadable = 'idle' | 'loading' | 'ready' | 'error';

export interface QuarantineState {
  items: QuarantineItem[];
  total: number;
  status: Loadable;
  error: string | null;
  loadingMore: boolean;
  moreError: string | null;
}

export interface SourcesState {
  sources: LiveSource[];
  status: Loadable;
  error: string | null;
  updatedAt: number | null;
  /** Source ids with an action in flight (pause/resume/remove). */
  busy: Record<string, boolean>;

  quarantine: QuarantineState;

  simulator: SimulatorStatus | null;
  simulatorError: string | null;
  simulatorBusy: boolean;

  load(): Promise<void>;
  /** Polls sources.list while the page is visible; returns the stop function. */
  startPolling(): () => void;
  /** Adds a followed file. Rejects with the ApiError (the dialog shows it inline). */
  add(req: SourceAddInput): Promise<LiveSource>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Sets a source's time zone for offset-less timestamps (null: none). Rejects with the ApiError (the dialog shows it). */
  setAssumeTz(id: string, assumeTz: string | null): Promise<void>;
  remove(id: string): Promise<void>;

  loadQuarantine(): Promise<void>;
  loadMoreQuarantine(): Promise<void>;
  /** Prepends quarantined lines newer than the first one shown. */
  refreshQuarantineHead(): Promise<void>;

  loadSimulator(): Promise<void>;
  startSimulator(req: SimulatorStartInput): Promise<boolean>;
  stopSimulator(): Promise<void>;
  handleSimulatorStatus(s: SimulatorStatus): void;
  /** A source's live state changed in the serving process (sources.state push event). */
  handleSourceState(id: string, live: SourceLive | null): void;
}

const EMPTY_Q: QuarantineState = { items: [], total: 0, status: 'idle', error: null, loadingMore: false, moreError: null };

function quarantinedSum(list: LiveSource[]): number {
  return list.reduce((a, s) => a + s.quarantined, 0);
}

export const useSources = create<SourcesState>((set, get) => {
  let polling = 0;
  let listInFlight = false;
  let qGen = 0;

  const patchQ = (patch: Partial<QuarantineState>) => set({ quarantine: { ...get().quarantine, ...patch } });

  const replaceSource = (next: LiveSource) => {
    const list = get().sources;
    const i = list.findIndex((s) => s.id === next.id);
    set({ sources: i >= 0 ? list.map((s) => (s.id === next.id ? next : s)) : [...list, next] });
  };

  const setBusy = (id: string, on: boolean) => {
    const busy = { ...get().busy };
    if (on) busy[id] = true;
    else delete busy[id];
    set({ busy });
  };

  return {
    sources: [],
    status: 'idle',
    error: null,
    updatedAt: null,
    busy: {},
    quarantine: EMPTY_Q,
    simulator: null,
    simulatorError: null,
    simulatorBusy: false,

    async load() {
      if (listInFlight) return;
      listInFlight = true;
      if (get().status !== 'ready') set({ status: 'loading' });
      try {
        const before = quarantinedSum(get().sources);
        const sources = await api.call('sources.list');
        set({ sources, status: 'ready', error: null, updatedAt: Date.now() });
        if (quarantinedSum(sources) !== before && get().quarantine.status === 'ready') void get().refreshQuarantineHead();
      } catch (err) {
        if (get().status === 'ready') set({ error: errorMessage(err) });
        else set({ status: 'error', error: errorMessage(err) });
      } finally {
        listInFlight = false;
      }
    },

    startPolling() {
      polling++;
      void get().load();
      const t = setInterval(() => {
        if (document.visibilityState === 'visible') void get().load();
      }, SOURCES_POLL_MS);
      return () => {
        polling--;
        clearInterval(t);
      };
    },

    async add(req) {
      const created = await api.call('sources.add', req);
      replaceSource(created);
      toastSuccess(`Following ${created.path ?? created.id}`);
      void get().load();
      return created;
    },

    async setEnabled(id, enabled) {
      setBusy(id, true);
      try {
        replaceSource(await api.call('sources.setEnabled', { id, enabled }));
      } catch (err) {
        toastError(`Could not ${enabled ? 'resume' : 'pause'} the source: ${errorMessage(err)}`);
      } finally {
        setBusy(id, false);
      }
    },

    async setAssumeTz(id, assumeTz) {
      setBusy(id, true);
      try {
        replaceSource(await api.call('sources.setAssumeTz', { id, assume_tz: assumeTz }));
        toastSuccess(assumeTz ? `Timestamps without an offset are read as ${assumeTz}` : 'Timestamps without an offset are quarantined again');
      } finally {
        setBusy(id, false);
      }
    },

    async remove(id) {
      setBusy(id, true);
      try {
        await api.call('sources.remove', { id });
        set({ sources: get().sources.filter((s) => s.id !== id) });
        toastSuccess('Source removed');
      } catch (err) {
        toastError(`Could not remove the source: ${errorMessage(err)}`);
      } finally {
        setBusy(id, false);
      }
    },

    async loadQuarantine() {
      const gen = ++qGen;
      patchQ({ status: get().quarantine.status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        const page = await api.call('quarantine.list', { limit: QUARANTINE_PAGE });
        if (gen !== qGen) return;
        patchQ({ items: page.items, total: page.total, status: 'ready', error: null, moreError: null });
      } catch (err) {
        if (gen !== qGen) return;
        patchQ({ status: get().quarantine.items.length ? 'ready' : 'error', error: errorMessage(err) });
      }
    },

    async loadMoreQuarantine() {
      const q = get().quarantine;
      const last = q.items[q.items.length - 1];
      if (!last || q.loadingMore || q.items.length >= q.total) return;
      const gen = qGen;
      patchQ({ loadingMore: true, moreError: null });
      try {
        const page = await api.call('quarantine.list', { limit: QUARANTINE_PAGE, before_id: last.id });
        if (gen !== qGen) return;
        const seen = new Set(get().quarantine.items.map((i) => i.id));
        patchQ({ items: [...get().quarantine.items, ...page.items.filter((i) => !seen.has(i.id))], total: page.total, loadingMore: false });
      } catch (err) {
        patchQ({ loadingMore: false, moreError: errorMessage(err) });
      }
    },

    async refreshQuarantineHead() {
      const q = get().quarantine;
      if (q.status !== 'ready') return get().loadQuarantine();
      try {
        const page = await api.call('quarantine.list', { limit: QUARANTINE_PAGE });
        const top = get().quarantine.items[0]?.id ?? 0;
        const fresh = page.items.filter((i) => i.id > top);
        patchQ({ items: [...fresh, ...get().quarantine.items], total: page.total });
      } catch {
        // the next poll tries again
      }
    },

    async loadSimulator() {
      try {
        set({ simulator: await api.call('simulator.status'), simulatorError: null });
      } catch (err) {
        set({ simulatorError: errorMessage(err) });
      }
    },

    async startSimulator(req) {
      set({ simulatorBusy: true, simulatorError: null });
      try {
        set({ simulator: await api.call('simulator.start', req) });
        return true;
      } catch (err) {
        set({ simulatorError: err instanceof ApiError ? err.describe() : errorMessage(err) });
        return false;
      } finally {
        set({ simulatorBusy: false });
      }
    },

    async stopSimulator() {
      set({ simulatorBusy: true, simulatorError: null });
      try {
        set({ simulator: await api.call('simulator.stop') });
      } catch (err) {
        set({ simulatorError: errorMessage(err) });
      } finally {
        set({ simulatorBusy: false });
      }
    },

    handleSourceState(id, live) {
      const list = get().sources;
      const i = list.findIndex((x) => x.id === id);
      // a source not listed yet (just added elsewhere) comes with the next poll
      if (i < 0) return;
      set({ sources: list.map((x) => (x.id === id ? { ...x, live } : x)) });
    },

    handleSimulatorStatus(s) {
      const prev = get().simulator;
      set({ simulator: s });
      // A run that ends changes the sources' counters: refresh them at once when polled.
      if (prev?.running && !s.running && polling > 0) void get().load();
    },
  };
});
