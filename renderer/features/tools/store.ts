import { create } from 'zustand';
import type { ConnectorHealth, ConnectorKindSpec, ConnectorTestResult, ConnectorView, HealthSample } from '../../../main/contract/connectors.js';
import type { RequestInput } from '../../../main/contract/channels.js';
import { api, errorMessage } from '../../api/index.js';

/** A configuration as the form builds it: the contract checks it and names every problem. */
type ConfigInput = RequestInput<'connectors.save'>['config'];

export type Loadable = 'idle' | 'loading' | 'ready' | 'error';

/** Health samples shown per connector. */
export const HISTORY_SAMPLES = 60;

interface ToolsState {
  kinds: ConnectorKindSpec[];
  connectors: ConnectorView[];
  status: Loadable;
  error: string | null;
  /** Newest-first samples per connector id. */
  history: Record<string, HealthSample[]>;
  /** Ids with a "check now" in flight. */
  checking: Record<string, boolean>;

  load(): Promise<void>;
  loadHistory(id: string): Promise<void>;
  /** Follows connectors.changed / connectors.health while the screen is open; returns the stop function. */
  startLive(): () => void;
  handleHealth(id: string, health: ConnectorHealth): void;
  test(config: Record<string, unknown>, secret: string | undefined): Promise<ConnectorTestResult>;
  save(config: Record<string, unknown>, secret: string | undefined, create: boolean): Promise<ConnectorView>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  remove(id: string): Promise<void>;
  trust(id: string, sha256: string): Promise<void>;
  checkNow(id: string): Promise<void>;
}

function replace(list: ConnectorView[], view: ConnectorView): ConnectorView[] {
  const i = list.findIndex((c) => c.config.id === view.config.id);
  if (i < 0) return [...list, view].sort((a, b) => a.config.name.localeCompare(b.config.name));
  const next = list.slice();
  next[i] = view;
  return next;
}

export const useTools = create<ToolsState>((set, get) => {
  let loadSeq = 0;
  return {
    kinds: [],
    connectors: [],
    status: 'idle',
    error: null,
    history: {},
    checking: {},

    async load() {
      const seq = ++loadSeq;
      if (get().status !== 'ready') set({ status: 'loading' });
      try {
        const [kinds, connectors] = await Promise.all([get().kinds.length ? Promise.resolve(get().kinds) : api.call('connectors.kinds'), api.call('connectors.list')]);
        if (seq !== loadSeq) return;
        set({ kinds, connectors, status: 'ready', error: null });
      } catch (err) {
        if (seq !== loadSeq) return;
        set(get().status === 'ready' ? { error: errorMessage(err) } : { status: 'error', error: errorMessage(err) });
      }
    },

    async loadHistory(id) {
      try {
        const samples = await api.call('connectors.history', { id, limit: HISTORY_SAMPLES });
        set({ history: { ...get().history, [id]: samples } });
      } catch {
        // the card shows no history; the health line still says how it is
      }
    },

    startLive() {
      void get().load();
      const offs = [
        api.on('connectors.changed', () => void get().load()),
        api.on('connectors.health', (p) => get().handleHealth(p.id, p.health)),
      ];
      // the list refreshes now and then for what other processes recorded
      const t = setInterval(() => {
        if (document.visibilityState === 'visible') void get().load();
      }, 15_000);
      return () => {
        clearInterval(t);
        offs.forEach((off) => off());
      };
    },

    handleHealth(id, health) {
      const list = get().connectors;
      const i = list.findIndex((c) => c.config.id === id);
      if (i >= 0) set({ connectors: replace(list, { ...list[i]!, health, probing: false }) });
      const samples = get().history[id];
      if (samples) {
        const sample: HealthSample = {
          checked_at: health.checkedAt,
          status: health.status,
          version: health.version,
          latency_ms: health.latencyMs,
          error: health.lastError?.failure ?? null,
        };
        if (samples[0]?.checked_at !== sample.checked_at) set({ history: { ...get().history, [id]: [sample, ...samples].slice(0, HISTORY_SAMPLES) } });
      }
    },

    test(config, secret) {
      return api.call('connectors.test', { config: config as unknown as ConfigInput, ...(secret ? { secret } : {}) });
    },

    async save(config, secret, create) {
      const view = await api.call('connectors.save', { config: config as unknown as ConfigInput, create, ...(secret ? { secret } : {}) });
      set({ connectors: replace(get().connectors, view) });
      void get().loadHistory(view.config.id);
      return view;
    },

    async setEnabled(id, enabled) {
      const view = await api.call('connectors.setEnabled', { id, enabled });
      set({ connectors: replace(get().connectors, view) });
    },

    async remove(id) {
      await api.call('connectors.remove', { id });
      const history = { ...get().history };
      delete history[id];
      set({ connectors: get().connectors.filter((c) => c.config.id !== id), history });
    },

    async trust(id, sha256) {
      const view = await api.call('connectors.trust', { id, sha256 });
      set({ connectors: replace(get().connectors, view) });
      await get().checkNow(id);
    },

    async checkNow(id) {
      set({ checking: { ...get().checking, [id]: true } });
      try {
        const health = await api.call('connectors.health', { id, force: true });
        get().handleHealth(id, health);
      } finally {
        const checking = { ...get().checking };
        delete checking[id];
        set({ checking });
      }
    },
  };
});
