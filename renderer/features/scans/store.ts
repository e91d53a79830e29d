import { create } from 'zustand';
import type { Scan, ScanDetail, ScanDiff } from '../../../main/contract/scans.js';
import type { RequestInput } from '../../../main/contract/channels.js';
import { api, errorMessage } from '../../api/index.js';

interface ScansState {
  scans: Scan[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  selected: number | null;
  detail: ScanDetail | null;
  /** The selected scan against the previous run of its target (once it is over). */
  diff: ScanDiff | null;
  load(): Promise<void>;
  select(id: number | null, reset?: boolean): Promise<void>;
  start(req: RequestInput<'scans.start'>): Promise<Scan>;
  stop(id: number): Promise<void>;
  importNow(id: number): Promise<void>;
  resume(id: number): Promise<void>;
  /** Follows the scans while the screen is open (push events, and a reload every `ms`); returns the stop function. */
  startLive(ms?: number): () => void;
}

export const useScans = create<ScansState>((set, get) => ({
  scans: [],
  status: 'idle',
  error: null,
  selected: null,
  detail: null,
  diff: null,

  async load() {
    if (get().status === 'idle') set({ status: 'loading' });
    try {
      const scans = await api.call('scans.list', { limit: 200 });
      set({ scans, status: 'ready', error: null });
      const id = get().selected;
      if (id !== null) await get().select(id, false);
    } catch (err) {
      set(get().status === 'ready' ? { error: errorMessage(err) } : { status: 'error', error: errorMessage(err) });
    }
  },

  async select(id, reset = true) {
    if (reset) set({ selected: id, detail: null, diff: null });
    if (id === null) return;
    const detail = await api.call('scans.get', { id });
    const over = detail.scan.status !== 'running' && detail.scan.status !== 'importing';
    set({ detail, diff: over ? await api.call('scans.diff', { id, limit: 50 }) : null });
  },

  async start(req) {
    const scan = await api.call('scans.start', req);
    await get().load();
    await get().select(scan.id);
    return scan;
  },

  async stop(id) {
    await api.call('scans.stop', { id });
    await get().load();
  },

  async importNow(id) {
    await api.call('scans.import', { id });
    await get().load();
  },

  async resume(id) {
    await api.call('scans.resume', { id });
    await get().load();
    if (get().selected === id) await get().select(id, false);
  },

  startLive(ms = 10_000) {
    void get().load();
    // this process's scans arrive as they change; the slow poll catches scans driven by another
    // process on the same data directory (the CLI's --wait, a second app)
    const off = api.on('scans.changed', (scan) => {
      const list = get().scans;
      const i = list.findIndex((x) => x.id === scan.id);
      if (i < 0) return void get().load();
      set({ scans: list.map((x) => (x.id === scan.id ? scan : x)) });
      if (get().selected === scan.id) void get().select(scan.id, false);
    });
    const t = setInterval(() => void get().load(), ms);
    return () => {
      off();
      clearInterval(t);
    };
  },
}));
