import { create } from 'zustand';
import type { Alert, AlertDetail } from '../../../main/contract/alerts.js';
import type { AlertSuppressions, RelatedAlerts } from '../../../main/contract/console.js';
import type { EventPayload } from '../../../main/contract/events.js';
import { api, ApiError } from '../../api/index.js';

/** Related alerts are asked for a moment after the detail (they are the slower query). */
const RELATED_DELAY_MS = 120;
const RELATED_LIMIT = 8;

export interface AlertDetailState {
  id: number | null;
  detail: AlertDetail | null;
  loading: boolean;
  error: ApiError | null;
  related: RelatedAlerts | null;
  relatedLoading: boolean;
  relatedError: ApiError | null;
  /** The suppression rules that match the shown alert ("which suppression hid this?"). */
  suppressions: AlertSuppressions | null;
  /** Shows an alert (loads it unless it is already the one shown). */
  open(id: number): void;
  close(): void;
  /** Re-reads the shown alert without the loading state (after a change). */
  refresh(): Promise<void>;
  /** Optimistic edit of the shown alert; returns it as it was (undefined if another is shown). */
  patchAlert(id: number, patch: Partial<Alert>): Alert | undefined;
  restoreAlert(alert: Alert): void;
  handleChanged(payload: EventPayload<'alerts.changed'>): void;
}

export const useAlertDetail = create<AlertDetailState>((set, get) => {
  let generation = 0;
  let relatedTimer: ReturnType<typeof setTimeout> | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;

  function loadRelated(id: number, gen: number): void {
    if (relatedTimer) clearTimeout(relatedTimer);
    relatedTimer = setTimeout(() => {
      relatedTimer = null;
      set({ relatedLoading: true, relatedError: null });
      api.call('suppressions.forAlert', { id }).then(
        (suppressions) => {
          if (gen === generation) set({ suppressions });
        },
        () => undefined,
      );
      api.call('alerts.related', { id, limit: RELATED_LIMIT }).then(
        (related) => {
          if (gen === generation) set({ related, relatedLoading: false });
        },
        (err: unknown) => {
          if (gen === generation) set({ relatedLoading: false, relatedError: ApiError.from(err, 'alerts.related') });
        },
      );
    }, RELATED_DELAY_MS);
  }

  async function load(id: number, quiet: boolean): Promise<void> {
    const gen = ++generation;
    if (!quiet) set({ id, loading: true, error: null, related: null, relatedError: null, relatedLoading: false, suppressions: null });
    try {
      const detail = await api.call('alerts.get', { id });
      if (gen !== generation) return;
      set({ detail, loading: false, error: null });
      if (!quiet) loadRelated(id, gen);
    } catch (err) {
      if (gen !== generation) return;
      if (quiet) return; // keep what is shown; a later change tries again
      set({ detail: null, loading: false, error: ApiError.from(err, 'alerts.get') });
    }
  }

  return {
    id: null,
    detail: null,
    loading: false,
    error: null,
    related: null,
    relatedLoading: false,
    relatedError: null,
    suppressions: null,

    open(id) {
      const s = get();
      if (s.id === id && (s.detail?.alert.id === id || s.loading)) return;
      void load(id, false);
    },

    close() {
      generation++;
      if (relatedTimer) clearTimeout(relatedTimer);
      set({ id: null, detail: null, loading: false, error: null, related: null, relatedError: null, relatedLoading: false, suppressions: null });
    },

    async refresh() {
      const id = get().id;
      if (id !== null) await load(id, get().detail !== null);
    },

    patchAlert(id, patch) {
      const d = get().detail;
      if (!d || d.alert.id !== id) return undefined;
      set({ detail: { ...d, alert: { ...d.alert, ...patch } } });
      return d.alert;
    },

    restoreAlert(alert) {
      const d = get().detail;
      if (d && d.alert.id === alert.id) set({ detail: { ...d, alert } });
    },

    handleChanged(p) {
      const id = get().id;
      if (id === null || !get().detail) return;
      if (!p.ids.includes(id) && p.reason !== 'bulk') return;
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refresh();
      }, 250);
    },
  };
});
