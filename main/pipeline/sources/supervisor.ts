/**
 * The one supervisor of a process's sources: it runs any driver (a followed file, the simulator,
 * an indexer poller), starts, pauses, resumes and stops it, restarts a failed one with exponential
 * backoff, and publishes every source's state: starting, running, caught up, waiting (for its
 * input, or for another process that holds its lease), backing off (the last error, when it tries
 * again), paused.
 *
 * A source that is exclusive (the default) is read under its lease (lease.ts): the supervisor
 * waits while another process holds it, takes over when that one stops or dies, confirms it in
 * every batch's transaction, and goes back to waiting if it is ever taken over. The driver is built
 * under the lease, after each failure again, so it starts from the cursor committed last: a
 * failure loses nothing and duplicates nothing. While backing off the lease is kept (this process
 * retries); a paused source gives it back.
 */
import type { SourceLease, SourceRunState } from '../../contract/index.js';
import type { LeaseClaim, LeaseState, PipelineRepo } from '../../store/pipeline-repo.js';
import type { BatchOutcome, Pipeline } from '../pipeline.js';
import { BatchCommitter, normalizedAhead } from './commit.js';
import type { NormalizeWorker } from './normalize-worker.js';
import { describeHolder, LeaseLostError, SourceLeaseHandle, type LeaseOptions } from './lease.js';
import { DriverError, type DriverContext, type DriverProgress, type SourceDriver } from './types.js';

export interface Backoff {
  /** Wait after the first failure. */
  initialMs: number;
  /** Longest wait. */
  maxMs: number;
  factor: number;
  /** ±share of random spread on each wait, so sources failing together do not retry together. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };

/** A supervised source as the UI and `vigil status` see it. */
export interface SourceRun {
  state: SourceRunState;
  /** When it entered this state (ISO). */
  since: string;
  note: string | null;
  /** The failure it is backing off from (kept until a batch succeeds). */
  last_error: string | null;
  /** Backing off: when it tries again (ISO). */
  retry_at: string | null;
  /** How much is known to be left (bytes of a followed file), or null. */
  behind: number | null;
  /** Waiting for another process: the lease holder. */
  holder: SourceLease | null;
  /** Consecutive failures. */
  failures: number;
}

export interface SupervisedSource {
  id: string;
  /** Builds the driver (under the lease: it reads the committed cursor). Called again after each failure. */
  create(): SourceDriver | Promise<SourceDriver>;
  /** One reader per source across processes (default true): read only under the source's lease. */
  exclusive?: boolean;
  /**
   * A lease the caller took already (`vigil tail`): used as is, and losing it ends the source with
   * LeaseLostError (see done()) instead of waiting for it again.
   */
  lease?: SourceLeaseHandle;
  /** Restart the driver after a failure (default true); false: the failure ends the source (done() rejects with it). */
  retry?: boolean;
  /** Start paused (a disabled source: resume() starts it). */
  paused?: boolean;
  /** After each committed batch. */
  onBatch?(o: BatchOutcome): void;
}

export interface SupervisorOptions {
  /** The pipeline batches go through (read for every batch: settings may swap its stages). */
  pipeline: () => Pipeline;
  repo: PipelineRepo;
  /** This process as a lease holder. */
  claim: LeaseClaim;
  now?: () => Date;
  backoff?: Partial<Backoff>;
  lease?: LeaseOptions;
  random?: () => number;
  /** Every change of a source's state (null: it is no longer supervised). */
  onState?: (id: string, run: SourceRun | null) => void;
  log?: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
  /**
   * Normalize the sources' batches in this worker (normalize-worker.ts; the owner closes it): a
   * batch is normalized on the second core, the next one while this one is stored when it is read
   * within AHEAD_WAIT_MS, and the event loop stays free for the console meanwhile.
   */
  worker?: NormalizeWorker | null;
}

/**
 * How long a normalized batch waits for its source's next batch to be read, so that it is handed to
 * the worker before this one is stored (normalizedAhead): a file catching up reads it within a few
 * milliseconds; at the end of a followed file, its last batch is stored this much later.
 */
const AHEAD_WAIT_MS = 20;

interface Entry {
  src: SupervisedSource;
  run: SourceRun;
  paused: boolean;
  stopped: boolean;
  /** Aborts the current cycle (pause, stop, lease lost). */
  cycle: AbortController;
  /** Wakes a paused or sleeping loop. */
  wake: (() => void) | null;
  lease: SourceLeaseHandle | null;
  done: Promise<void>;
  /** Called once the loop has paused (pause() waits for it). */
  pausedWaiters: (() => void)[];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SourceSupervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly backoff: Backoff;
  private readonly now: () => Date;
  private readonly random: () => number;

