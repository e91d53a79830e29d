/**
 * How a driver's batches are stored: each batch goes through the pipeline and is committed in ONE
 * transaction with the source's cursor, a check of its lease and whatever else the batch carries
 * (an import's memory). The supervisor and the one-shot commands (vigil ingest, vigil simulate)
 * store batches the same way.
 */
import type { PipelineRepo } from '../../store/pipeline-repo.js';
import type { BatchOutcome, Pipeline } from '../pipeline.js';
import { sourceZone } from '../runner.js';
import type { TimeZone } from '../normalize/index.js';
import type { SourceLeaseHandle } from './lease.js';
import type { DriverContext, SourceBatch, SourceDriver } from './types.js';

/** Stores the batches of one source (for one run of its driver). */
export class BatchCommitter {
  private zone: { name: string | null; zone: TimeZone | null } = { name: null, zone: null };

  constructor(
    private readonly pipeline: () => Pipeline,
    private readonly repo: PipelineRepo,
    readonly sourceId: string,
    /** The lease this reader holds: confirmed in every batch's transaction (a lost lease rolls the batch back). */
    private readonly lease: SourceLeaseHandle | null,
  ) {}

  /** The source's time zone setting, read for every batch so a change applies from the next one. */
  private currentZone(): TimeZone | null {
    const name = this.repo.sourceAssumeTz(this.sourceId);
    if (name !== this.zone.name) this.zone = { name, zone: sourceZone(name) };
    return this.zone.zone;
  }

  commit(batch: SourceBatch): BatchOutcome {
    const lease = this.lease;
    return this.pipeline().process(this.sourceId, batch.records, {
      ...(batch.cursor !== undefined ? { cursor: batch.cursor } : {}),
      ...(batch.forgetIdsBefore !== undefined ? { forgetIdsBefore: batch.forgetIdsBefore } : {}),
      normalize: { zone: this.currentZone() },
      inTransaction: () => {
        lease?.confirm();
        batch.commit?.();
      },
    });
  }
}

export interface DrainOptions {
  lease?: SourceLeaseHandle | null;
  signal?: AbortSignal;
  /** After each committed batch; throwing stops the run (that batch is stored). */
  onBatch?: (o: BatchOutcome) => void;
  onProgress?: DriverContext['report'];
}

/**
 * Runs a one-shot driver to its end in the foreground (an import, `vigil simulate`): every batch
 * committed as it comes; a failure throws (what was committed stays). Closes the driver.
 */
export async function drain(driver: SourceDriver, pipeline: Pipeline, repo: PipelineRepo, opts: DrainOptions = {}): Promise<void> {
  const committer = new BatchCommitter(() => pipeline, repo, driver.sourceId, opts.lease ?? null);
  const ctx: DriverContext = { signal: opts.signal ?? new AbortController().signal, report: opts.onProgress ?? (() => {}) };
  try {
    for await (const batch of driver.batches(ctx)) {
      const o = committer.commit(batch);
      opts.onBatch?.(o);
    }
  } finally {
    await driver.close();
  }
}
