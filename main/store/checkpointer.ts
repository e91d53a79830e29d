/**
 * Checkpoints the write-ahead log in a thread of its own while this process writes.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that commit
 * copies the log's pages into the database file and syncs it, on the writing thread. On the bench's
 * 1M-line import that was most of the commits' 6.7 s on the main thread (the desktop app's main
 * process). Here a second connection in a worker runs a PASSIVE checkpoint every 200 ms: it copies
 * what the writer committed meanwhile, on the other core, and never blocks the writer or a reader.
 * The writer keeps an automatic checkpoint as a backstop, raised to 50,000 pages (~200 MB of log):
 * the log can only start over when a writer finds it fully copied, so something must still bound
 * it, and by then that checkpoint has little left to copy. Measured on the bench's import, same
 * runs: 29,300-34,300 lines/s before, 33,200-38,500 with it; the longest the writing thread was
 * held, 500-550 ms before, 350-490 ms with it (a batch's own transaction is most of that).
 *
 * When the thread cannot run (it fails to start, throws, exits), the writer's own checkpoint
 * goes back to its usual threshold, so the log never grows unchecked.
 */
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { WAL_AUTOCHECKPOINT_PAGES } from './db.js';

/** The writer's automatic checkpoint while the thread runs (pages of log). */
export const BACKSTOP_CHECKPOINT_PAGES = 50_000;
/** How often the thread checkpoints. */
export const CHECKPOINT_EVERY_MS = 200;

const DEFAULT_SCRIPT = new URL('./checkpoint-entry.js', import.meta.url);

/** What the thread did, told when it stops. */
export interface CheckpointStats {
  /** Checkpoints run. */
  runs: number;
  /** Checkpoints that found another one running (the writer's backstop, another process's). */
  busy: number;
}

/** The thread's messages (checkpoint-entry.ts). */
export type CheckpointMessage = { stopped: CheckpointStats };

export class Checkpointer {
  private worker: Worker | null;
  private stopped: Promise<CheckpointStats | null> | null = null;
  private failure: string | null = null;

  /**
   * Starts checkpointing the database at `file`, which `writer` (this thread's connection to it)
   * writes. `onFailure` hears once why the thread stopped working (not when stopped).
   */
  constructor(
    private readonly writer: Database,
    file: string,
    private readonly onFailure: (why: string) => void = () => {},
    opts: { script?: URL | string; everyMs?: number } = {},
  ) {
    try {
      this.worker = new Worker(opts.script ?? DEFAULT_SCRIPT, { workerData: { file, everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS } });
    } catch (err) {
      this.worker = null;
      this.fail(err instanceof Error ? err.message : String(err));
      return;
    }
    this.worker.on('error', (err) => this.fail(err.message));
    this.worker.on('exit', (code) => this.fail(`the checkpoint thread exited (code ${code})`));
    // it never holds a process open by itself (stop() holds it until the thread has closed its connection)
    this.worker.unref();
    writer.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  }

  /** Why the thread stopped working, or null while it works (or once stopped as asked). */
  get failed(): string | null {
    return this.failure;
  }

  private fail(why: string): void {
    if (this.failure !== null || this.stopped !== null) return;
    this.failure = why;
    this.worker = null;
    this.restore();
    this.onFailure(why);
  }

  /** The writer checkpoints by itself again, at its usual threshold. */
  private restore(): void {
    if (this.writer.open) this.writer.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  }

  /**
   * Stops the thread (it closes its connection first) and gives the writer its own checkpoint
   * back; resolves with what the thread did, or null if it was not working. Safe to call twice.
   */
  stop(): Promise<CheckpointStats | null> {
    if (this.stopped) return this.stopped;
    const worker = this.worker;
    this.worker = null;
    this.stopped = !worker
      ? Promise.resolve(null)
      : new Promise<CheckpointStats | null>((resolve) => {
          worker.removeAllListeners('exit');
          worker.removeAllListeners('error');
          let stats: CheckpointStats | null = null;
          worker.on('message', (m: CheckpointMessage) => (stats = m.stopped));
          worker.once('error', () => undefined);
          worker.once('exit', () => resolve(stats));
          worker.ref();
          worker.postMessage('stop');
        });
    return this.stopped.finally(() => this.restore());
  }
}
