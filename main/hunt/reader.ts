/**
 * The hunt's reads off the main thread. A day's group-by on a large store takes seconds, and on the
 * main thread those seconds stop everything else: the ingest's batches, the LAN feed, every other
 * call. The reader answers them in a worker thread with its own read-only connection (WAL lets it
 * read while the main connection writes), one at a time, in order.
 *
 * If the thread cannot start or stops, or a read breaks there, the read is answered on the main
 * thread by `fallback`, the same HuntService over the main connection: slower for everything else,
 * never a lost answer. A refusal (a bad query, an unknown id) is the caller's answer as it is.
 */
import { ContractError } from '../contract/index.js';
import { WorkerCalls } from '../core/worker-calls.js';
import type { HuntRead, HuntReadCall, HuntReadReply, HuntReads } from './reader-job.js';

const DEFAULT_SCRIPT = new URL('./reader-entry.js', import.meta.url);

export class HuntReader {
  /** Started by the first read: a session that never hunts starts no thread. */
  private readonly thread: WorkerCalls<HuntReadCall, HuntReadReply>;

  constructor(
    file: string,
    private readonly fallback: HuntReads,
    private readonly now: () => Date,
    onFailure: (why: string) => void = () => {},
    script: URL | string = DEFAULT_SCRIPT,
  ) {
    this.thread = new WorkerCalls('hunt reader', script, { workerData: { file } }, onFailure);
  }

  /** Why the thread stopped working, or null while it works (or has not started). */
  get failed(): string | null {
    return this.thread.failed;
  }

  /** `hunt[method](...args)`, answered by the thread. */
  async read<M extends HuntRead>(method: M, ...args: Parameters<HuntReads[M]>): Promise<ReturnType<HuntReads[M]>> {
    const reply = await this.thread.call((id) => ({ id, method, args, nowMs: this.now().getTime() }));
    if (reply && 'value' in reply) return reply.value as ReturnType<HuntReads[M]>;
    if (reply && 'error' in reply) throw new ContractError(reply.error.code, reply.error.message, reply.error.issues);
    return (this.fallback[method] as (...a: unknown[]) => ReturnType<HuntReads[M]>).apply(this.fallback, args);
  }

  /** Stops the thread; reads asked for later are answered on the main thread. */
  close(): Promise<void> {
    return this.thread.close();
  }
}
