import { create } from 'zustand';
import type {
  AttackMatrix,
  DashboardSummary,
  DashboardTop,
  DashboardTrend,
  LiveSource,
} from '../../main/contract/console.js';
import type { AlertStatus } from '../../main/contract/alerts.js';
import type { EventPayload } from '../../main/contract/events.js';
import type { PipelineMetrics, PipelineStatus } from '../../main/contract/pipeline.js';
import { api, errorMessage } from '../api/index.js';
import { formatMinutes } from '../lib/format.js';

/** Statuses an analyst still has to work on (the contract's OPEN_STATUSES, as a type-only copy). */
export const OPEN_STATUS_LIST: AlertStatus[] = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING'];

// ---------------------------------------------------------------- time range

export type RangePreset = '15m' | '1h' | '24h' | '7d';

export type DashRange = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: string; to: string };

export interface PresetInfo {
  value: RangePreset;
  short: string;
  label: string;
  ms: number;
  /** Trend bucket width; the window is aligned on it so bars do not shift between refreshes. */
  bucketS: number;
}

export const RANGE_PRESETS: readonly PresetInfo[] = [
  { value: '15m', short: '15m', label: 'Last 15 minutes', ms: 15 * 60_000, bucketS: 30 },
  { value: '1h', short: '1h', label: 'Last hour', ms: 3_600_000, bucketS: 60 },
  { value: '24h', short: '24h', label: 'Last 24 hours', ms: 86_400_000, bucketS: 1800 },
  { value: '7d', short: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, bucketS: 3 * 3600 },
];

export const DEFAULT_RANGE: DashRange = { kind: 'preset', preset: '24h' };
const CUSTOM_BUCKETS = 48;

export interface ResolvedWindow {
  from: string;
  to: string;
  buckets: number;
}

/** The concrete window of a range at `now` (relative presets slide with time). */
export function resolveRange(range: DashRange, now = Date.now()): ResolvedWindow {
  if (range.kind === 'custom') {
    return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), buckets: CUSTOM_BUCKETS };
  }
  const p = RANGE_PRESETS.find((x) => x.value === range.preset) ?? RANGE_PRESETS[2]!;
  const bucketMs = p.bucketS * 1000;
  const to = Math.ceil((now + 1) / bucketMs) * bucketMs;
  return { from: new Date(to - p.ms).toISOString(), to: new Date(to).toISOString(), buckets: Math.round(p.ms / bucketMs) };
}

export function rangeLabel(range: DashRange): string {
  if (range.kind === 'preset') return RANGE_PRESETS.find((p) => p.value === range.preset)?.label ?? range.preset;
  return `${formatMinutes(range.from)} – ${formatMinutes(range.to)}`;
}

/** Alerts-link window of a range: relative presets link with `from` only (so they stay open-ended). */
export function rangeFilter(range: DashRange, win: ResolvedWindow | null): { from?: string; to?: string } {
  if (!win) return {};
  return range.kind === 'custom' ? { from: win.from, to: win.to } : { from: win.from };
}

// ---------------------------------------------------------------- data

export interface DashboardData {
  window: ResolvedWindow;
  summary: DashboardSummary;
  trend: DashboardTrend;
  topSrc: DashboardTop['items'];
  topCountry: DashboardTop['items'];
  topRule: DashboardTop['items'];
  attack: { technique_id: string; alerts: number }[];
  sources: LiveSource[];
  pipeline: PipelineStatus | null;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

/** Automatic refreshes (alerts.changed) are at least this far apart. */
export const REFRESH_MIN_SPACING_MS = 3000;
/** A burst of alerts.changed events is folded into one refresh after this quiet time. */
const REFRESH_DEBOUNCE_MS = 400;
/** Relative windows slide and "events/s now" changes even without new alerts. */
export const REFRESH_INTERVAL_MS = 10_000;
/** Samples of the events/s sparkline (pipeline.metrics arrives about once a second). */
export const METRICS_HISTORY = 90;

const TOP_LIMIT = 8;
const COUNTRY_LIMIT = 50;

export interface DashboardState {
  range: DashRange;
  status: LoadStatus;
  /** A refresh is in flight while data is shown (the previous data stays visible). */
  refreshing: boolean;
  data: DashboardData | null;
  /** Error of the first load (nothing to show). */
  error: string | null;
  /** Error of the last refresh while older data is shown. */
  refreshError: string | null;
  updatedAt: number | null;
  matrix: AttackMatrix | null;
  matrixError: string | null;
  /** Latest pipeline.metrics push of this process, and the events/s history. */
  metrics: PipelineMetrics | null;
  metricsHistory: number[];

