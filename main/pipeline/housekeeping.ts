import type { Settings } from '../contract/index.js';
import type { PipelineRepo } from '../store/pipeline-repo.js';
import type { Pipeline } from './pipeline.js';

export interface HousekeepingOptions {
  /** Name under which this process publishes its figures (e.g. "tail:1234"). */
  processName: string;
  settings: () => Settings;
  onMetrics?: (m: ReturnType<Pipeline['metrics']['snapshot']>) => void;
  metricsEveryMs?: number;
  pruneEveryMs?: number;
  log?: (msg: string) => void;
}

/**
 * What every long-running pipeline process does on the side: publish its figures once a second
 * (for `vigil status`, the UI and other processes) and prune raw events and sensor records past
 * their retention (age, and for records the database size) in small batches, and keep the alerts'
 * full-text index compact. Returns the function that stops it (and withdraws the published figures).
 */
export function startHousekeeping(pipeline: Pipeline, repo: PipelineRepo, opts: HousekeepingOptions): () => void {
  const publish = () => {
    try {
      const m = pipeline.metrics.snapshot();
      repo.publishMetrics(opts.processName, m);
      opts.onMetrics?.(m);
    } catch (err) {
      opts.log?.(`could not publish metrics: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const prune = () => {
    try {
      const s = opts.settings();
      // a few small batches per tick keep every transaction short
      for (let i = 0; i < 4; i++) if (repo.pruneEvents(s.eventRetentionDays, s.eventRetentionMaxRows, 2000) < 2000) break;
      // sensor records: up to 16 blocks (~16,000 records) per tick, two blocks per transaction
      for (let i = 0; i < 8; i++) if (!pipeline.pruneRecords(s.recordRetentionDays, s.recordRetentionMaxGb * 1e9, 2).more) break;
    } catch (err) {
      opts.log?.(`retention pruning failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      // the alerts' full-text index back towards one segment (a broad search tests rows in it)
      repo.compactSearchIndex();
    } catch (err) {
      opts.log?.(`search index compaction failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const m = setInterval(publish, opts.metricsEveryMs ?? 1000);
  const p = setInterval(prune, opts.pruneEveryMs ?? 30_000);
  m.unref();
  p.unref();
  return () => {
    clearInterval(m);
    clearInterval(p);
    try {
      repo.clearMetrics(opts.processName);
    } catch {
      // the database may already be closed
    }
  };
}
