/**
 * One reader per source. Two processes reading the same source with the same data directory (two
 * `vigil tail`, the app and a CLI tail, two imports of one file) would each ingest every record.
 * So a reader first takes the source's lease, a row in SQLite naming its holder (host, pid,
 * process, a random instance id) with an expiry it keeps pushing forward while it reads:
 *
 * - in the background every LEASE_RENEW_MS, and
 * - inside the transaction of every batch it commits (`confirm()`): a holder that lost its lease
 *   (stalled past the expiry and taken over) rolls its batch back instead of committing it, so a
 *   record is never stored by two readers, whatever the timing.
 *
 * A lease is taken over when it expired, or at once when its holder was on this host and its
 * process no longer exists (killed, crashed). The lease is keyed by source id only: any kind of
 * source can use it, whatever its cursor looks like.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { SourceLease } from '../../contract/index.js';
import type { LeaseClaim, PipelineRepo } from '../../store/pipeline-repo.js';

export const LEASE_TTL_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;
/** How often a waiting reader asks again. */
export const LEASE_POLL_MS = 1_000;

/** This process as a lease holder: one random instance id per process and label. */
export function leaseClaim(processLabel: string): LeaseClaim {
  return { instance: randomUUID(), host: os.hostname(), pid: process.pid, process: processLabel };
}

/** True when `pid` names a running process on this host (EPERM: it exists, owned by someone else). */
export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder that can be replaced at once: it ran on this host and its process is gone. */
export function holderGone(holder: SourceLease, claim: LeaseClaim): boolean {
  return holder.host === claim.host && holder.pid !== claim.pid && !processExists(holder.pid);
}

/** "vigil tail (pid 1234) since 10:03:12" (with the host when it is another machine). */
export function describeHolder(holder: Pick<SourceLease, 'process' | 'pid' | 'host' | 'acquired_at'>, here = os.hostname()): string {
  const since = new Date(holder.acquired_at);
  const at = Number.isNaN(since.getTime()) ? holder.acquired_at : since.toTimeString().slice(0, 8);
  return `${holder.process} (pid ${holder.pid}${holder.host === here ? '' : ` on ${holder.host}`}) since ${at}`;
}

/** Another process reads the source. */
export class LeaseHeldError extends Error {
  constructor(
    readonly sourceId: string,
    readonly holder: SourceLease,
    what: string,
  ) {
    super(`${what} is ${holder.process.includes('ingest') ? 'being imported' : 'followed'} by ${describeHolder(holder)}; use --wait to wait for it`);
    this.name = 'LeaseHeldError';
  }
}

/** Our lease was taken over (we stalled past its expiry): nothing more may be committed. */
export class LeaseLostError extends Error {
  constructor(
    readonly sourceId: string,
    readonly holder: SourceLease | null,
  ) {
    super(`lost the lease on ${sourceId}${holder ? ` to ${describeHolder(holder)}` : ''}`);
    this.name = 'LeaseLostError';
  }
}

export interface LeaseOptions {
  ttlMs?: number;
  renewMs?: number;
  pollMs?: number;
}

/** The lease on one source for one holder. */
export class SourceLeaseHandle {
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private heldNow = false;
  /** Set when the holder we replaced was gone (for the message "took over from ..."). */
  tookOver: SourceLease | null = null;

  constructor(
    private readonly repo: PipelineRepo,
    readonly sourceId: string,
    readonly claim: LeaseClaim,
    opts: LeaseOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? LEASE_TTL_MS;
    this.renewMs = opts.renewMs ?? LEASE_RENEW_MS;
    this.pollMs = opts.pollMs ?? LEASE_POLL_MS;
  }

  get held(): boolean {
    return this.heldNow;
  }

  /** Takes the lease if it can; returns null when taken, else the holder. */
  tryAcquire(): SourceLease | null {
    const r = this.repo.takeLease(this.sourceId, this.claim, this.ttlMs, (h) => holderGone(h, this.claim));
    if (!r.ok) return r.holder;
    this.heldNow = true;
    this.tookOver = r.tookOver;
    return null;
  }

  /**
   * Takes the lease. Without `wait`, a held lease throws LeaseHeldError naming the holder; with it,
   * asks again every pollMs (calling onWait with the holder whenever it changes) until it gets the
   * lease or the signal aborts (then returns false).
   */
  async acquire(opts: { wait: boolean; what: string; signal?: AbortSignal; onWait?: (holder: SourceLease) => void }): Promise<boolean> {
    let last: string | null = null;
    for (;;) {
      if (opts.signal?.aborted) return false;
      const holder = this.tryAcquire();
      if (holder === null) return true;
      if (!opts.wait) throw new LeaseHeldError(this.sourceId, holder, opts.what);
      if (holder.instance !== last) {
        last = holder.instance;
        opts.onWait?.(holder);
      }
      await sleep(this.pollMs, opts.signal);
    }
  }

  /**
   * Inside a batch's transaction: renews the lease, or throws LeaseLostError (rolling the batch
   * back) when it is no longer ours.
   */
  confirm(): void {
    if (!this.heldNow || !this.repo.renewLease(this.sourceId, this.claim.instance, this.ttlMs)) {
      this.heldNow = false;
      throw new LeaseLostError(this.sourceId, this.repo.getLease(this.sourceId));
    }
  }

  /** Renews in the background; calls onLost once if the lease was taken over. */
  startRenewing(onLost: (err: LeaseLostError) => void): void {
    this.stopRenewing();
    this.timer = setInterval(() => {
      try {
        this.confirm();
      } catch (err) {
        if (err instanceof LeaseLostError) {
          this.stopRenewing();
          onLost(err);
        }
        // a busy database: the next tick (or the next batch) tries again, well within the TTL
      }
    }, this.renewMs);
    this.timer.unref();
  }

  stopRenewing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops renewing and gives the lease back (if still ours). */
  release(): void {
    this.stopRenewing();
    if (!this.heldNow) return;
    this.heldNow = false;
    try {
      this.repo.releaseLease(this.sourceId, this.claim.instance);
    } catch {
      // the database may be closed already; the lease then simply expires
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
