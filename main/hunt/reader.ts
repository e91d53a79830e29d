/**
 * The hunt's reads off the main thread. A day's group-by on a large store takes seconds, and on the
 * main thread those seconds stop everything else: the ingest's batches, the LAN feed, every other
 * call. The reader answers them in worker threads, each with its own read-only connection (WAL lets
 * them read while the main connection writes), one at a time and in order on each thread. Counts
 * (histograms, group-bys) have a thread of their own, so that a page of records, a record, an
 * alert's evidence or a host never waits behind a count of a day or a week.
 *
 * If the thread cannot start or stops, or a read breaks there, the read is answered on the main
 * thread by `fallback`, the same HuntService over the main connection: slower for everything else,
 * never a lost answer. A refusal (a bad query, an unknown id) is the caller's answer as it is.
 */
import { ContractError } from '../contract/index.js';
import { WorkerCalls } from '../core/worker-calls.js';
import type { HuntRead, HuntReadCall, HuntReadReply, HuntReads } from './reader-job.js';

const DEFAULT_SCRIPT = new URL('./reader-entry.js', import.meta.url);

/** The reads that count (seconds on a large store); the others read pages and single records. */
const COUNTS: ReadonlySet<HuntRead> = new Set<HuntRead>(['histogram', 'groupBy']);

export class HuntReader {
  /** Each started by its first read (or the rows one by warm()). */
  private readonly rows: WorkerCalls<HuntReadCall, HuntReadReply>;
  private readonly counts: WorkerCalls<HuntReadCall, HuntReadReply>;

  /** `scripts`: the threads' entry (the built reader-entry.js unless a test says otherwise). */
  constructor(
    file: string,
    private readonly fallback: HuntReads,
    private readonly now: () => Date,
    onFailure: (why: string) => void = () => {},
    scripts: { rows: URL | string; counts: URL | string } = { rows: DEFAULT_SCRIPT, counts: DEFAULT_SCRIPT },
  ) {
    this.rows = new WorkerCalls('hunt reader', scripts.rows, { workerData: { file } }, onFailure);
    this.counts = new WorkerCalls('hunt reader (counts)', scripts.counts, { workerData: { file } }, onFailure);
  }

  /** Why a thread stopped working, or null while both work (or have not started). */
  get failed(): string | null {
    return this.rows.failed ?? this.counts.failed;
  }

  /**
   * Starts the rows thread ahead of its first read: the first alert an analyst opens then shows its
   * evidence without waiting for the thread to start (~0.3 s: modules, connection). The counts
   * thread still starts with the first count: a session that never hunts has no use for it.
   */
  warm(): void {
    this.rows.start();
  }

  /** `hunt[method](...args)`, answered by a thread. */
  async read<M extends HuntRead>(method: M, ...args: Parameters<HuntReads[M]>): Promise<ReturnType<HuntReads[M]>> {
    const thread = COUNTS.has(method) ? this.counts : this.rows;
    const reply = await thread.call((id) => ({ id, method, args, nowMs: this.now().getTime() }));
    if (reply && 'value' in reply) return reply.value as ReturnType<HuntReads[M]>;
    if (reply && 'error' in reply) throw new ContractError(reply.error.code, reply.error.message, reply.error.issues);
    return (this.fallback[method] as (...a: unknown[]) => ReturnType<HuntReads[M]>).apply(this.fallback, args);
  }

  /** Stops the threads; reads asked for later are answered on the main thread. */
  async close(): Promise<void> {
    await Promise.all([this.rows.close(), this.counts.close()]);
  }
}
