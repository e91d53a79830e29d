/**
 * The hunt's reads off the main thread. A day's group-by on a large store takes seconds, and on the
 * main thread those seconds stop everything else: the ingest's batches, the LAN feed, every other
 * call. The reader answers them in worker threads, each with its own read-only connection (WAL lets
 * them read while the main connection writes), one at a time and in order on each thread. Counts
 * (histograms, group-bys) have a thread of their own, so that a page of records, a record, an
 * alert's evidence or a host never waits behind a count of a day or a week.
 *
 * Counts wait on the main thread for the one running before them. When a console asks a count while
 * an older one of the same kind (a histogram, a group-by) from that console still waits, the older
 * is dropped with SUPERSEDED: an analyst who runs three queries in a row waits for the count running
 * and the last query's, not for the second's. A count already running is not stopped (SQLite
 * statements cannot be interrupted from here).
 *
 * If the thread cannot start or stops, or a read breaks there, the read is answered on the main
 * thread by `fallback`, the same HuntService over the main connection: slower for everything else,
 * never a lost answer. A refusal (a bad query, an unknown id) is the caller's answer as it is.
 *
 * Once closed (Vigil is closing), reads still waiting and reads asked later are refused (CONFLICT),
 * not run on the main thread: their consoles are going, and each count there would hold up the
 * close by its seconds, with nothing left to read the answer.
 */
import { ContractError } from '../contract/index.js';
import { WorkerCalls } from '../core/worker-calls.js';
import type { HuntRead, HuntReadCall, HuntReadReply, HuntReads } from './reader-job.js';

const DEFAULT_SCRIPT = new URL('./reader-entry.js', import.meta.url);

/** The reads that count (seconds on a large store); the others read pages and single records. */
const COUNTS: ReadonlySet<HuntRead> = new Set<HuntRead>(['histogram', 'groupBy']);

/** A count waiting for the counts thread. */
interface WaitingCount {
  client: string | null;
  method: HuntRead;
  args: unknown[];
  /** The caller's now when it asked (a range left open ends there). */
  nowMs: number;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class HuntReader {
  /** Each started by its first read (or the rows one by warm()). */
  private readonly rows: WorkerCalls<HuntReadCall, HuntReadReply>;
  private readonly counts: WorkerCalls<HuntReadCall, HuntReadReply>;
  private readonly waitingCounts: WaitingCount[] = [];
  private counting = false;
  private closed = false;

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

  /** `hunt[method](...args)`, answered by a thread; no caller named, so no count of it is replaced. */
  read<M extends HuntRead>(method: M, ...args: Parameters<HuntReads[M]>): Promise<ReturnType<HuntReads[M]>> {
    return this.readFor(null, method, ...args);
  }

  /**
   * `hunt[method](...args)` asked by `client` (a console; null: unknown), answered by a thread. A
   * count replaces the counts of the same method that this client asked and that still wait.
   */
  readFor<M extends HuntRead>(client: string | null, method: M, ...args: Parameters<HuntReads[M]>): Promise<ReturnType<HuntReads[M]>> {
    const nowMs = this.now().getTime();
    if (!COUNTS.has(method)) return this.answer(this.rows, method, args, nowMs);
    return new Promise((resolve, reject) => {
      if (client !== null) {
        for (let i = this.waitingCounts.length - 1; i >= 0; i--) {
          const w = this.waitingCounts[i]!;
          if (w.client !== client || w.method !== method) continue;
          this.waitingCounts.splice(i, 1);
          w.reject(new ContractError('SUPERSEDED', `this ${method} was replaced by a newer one before it ran`));
        }
      }
      this.waitingCounts.push({ client, method, args, nowMs, resolve: resolve as (value: unknown) => void, reject });
      this.nextCount();
    });
  }

  /** Starts the oldest waiting count unless one runs. */
  private nextCount(): void {
    if (this.counting) return;
    const w = this.waitingCounts.shift();
    if (!w) return;
    this.counting = true;
    this.answer(this.counts, w.method, w.args as Parameters<HuntReads[HuntRead]>, w.nowMs)
      .then(w.resolve, w.reject)
      .finally(() => {
        this.counting = false;
        this.nextCount();
      });
  }

  private async answer<M extends HuntRead>(thread: WorkerCalls<HuntReadCall, HuntReadReply>, method: M, args: Parameters<HuntReads[M]>, nowMs: number): Promise<ReturnType<HuntReads[M]>> {
    const reply = await thread.call((id) => ({ id, method, args, nowMs }));
    if (reply && 'value' in reply) return reply.value as ReturnType<HuntReads[M]>;
    if (reply && 'error' in reply) throw new ContractError(reply.error.code, reply.error.message, reply.error.issues);
    // no answer because the reader closed (not because its thread failed): refused, not run here
    if (this.closed) throw closing(method);
    return (this.fallback[method] as (...a: unknown[]) => ReturnType<HuntReads[M]>).apply(this.fallback, args);
  }

  /**
   * Stops the threads: the counts still waiting and the reads they were answering are refused, as
   * are reads asked later. A read running in a thread ends when its statement does (SQLite cannot
   * be stopped from another thread).
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.rows.close(), this.counts.close()]);
  }
}

/** The refusal of a read the closed reader will not run. */
function closing(method: HuntRead): ContractError {
  return new ContractError('CONFLICT', `Vigil is closing: this ${method} was not run`);
}
