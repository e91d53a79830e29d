import { create } from 'zustand';
import type { Settings, SettingsPatch } from '../../main/contract/settings.js';
import { api, errorMessage } from '../api/index.js';
import { setDisplayZone, type DisplayZone } from '../lib/format.js';
import { toastError } from './toasts.js';

export type Theme = Settings['theme'];

/** Used until settings.get answers (same values as the contract's defaults). */
const DEFAULT_PAGE_SIZE = 100;

const THEME_CACHE_KEY = 'vigil.theme';

/** The last theme seen, so the first paint after a reload uses it (before settings.get answers). */
export function cachedTheme(): Theme {
  try {
    return localStorage.getItem(THEME_CACHE_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

/**
 * Paints the theme. `source` says where it came from: 'cached' (the last one seen, for the first
 * paint) or 'saved' (the settings, once loaded): `<html data-theme-source>` lets a reader (and the
 * e2e tests) tell a first paint from the analyst's saved choice.
 */
export function applyTheme(theme: Theme, source: 'cached' | 'saved' = 'saved'): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.dataset.themeSource = source;
  try {
    localStorage.setItem(THEME_CACHE_KEY, theme);
  } catch {
    // storage disabled: the theme still applies for this page
  }
}

interface SettingsState {
  /** The full settings once loaded; null before settings.get answers. */
  settings: Settings | null;
  /** Effective theme (cached value until settings load). */
  theme: Theme;
  /** Effective alerts page size. */
  pageSize: number;
  /** Zone times are shown in (every time formatter follows it). */
  timeZone: DisplayZone;
  /** Why the last settings.get failed (null once it succeeds). */
  error: string | null;
  /** A settings.get is in flight. */
  loading: boolean;
  load(): Promise<void>;
  /** Optimistic save: the UI follows at once; a failure goes back and shows a toast. */
  update(patch: SettingsPatch): Promise<void>;
  /**
   * Plain save for forms that show errors themselves (the Settings screen): nothing changes
   * until the backend answers; resolves with the saved settings, rejects with the ApiError
   * (BAD_REQUEST carries `issues` like "geoCityDb: ...").
   */
  save(patch: SettingsPatch): Promise<Settings>;
  setTheme(theme: Theme): Promise<void>;
  /** Applies a `settings.changed` push. */
  received(next: Settings): void;
}

function derived(s: Settings) {
  setDisplayZone(s.timeZone);
  return { settings: s, theme: s.theme, pageSize: s.alertsPageSize, timeZone: s.timeZone };
}

export const useSettings = create<SettingsState>((set, get) => ({
  settings: null,
  theme: cachedTheme(),
  pageSize: DEFAULT_PAGE_SIZE,
  timeZone: 'local',
  error: null,
  loading: false,

  async load() {
    set({ loading: true });
    try {
      const settings = await api.call('settings.get');
      set({ ...derived(settings), error: null, loading: false });
    } catch (err) {
      set({ error: errorMessage(err), loading: false });
    }
  },

  async update(patch) {
    const before = get();
    const restore = { settings: before.settings, theme: before.theme, pageSize: before.pageSize, timeZone: before.timeZone };
    // Optimistic: the UI follows at once, and goes back if the save fails.
    setDisplayZone(patch.timeZone ?? before.timeZone);
    set({
      theme: patch.theme ?? before.theme,
      pageSize: patch.alertsPageSize ?? before.pageSize,
      timeZone: patch.timeZone ?? before.timeZone,
      settings: before.settings ? { ...before.settings, ...patch } : null,
    });
    try {
      const settings = await api.call('settings.set', { patch });
      set({ ...derived(settings), error: null });
    } catch (err) {
      setDisplayZone(restore.timeZone);
      set(restore);
      toastError(`Could not save settings: ${errorMessage(err)}`);
    }
  },

  async save(patch) {
    const settings = await api.call('settings.set', { patch });
    set({ ...derived(settings), error: null });
    return settings;
  },

  setTheme(theme) {
    return get().update({ theme });
  },

  received(next) {
    set(derived(next));
  },
}));

/** The zone times are shown in; a component that shows times calls it to follow a change. */
export function useDisplayZone(): DisplayZone {
  return useSettings((s) => s.timeZone);
}
