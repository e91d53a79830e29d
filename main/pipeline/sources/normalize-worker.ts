/**
 * Normalizing on a second core while the main thread stores the batch before. JSON.parse and the
 * normalizers are ~10 us of a line's ~30 us on the main thread; receiving the line's packed result
 * costs ~3 us. An import (`drain` with a worker) hands the worker batch N+1 before it stores batch
 * N, so both cores work.
 *
 * The worker only saves time: whatever it cannot do (a batch of mixed formats, a record handed over
 * as an object, an oversize line, a worker that failed or exited), the main thread normalizes as
 * it always did, so no line is lost or read differently because of it.
 */
import { WorkerCalls } from '../../core/worker-calls.js';
import type { RawBlocks } from '../../store/raw-blocks.js';
import type { NormalizeResult } from '../types.js';
import { unpackResults } from '../normalize/packed.js';
import type { NormalizeJob, NormalizeReply } from '../normalize/worker-job.js';
import type { RawRecord } from './types.js';

/**
 * `results`: aligned with the records; null where the main thread normalizes (see the module
 * comment). `raw`: the raw lines of the results' sensor records, packed as the record store keeps
 * them (compressing is ~2 us of a record's time on the main thread).
 */
export interface Prenormalized {
  results: (NormalizeResult | null)[];
  raw: RawBlocks;
}

const DEFAULT_SCRIPT = new URL('../normalize/worker-entry.js', import.meta.url);
/**
 * The worker's young generation, in MB, smaller than V8's default. A batch's garbage is short-lived;
 * collected sooner, it holds less memory: on the bench's 1M-line import the peak RSS went from
 * 462-477 MB to 432-456, at the same speed.
 */
const YOUNG_GENERATION_MB = 8;

export class NormalizeWorker {
  /** Started by the first batch: an import with nothing new to read starts no thread. */
  private readonly thread: WorkerCalls<NormalizeJob, NormalizeReply>;
  private done = 0;

  constructor(script: URL | string = DEFAULT_SCRIPT) {
    this.thread = new WorkerCalls('normalize worker', script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  }

  /** Lines the worker has normalized so far. */
  get lines(): number {
    return this.done;
  }

  /** Why the worker stopped working, or null while it works. */
  get failed(): string | null {
    return this.thread.failed;
  }

  /**
   * The records normalized in the worker, in the source's zone (its assume_tz name), or null when
   * the main thread must do the whole batch.
   */
  async normalize(records: readonly RawRecord[], zone: string | null): Promise<Prenormalized | null> {
    if (this.thread.failed !== null || records.length === 0) return null;
    const format = records[0]!.format;
    const texts: (string | null)[] = new Array<string | null>(records.length);
    let sent = 0;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      if (r.format !== format) return null;
      const ok = typeof r.raw === 'string' && r.oversize === undefined;
      texts[i] = ok ? (r.raw as string) : null;
      if (ok) sent++;
    }
    if (sent === 0) return null;
    const reply = await this.thread.call((id) => ({ id, format, zone, texts }));
    if (reply === null || 'error' in reply) return null;
    let results: (NormalizeResult | null)[];
    try {
      results = unpackResults(reply.packed, texts.map((t) => t ?? ''));
    } catch {
      return null;
    }
    for (let i = 0; i < records.length; i++) {
      const r = results[i]!;
      if (texts[i] === null) results[i] = null;
      else if (r.kind === 'event') r.event.position = records[i]!.position;
    }
    this.done += sent;
    return { results, raw: reply.raw };
  }

  /** Stops the worker; batches asked for later are normalized on the main thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
