export type Stage = 'normalize' | 'enrich' | 'detect' | 'score' | 'persist';
export const STAGES: readonly Stage[] = ['normalize', 'enrich', 'detect', 'score', 'persist'];

export interface BatchRecord {
  read: number;
  events: number;
  skipped: number;
  quarantined: number;
  suppressed: number;
  alertsCreated: number;
  alertsUpdated: number;
  stageMs: Record<Stage, number>;
}

export interface MetricsSnapshot {
  /** Totals since this process started. */
  totals: { read: number; events: number; skipped: number; quarantined: number; suppressed: number; alerts_created: number; alerts_updated: number; batches: number };
  /** Rates over the last RATE_WINDOW_S seconds. */
  events_per_s: number;
  alerts_per_min: number;
  /** Mean milliseconds per event of each stage over the window (batch time / events). */
  stage_ms_per_1k: Record<Stage, number>;
  /** Mean and p99 of whole-batch processing time over the window. */
  batch_ms_mean: number;
  batch_ms_p99: number;
  /** Records waiting in front of the pipeline (bytes behind in followed files, simulator queue). */
  queue_depth: number;
  updated_at: string;
}

const RATE_WINDOW_S = 10;

/** Counters and latencies of a running pipeline, cheap to update per batch. */
export class PipelineMetrics {
  private readonly totals = { read: 0, events: 0, skipped: 0, quarantined: 0, suppressed: 0, alerts_created: 0, alerts_updated: 0, batches: 0 };
  private recent: { t: number; rec: BatchRecord; ms: number }[] = [];
  private queueDepth = 0;

  constructor(private readonly clock: () => number = () => Date.now()) {}

  recordBatch(rec: BatchRecord): void {
    const t = this.clock();
    this.totals.read += rec.read;
    this.totals.events += rec.events;
    this.totals.skipped += rec.skipped;
    this.totals.quarantined += rec.quarantined;
    this.totals.suppressed += rec.suppressed;
    this.totals.alerts_created += rec.alertsCreated;
    this.totals.alerts_updated += rec.alertsUpdated;
    this.totals.batches++;
    let ms = 0;
    for (const s of STAGES) ms += rec.stageMs[s];
    this.recent.push({ t, rec, ms });
    this.trim(t);
  }

  setQueueDepth(n: number): void {
    this.queueDepth = n;
  }

  private trim(t: number): void {
    const cutoff = t - RATE_WINDOW_S * 1000;
    let i = 0;
    while (i < this.recent.length && this.recent[i]!.t < cutoff) i++;
    if (i > 0) this.recent = this.recent.slice(i);
    if (this.recent.length > 10_000) this.recent = this.recent.slice(-10_000);
  }

  snapshot(): MetricsSnapshot {
    const t = this.clock();
    this.trim(t);
    let events = 0;
    let alerts = 0;
    const stage: Record<Stage, number> = { normalize: 0, enrich: 0, detect: 0, score: 0, persist: 0 };
    const batchMs: number[] = [];
    for (const r of this.recent) {
      events += r.rec.read;
      alerts += r.rec.alertsCreated;
      for (const s of STAGES) stage[s] += r.rec.stageMs[s];
      batchMs.push(r.ms);
    }
    const per1k = {} as Record<Stage, number>;
    for (const s of STAGES) per1k[s] = events > 0 ? round((stage[s] / events) * 1000) : 0;
    batchMs.sort((a, b) => a - b);
    const mean = batchMs.length ? batchMs.reduce((a, b) => a + b, 0) / batchMs.length : 0;
    const p99 = batchMs.length ? batchMs[Math.min(batchMs.length - 1, Math.floor(batchMs.length * 0.99))]! : 0;
    return {
      totals: { ...this.totals },
      events_per_s: round(events / RATE_WINDOW_S),
      alerts_per_min: round((alerts / RATE_WINDOW_S) * 60),
      stage_ms_per_1k: per1k,
      batch_ms_mean: round(mean),
      batch_ms_p99: round(p99),
      queue_depth: this.queueDepth,
      updated_at: new Date(t).toISOString(),
    };
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
