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
  commit(batch: SourceBatch, normalized?: Normalized): BatchOutcome {
    const lease = this.lease;
    const zone = this.currentZone();
    return this.pipeline().process(this.sourceId, batch.records, {
      ...(batch.cursor !== undefined ? { cursor: batch.cursor } : {}),
      ...(batch.forgetIdsBefore !== undefined ? { forgetIdsBefore: batch.forgetIdsBefore } : {}),
      ...(normalized && normalized.zone === this.zone.name ? { normalized: normalized.pre.results, rawBlocks: normalized.pre.raw } : {}),
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
  const store = (batch: SourceBatch, normalized?: Normalized) => {
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
      store(batch, got ? { pre: got, zone } : undefined);
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

/** A batch's records as a normalize worker read them (`pre`), in the source's zone `zone` then. */
export interface Normalized {
  pre: Prenormalized;
  zone: string | null;
}

/** A batch, with its records normalized by a worker when it could. */
export interface NormalizedBatch {
  batch: SourceBatch;
  normalized?: Normalized;
}

/**
 * The batches of `batches` (as they are, without a worker), each handed to `worker` as soon as it is
 * read (with the source's zone then, `zoneName()`), and the next one handed over before this one is
 * yielded to be stored: the worker normalizes it on the second core while the main thread stores
 * this one, and the event loop is free while the worker works.
 *
 * `waitMs`: how long a normalized batch waits for the next one to be read before it is yielded
 * without handing that one over (Infinity: always wait). A followed file at its end has no next
 * batch yet, and its last one must not wait for lines still to be written; while it catches up,
 * its next batch is read within that time. (It was not read while the main thread stored the batch
 * before: the read's I/O waits for the event loop. Taking only batches already read handed every
 * other batch over ahead, and catching up was 11 % slower than normalizing on the main thread.)
 *
 * `drain` keeps its own loop: an import through this one peaked at 549 MB RSS on the bench's 1M-line
 * mix against 442-462 MB (the limit is 500), for reasons not found in the time there was.
 *
 * A failure to read the next batch is thrown after this one is yielded. Leaving early drops a batch
 * read ahead (nothing of it was stored) and asks the source to end without waiting for it (a read
 * still pending ends when its signal aborts or its driver closes).
 */
export async function* normalizedAhead(
  batches: AsyncIterable<SourceBatch>,
  worker: NormalizeWorker | null,
  zoneName: () => string | null,
  waitMs: number,
): AsyncGenerator<NormalizedBatch> {
  if (!worker) {
    for await (const batch of batches) yield { batch };
    return;
  }
  const it = batches[Symbol.asyncIterator]();
  const start = (batch: SourceBatch) => {
    const zone = zoneName();
    return { batch, zone, results: worker.normalize(batch.records, zone) };
  };
  let settled = false;
  let onSettled: (() => void) | null = null;
  const read = () => {
    settled = false;
    const p = it.next();
    const done = () => {
      settled = true;
      onSettled?.();
    };
    p.then(done, done);
    return p;
  };
  /** Resolves once the pending read settles, or after `waitMs`. */
  const settledWithin = () =>
    new Promise<void>((resolve) => {
      const timer = Number.isFinite(waitMs) ? setTimeout(resolve, waitMs) : null;
      onSettled = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    }).finally(() => (onSettled = null));
  let pending: Promise<IteratorResult<SourceBatch>> | null = read();
  let ahead: ReturnType<typeof start> | null = null;
  try {
    for (;;) {
      let cur = ahead;
      ahead = null;
      if (!cur) {
        if (!pending) return;
        const r = await pending;
        pending = null;
        if (r.done) return;
        cur = start(r.value);
        pending = read();
      }
      const results = await cur.results;
      let failure: { err: unknown } | null = null;
      if (pending && !settled && waitMs > 0) await settledWithin();
      if (pending && settled) {
        try {
          const r = await pending;
          pending = null;
          if (!r.done) {
            ahead = start(r.value);
            pending = read();
          }
        } catch (err) {
          pending = null;
          failure = { err };
        }
      }
      yield results ? { batch: cur.batch, normalized: { pre: results, zone: cur.zone } } : { batch: cur.batch };
      if (failure) throw failure.err;
    }
  } finally {
    // not awaited: a read still pending (a followed file waiting for lines) would hold it
    it.return?.()?.catch(() => undefined);
  }
}
