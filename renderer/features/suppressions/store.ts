import { create } from 'zustand';
import type { Suppression } from '../../../main/contract/pipeline.js';
import { api, errorMessage } from '../../api/index.js';
import { toastError, useToasts } from '../../stores/toasts.js';
import type { SuppressionView } from './model.js';

/** Hits and expiries change on their own: the list is read again this often while shown. */
const POLL_MS = 5000;

export interface SuppressionsState {
  rules: Suppression[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  view: SuppressionView;
  /** Rules with a request in flight (their buttons wait). */
  busy: Readonly<Record<number, boolean>>;
  setView(view: SuppressionView): void;
  load(): Promise<void>;
  /** Reads the list every few seconds until the returned function is called. */
  startPolling(): () => void;
  expire(id: number): Promise<void>;
  remove(id: number): Promise<boolean>;
}

export const useSuppressions = create<SuppressionsState>((set, get) => {
  const track = async (id: number, work: () => Promise<void>) => {
    set({ busy: { ...get().busy, [id]: true } });
    try {
      await work();
    } finally {
      const next = { ...get().busy };
      delete next[id];
      set({ busy: next });
    }
  };
  return {
    rules: [],
    status: 'idle',
    error: null,
    view: 'active',
    busy: {},

    setView(view) {
      set({ view });
    },

    async load() {
      if (get().status === 'idle') set({ status: 'loading' });
      try {
        const rules = await api.call('suppressions.list');
        set({ rules, status: 'ready', error: null });
      } catch (err) {
        set({ status: get().rules.length > 0 ? 'ready' : 'error', error: errorMessage(err) });
      }
    },

    startPolling() {
      void get().load();
      const t = setInterval(() => void get().load(), POLL_MS);
      return () => clearInterval(t);
    },

    async expire(id) {
      await track(id, async () => {
        try {
          const r = await api.call('suppressions.expire', { id });
          set({ rules: get().rules.map((x) => (x.id === id ? r : x)) });
          useToasts.getState().push('success', `Suppression #${id} expired: matching events raise alerts again`);
        } catch (err) {
          toastError(`Could not expire suppression #${id}: ${errorMessage(err)}`);
        }
      });
    },

    async remove(id) {
      let ok = false;
      await track(id, async () => {
        try {
          const { removed } = await api.call('suppressions.remove', { id });
          set({ rules: get().rules.filter((x) => x.id !== id) });
          useToasts.getState().push(removed ? 'success' : 'info', removed ? `Suppression #${id} removed` : `Suppression #${id} was already gone`);
          ok = true;
        } catch (err) {
          toastError(`Could not remove suppression #${id}: ${errorMessage(err)}`);
        }
      });
      return ok;
    },
  };
});
