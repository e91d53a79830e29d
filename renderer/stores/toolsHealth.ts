import { create } from 'zustand';
import type { ToolsOverall } from '../../main/contract/connectors.js';
import { api } from '../api/index.js';

/** How often the figure is refreshed besides the push events. */
export const TOOLS_HEALTH_POLL_MS = 10_000;

interface ToolsHealthState {
  overall: ToolsOverall | null;
  load(): Promise<void>;
  /** Follows health changes while a view shows the figure; returns the stop function. */
  start(): () => void;
}

/**
 * The dashboard's one figure over every configured tool (connectors.overall). It reads cached
 * health only, so a tool that hangs never holds the dashboard up.
 */
export const useToolsHealth = create<ToolsHealthState>((set, get) => ({
  overall: null,
  async load() {
    try {
      set({ overall: await api.call('connectors.overall') });
    } catch {
      // keep the last figure; the Tools screen says what is wrong
    }
  },
  start() {
    void get().load();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const soon = () => {
      pending ??= setTimeout(() => {
        pending = null;
        void get().load();
      }, 300);
    };
    const offs = [api.on('connectors.health', soon), api.on('connectors.changed', soon)];
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void get().load();
    }, TOOLS_HEALTH_POLL_MS);
    return () => {
      clearInterval(t);
      if (pending) clearTimeout(pending);
      offs.forEach((off) => off());
    };
  },
}));