  constructor(private readonly opts: SupervisorOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.now = opts.now ?? (() => new Date());
    this.random = opts.random ?? Math.random;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The state of a supervised source, or null. */
  get(id: string): SourceRun | null {
    const e = this.entries.get(id);
    return e ? { ...e.run } : null;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Starts running a source; it runs until its driver ends (one-shot) or stop(). */
  start(src: SupervisedSource): void {
    if (this.entries.has(src.id)) throw new Error(`${src.id} is already running`);
    const exclusive = src.exclusive ?? true;
    const e: Entry = {
      src,
      run: { state: 'starting', since: this.now().toISOString(), note: null, last_error: null, retry_at: null, behind: null, holder: null, failures: 0 },
      paused: src.paused ?? false,
      stopped: false,
      cycle: new AbortController(),
      wake: null,
      lease: src.lease ?? (exclusive ? new SourceLeaseHandle(this.opts.repo, src.id, this.opts.claim, this.opts.lease) : null),
      done: Promise.resolve(),
      pausedWaiters: [],
    };
    this.entries.set(src.id, e);
    this.publish(e);
    e.done = this.loop(e);
    e.done.catch(() => undefined); // done() hands the failure to whoever waits for it
  }

  /** Resolves when the source stops running (its driver ended, or stop()); rejects with why it ended for good. */
  async done(id: string): Promise<void> {
    await this.entries.get(id)?.done;
  }

  /** Stops reading a source and gives its lease back, until resume(). */
  async pause(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || e.paused) return;
    e.paused = true;
    const paused = new Promise<void>((resolve) => {
      e.pausedWaiters.push(resolve);
      void e.done.catch(() => undefined).finally(resolve);
    });
    e.cycle.abort();
    e.wake?.();
    await paused;
  }

  resume(id: string): void {
    const e = this.entries.get(id);
    if (!e || !e.paused) return;
    e.paused = false;
    e.wake?.();
  }

  /** Stops a source for good (its driver closed, its lease released). */
  async stop(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    e.stopped = true;
    e.cycle.abort();
    e.wake?.();
    await e.done.catch(() => undefined);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.stop(id)));
  }

  private set(e: Entry, patch: Partial<SourceRun>): void {
    const prev = e.run;
    const next: SourceRun = { ...prev, ...patch };
    if (next.state !== prev.state) next.since = this.now().toISOString();
    const changed = (k: keyof SourceRun) => next[k] !== prev[k];
    if (!(['state', 'note', 'last_error', 'retry_at', 'behind', 'holder', 'failures'] as const).some(changed)) return;
    e.run = next;
    this.publish(e, (['state', 'note', 'last_error', 'retry_at'] as const).some(changed));
  }

  private publish(e: Entry, persist = false): void {
    if (persist && e.lease?.held) {
      const st: LeaseState = { state: e.run.state, note: e.run.note, last_error: e.run.last_error, retry_at: e.run.retry_at };
      try {
        this.opts.repo.setLeaseState(e.src.id, e.lease.claim.instance, st);
      } catch {
        // a busy or closed database: the next change publishes again
      }
    }
    this.opts.onState?.(e.src.id, { ...e.run });
  }

  private progress(e: Entry, p: DriverProgress): void {
    if (e.cycle.signal.aborted) return;
    // caught up after a restart: whatever failed works again
    const recovered = p.state === 'caught_up' ? { failures: 0, last_error: null, retry_at: null } : {};
    this.set(e, { state: p.state, behind: p.behind ?? null, ...(p.note !== undefined ? { note: p.note } : {}), ...recovered });
  }