  setRange(range: DashRange): void;
  /** Fetches everything for the current range now. */
  load(): Promise<void>;
  /** Debounced, spaced refresh (for alerts.changed bursts). */
  scheduleRefresh(): void;
  loadMatrix(): Promise<void>;
  handleMetrics(m: EventPayload<'pipeline.metrics'>): void;
  /** Starts live refresh while the dashboard is on screen; returns the stop function. */
  activate(): () => void;
}

export const useDashboard = create<DashboardState>((set, get) => {
  let generation = 0;
  let inFlight = false;
  let queued = false;
  let lastRun = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let active = 0;
  /** A refresh was due while the page was hidden: it runs when the page shows again. */
  let dueWhileHidden = false;

  async function fetchAll(win: ResolvedWindow): Promise<DashboardData> {
    const r = { from: win.from, to: win.to };
    const [summary, trend, src, country, rule, attack, sources, pipeline] = await Promise.all([
      api.call('dashboard.summary', r),
      api.call('dashboard.trend', { ...r, buckets: win.buckets }),
      api.call('dashboard.top', { ...r, field: 'src_ip', limit: TOP_LIMIT }),
      api.call('dashboard.top', { ...r, field: 'country', limit: COUNTRY_LIMIT }),
      api.call('dashboard.top', { ...r, field: 'rule', limit: TOP_LIMIT }),
      api.call('dashboard.attack', r),
      api.call('sources.list').catch(() => null),
      api.call('pipeline.status').catch(() => null),
    ]);
    return {
      window: win,
      summary,
      trend,
      topSrc: src.items,
      topCountry: country.items,
      topRule: rule.items,
      attack: attack.cells,
      sources: sources ?? summary.sources.map((s) => ({ ...s, live: null })),
      pipeline,
    };
  }

  async function run(): Promise<void> {
    if (inFlight) {
      queued = true;
      return;
    }
    inFlight = true;
    queued = false;
    lastRun = Date.now();
    const gen = ++generation;
    const hasData = get().data !== null;
    set(hasData ? { refreshing: true } : { status: 'loading', refreshing: true, error: null });
    try {
      const data = await fetchAll(resolveRange(get().range));
      if (gen === generation) set({ data, status: 'ready', error: null, refreshError: null, updatedAt: Date.now() });
    } catch (err) {
      if (gen === generation) {
        if (get().data) set({ refreshError: errorMessage(err) });
        else set({ status: 'error', error: errorMessage(err) });
      }
    } finally {
      if (gen === generation) {
        inFlight = false;
        set({ refreshing: false });
      }
      if (gen === generation && queued) {
        queued = false;
        get().scheduleRefresh();
      }
    }
  }

  return {
    range: DEFAULT_RANGE,
    status: 'idle',
    refreshing: false,
    data: null,
    error: null,
    refreshError: null,
    updatedAt: null,
    matrix: null,
    matrixError: null,
    metrics: null,
    metricsHistory: [],

    setRange(range) {
      set({ range });
      if (timer) clearTimeout(timer);
      timer = null;
      // A new range answers at once; an older in-flight answer is dropped by the generation check.
      inFlight = false;
      void run();
    },

    load() {
      if (timer) clearTimeout(timer);
      timer = null;
      return run();
    },

    scheduleRefresh() {
      if (timer) return;
      const wait = Math.max(REFRESH_DEBOUNCE_MS, lastRun + REFRESH_MIN_SPACING_MS - Date.now());
      timer = setTimeout(() => {
        timer = null;
        if (document.visibilityState === 'hidden') {
          dueWhileHidden = true;
          return;
        }
        void run();
      }, wait);
    },

    async loadMatrix() {
      if (get().matrix) return;
      try {
        const matrix = await api.call('attack.matrix');
        set({ matrix, matrixError: null });
      } catch (err) {
        set({ matrixError: errorMessage(err) });
      }
    },

    handleMetrics(m) {
      const hist = get().metricsHistory;
      const next = hist.length >= METRICS_HISTORY ? hist.slice(hist.length - METRICS_HISTORY + 1) : hist.slice();
      next.push(m.events_per_s);
      set({ metrics: m, metricsHistory: next });
    },

    activate() {
      active++;
      const off = api.on('alerts.changed', () => get().scheduleRefresh());
      const onVisible = () => {
        if (document.visibilityState === 'visible' && dueWhileHidden) {
          dueWhileHidden = false;
          get().scheduleRefresh();
        }
      };
      document.addEventListener('visibilitychange', onVisible);
      const interval = setInterval(() => {
        if (document.visibilityState === 'visible' && Date.now() - lastRun >= REFRESH_INTERVAL_MS - 500) get().scheduleRefresh();
      }, REFRESH_INTERVAL_MS);
      if (get().status === 'idle' || get().status === 'error') void get().load();
      else get().scheduleRefresh();
      void get().loadMatrix();
      return () => {
        active--;
        off();
        clearInterval(interval);
        document.removeEventListener('visibilitychange', onVisible);
        if (active === 0 && timer) {
          clearTimeout(timer);
          timer = null;
        }
      };
    },
  };
});
