/**
 * Calls answered by a worker thread, each reply matched to its call by id. The thread starts with
 * the first call. Once it fails (it cannot start, throws, exits) or is closed, every waiting call
 * and every later one gets null: the caller then does the work itself, on its own thread.
 * Used by the normalize worker (pipeline/sources/normalize-worker.ts) and the hunt reader
 * (hunt/reader.ts).
 */
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';

export class WorkerCalls<Call extends { id: number }, Reply extends { id: number }> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Reply | null) => void>();
  private failure: string | null = null;

  /** `name` says which thread stopped; `onFailure` hears why, once (not when closed). */
  constructor(
    private readonly name: string,
    private readonly script: URL | string,
    private readonly options: WorkerOptions = {},
    private readonly onFailure: (why: string) => void = () => {},
  ) {}

  /** Why the thread stopped working, or null while it works (or has not started). */
  get failed(): string | null {
    return this.failure;
  }

  /** Sends the call `make` builds with its id; its reply, or null when the thread cannot answer. */
  call(make: (id: number) => Call, transfer: readonly Transferable[] = []): Promise<Reply | null> {
    const worker = this.start();
    if (worker === null) return Promise.resolve(null);
    const call = make(this.nextId++);
    return new Promise((resolve) => {
      this.waiting.set(call.id, resolve);
      worker.postMessage(call, transfer);
    });
  }

  /**
   * Starts the thread now rather than with the first call (its start, ~0.3 s, is then not paid by
   * that call); the thread, or null once it failed or was closed.
   */
  start(): Worker | null {
    if (this.failure !== null) return null;
    try {
      return this.started();
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      return null;
    }
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script, this.options);
    w.on('message', (reply: Reply) => {
      const done = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      done?.(reply);
    });
    w.on('error', (err) => this.fail(err.message));
    w.on('exit', (code) => this.fail(`the ${this.name} exited (code ${code})`));
    return (this.worker = w);
  }

  private fail(why: string): void {
    if (this.failure === null) {
      this.failure = why;
      this.onFailure(why);
    }
    this.release();
  }

  private release(): void {
    for (const done of this.waiting.values()) done(null);
    this.waiting.clear();
  }

  /** Stops the thread; calls made later get null. */
  async close(): Promise<void> {
    this.failure ??= 'closed';
    this.release();
    await this.worker?.terminate();
  }
}