  /** How long to wait after the n-th consecutive failure (at least what the other side asked for). */
  private delay(failures: number, err: unknown): number {
    const b = this.backoff;
    const base = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, failures - 1));
    const spread = base * b.jitter * (this.random() * 2 - 1);
    const asked = err instanceof DriverError && err.retryAfterMs !== null ? err.retryAfterMs : 0;
    return Math.round(Math.max(asked, base + spread));
  }

  private sleep(e: Entry, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        e.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      e.wake = done;
    });
  }

  private async loop(e: Entry): Promise<void> {
    const id = e.src.id;
    const lease = e.lease;
    const given = e.src.lease !== undefined;
    try {
      while (!e.stopped) {
        if (e.paused) {
          if (!given) lease?.release();
          this.set(e, { state: 'paused', note: null, holder: null, retry_at: null, behind: null });
          for (const resolve of e.pausedWaiters.splice(0)) resolve();
          while (e.paused && !e.stopped) await this.sleep(e, 60_000);
          continue;
        }
        const cycle = (e.cycle = new AbortController());
        if (lease && !lease.held) {
          if (given) throw new LeaseLostError(id, this.opts.repo.getLease(id));
          this.set(e, { state: 'waiting', holder: null, note: null });
          const got = await lease.acquire({
            wait: true,
            what: id,
            signal: cycle.signal,
            onWait: (h) => this.set(e, { state: 'waiting', holder: h, note: `held by ${describeHolder(h)}` }),
          });
          if (!got) continue;
        }
        lease?.startRenewing(() => cycle.abort());
        await this.runDriver(e, cycle.signal);
        if (lease && !lease.held && !e.stopped && !e.paused) {
          if (given) throw new LeaseLostError(id, this.opts.repo.getLease(id));
          this.opts.log?.('warn', 'lost a source to another process', { source: id });
        }
      }
    } finally {
      lease?.stopRenewing();
      if (!given) lease?.release();
      this.entries.delete(id);
      this.opts.onState?.(id, null);
    }
  }

  /** One run of the driver: until it ends (one-shot: the source is done), the cycle aborts, or it fails (then back off). */
  private async runDriver(e: Entry, signal: AbortSignal): Promise<void> {
    const id = e.src.id;
    let driver: SourceDriver | null = null;
    try {
      this.set(e, { state: e.run.failures > 0 ? 'backing_off' : 'starting', holder: null, note: e.run.failures > 0 ? e.run.note : null });
      driver = await e.src.create();
      const committer = new BatchCommitter(this.opts.pipeline, this.opts.repo, id, e.lease);
      const ctx: DriverContext = { signal, report: (p) => this.progress(e, p) };
      if (e.run.state === 'starting') this.set(e, { state: 'running' });
      // a followed file at its end has no next batch yet: a batch waits a moment for the next, not longer
      for await (const { batch, normalized } of normalizedAhead(driver.batches(ctx), this.opts.worker ?? null, () => committer.zoneName(), AHEAD_WAIT_MS)) {
        if (signal.aborted) break; // read after a pause or stop: read again from the cursor next time
        const o = committer.commit(batch, normalized);
        if (e.run.failures > 0 || e.run.state === 'starting' || e.run.state === 'backing_off') {
          this.set(e, { failures: 0, last_error: null, retry_at: null, state: e.run.state === 'caught_up' ? 'caught_up' : 'running' });
        }
        e.src.onBatch?.(o);
      }
      if (!signal.aborted) e.stopped = true; // the driver is done (a simulator run ended)
    } catch (err) {
      if (signal.aborted || err instanceof LeaseLostError) return; // paused, stopped, or the lease went: the loop decides
      if (e.src.retry === false) throw err;
      const failures = e.run.failures + 1;
      const wait = this.delay(failures, err);
      const message = messageOf(err);
      this.set(e, { state: 'backing_off', failures, last_error: message, retry_at: new Date(this.now().getTime() + wait).toISOString() });
      this.opts.log?.('warn', 'a source failed; retrying', { source: id, error: message, retry_in_ms: wait, failures });
      try {
        this.opts.repo.setSourceError(id, message);
      } catch {
        // the database itself may be what failed
      }
      await this.sleep(e, wait);
    } finally {
      await driver?.close().catch(() => undefined);
    }
  }
}
