import { create } from 'zustand';
import type { JobProgress } from '../../main/contract/console.js';
import { api } from '../api/index.js';

/** Finished jobs are forgotten this long after their last event. */
const KEEP_DONE_MS = 5 * 60_000;

export interface JobsState {
  /** The latest progress of every job seen on this connection, by job id. */
  jobs: Readonly<Record<string, JobProgress>>;
  /**
   * Subscribes to `jobs.progress` (once per page; later calls do nothing). Progress can arrive
   * before the call that started the job answers, so every job is recorded, tracked or not.
   */
  listen(): void;
  received(p: JobProgress): void;
  forget(jobId: string): void;
}

let listening = false;

export const useJobs = create<JobsState>((set, get) => ({
  jobs: {},

  listen() {
    if (listening) return;
    listening = true;
    api.on('jobs.progress', (p) => get().received(p));
  },

  received(p) {
    const prev = get().jobs[p.job_id];
    // events of one job can race; never go backwards, and a final state sticks
    if (prev && (prev.state !== 'running' || (p.state === 'running' && p.done < prev.done))) return;
    set({ jobs: { ...get().jobs, [p.job_id]: p } });
    if (p.state !== 'running') setTimeout(() => get().forget(p.job_id), KEEP_DONE_MS);
  },

  forget(jobId) {
    if (!(jobId in get().jobs)) return;
    const next = { ...get().jobs };
    delete next[jobId];
    set({ jobs: next });
  },
}));

/**
 * Calls `fn` once with the job's last progress when it ends (done, stopped or failed), whether or
 * not a dialog still shows it: a job left to run in the background still says how it ended.
 */
export function whenJobEnds(jobId: string, fn: (p: JobProgress) => void): void {
  let waiting = true;
  const check = (jobs: JobsState['jobs']): void => {
    const p = jobs[jobId];
    if (!waiting || !p || p.state === 'running') return;
    waiting = false;
    unsubscribe();
    fn(p);
  };
  const unsubscribe = useJobs.subscribe((s) => check(s.jobs));
  check(useJobs.getState().jobs);
}

/** Percent done of a job (0..100), 100 when it has nothing to do. */
export function jobPercent(p: Pick<JobProgress, 'done' | 'total'>): number {
  if (p.total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((p.done / p.total) * 100)));
}
