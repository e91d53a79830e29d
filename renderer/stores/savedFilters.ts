import { create } from 'zustand';
import type { AlertFilter } from '../../main/contract/alerts.js';
import type { SavedFilter } from '../../main/contract/console.js';
import { api, errorMessage } from '../api/index.js';
import { toastError, useToasts } from './toasts.js';

export interface SavedFiltersState {
  items: SavedFilter[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Saves (or overwrites, by name) a filter; returns the error message, or null on success. */
  save(name: string, filter: AlertFilter): Promise<string | null>;
  remove(id: number): Promise<void>;
}

export const useSavedFilters = create<SavedFiltersState>((set, get) => ({
  items: [],
  loaded: false,
  loading: false,
  error: null,

  async load() {
    set({ loading: true, error: null });
    try {
      const items = await api.call('savedFilters.list');
      set({ items, loaded: true, loading: false });
    } catch (err) {
      set({ loading: false, error: errorMessage(err) });
    }
  },

  async save(name, filter) {
    try {
      const saved = await api.call('savedFilters.save', { name, filter });
      const items = [...get().items.filter((f) => f.id !== saved.id && f.name !== saved.name), saved].sort((a, b) => a.name.localeCompare(b.name));
      set({ items, loaded: true });
      useToasts.getState().push('success', `Saved filter “${saved.name}”`);
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  },

  async remove(id) {
    const before = get().items;
    set({ items: before.filter((f) => f.id !== id) });
    try {
      await api.call('savedFilters.remove', { id });
    } catch (err) {
      set({ items: before });
      toastError(`Could not delete the saved filter: ${errorMessage(err)}`);
    }
  },
}));
