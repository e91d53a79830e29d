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
import type { NormalizeWorker, Prenormalized } from './normalize-worker.js';
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

  /** The name of the source's time zone setting now (what a normalize worker is given), or null. */
  zoneName(): string | null {
    return this.repo.sourceAssumeTz(this.sourceId);
  }

  /**
   * `normalized`: the batch's records normalized ahead (a NormalizeWorker) in zone `zone`; used
   * only if the source's zone is still that one.
   */
  commit(batch: SourceBatch, normalized?: { results: Prenormalized; zone: string | null }): BatchOutcome {
    const lease = this.lease;
    const zone = this.currentZone();
    return this.pipeline().process(this.sourceId, batch.records, {
      ...(batch.cursor !== undefined ? { cursor: batch.cursor } : {}),
      ...(batch.forgetIdsBefore !== undefined ? { forgetIdsBefore: batch.forgetIdsBefore } : {}),
      ...(normalized && normalized.zone === this.zone.name ? { normalized: normalized.results } : {}),
      normalize: { zone },
      inTransaction: () => {
        lease?.confirm();
        batch.commit?.();
      },
    });
  }
}

export interface DrainOptions {
  lease?: SourceLeaseHandle | null;
  /**
   * Normalize in this worker: the next batch is read and handed to it before the current one is
   * stored (for drivers whose reading does not depend on what was stored: a file import).
   */
  worker?: NormalizeWorker | null;
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
  const worker = opts.worker ?? null;
  const store = (batch: SourceBatch, normalized?: { results: Prenormalized; zone: string | null }) => {
    const o = committer.commit(batch, normalized);
    opts.onBatch?.(o);
  };
  try {
    if (!worker) {
      for await (const batch of driver.batches(ctx)) store(batch);
      return;
    }
    let ahead: { batch: SourceBatch; zone: string | null; results: Promise<Prenormalized | null> } | null = null;
    const storeAhead = async () => {
      if (!ahead) return;
      const { batch, zone, results } = ahead;
      ahead = null;
      const got = await results;
      store(batch, got ? { results: got, zone } : undefined);
    };
    for await (const batch of driver.batches(ctx)) {
      const zone = committer.zoneName();
      const next = { batch, zone, results: worker.normalize(batch.records, zone) };
      await storeAhead();
      ahead = next;
    }
    await storeAhead();
  } finally {
    await driver.close();
  }
}
