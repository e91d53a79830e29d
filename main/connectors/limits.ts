import { connectorFailure } from './types.js';

/** Time as the limits see it; tests pass a manual clock. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface BudgetOptions {
  /** Requests the server allows per minute (Wazuh: 300). */
  perMinute: number;
  /** Requests that may go out at once after a quiet spell. */
  burst: number;
}

/**
 * A token bucket per connector. It holds `burst` tokens and refills at (perMinute - burst) per
 * minute, so no 60-second window ever carries more than `perMinute` requests (a full bucket plus
 * one minute of refill). Callers wait for a token rather than fail; waiters are served in order.
 * After a 429 the server's Retry-After pauses the whole bucket, not just the one request.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerMs: number;
  private pausedUntil = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: BudgetOptions,
    private readonly clock: Clock,
  ) {
    if (!(opts.perMinute >= 1) || !(opts.burst >= 1)) throw new RangeError('a budget needs perMinute >= 1 and burst >= 1');
    const burst = Math.min(opts.burst, opts.perMinute);
    this.opts = { perMinute: opts.perMinute, burst };
    this.tokens = burst;
    this.last = clock.now();
    // At least a trickle when burst == perMinute (then one minute holds at most 2x burst - 1).
    this.ratePerMs = Math.max(opts.perMinute - burst, 1) / 60_000;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.opts.burst, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
  }

  /** Tokens available now (for tests and status). */
  available(): number {
    this.refill(this.clock.now());
    return this.tokens;
  }

  /** Stops handing out tokens until `until` (epoch ms). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Resolves when a request may go out; requests queue in call order. */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.tail.then(() => this.take(signal));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      if (now < this.pausedUntil) {
        await this.clock.sleep(this.pausedUntil - now, signal);
        continue;
      }
      this.refill(now);
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.ratePerMs), signal);
    }
  }
}

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe request is let through. */
  openMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * Closed: requests flow; `failureThreshold` consecutive failures open it. Open: requests fail at
 * once (no traffic to a server that is down) until `openMs` has passed. Half-open: exactly one
 * probe goes through; its success closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private state: BreakerState = 'closed';
  private probing = false;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly clock: Clock,
    private readonly name: string,
  ) {}

  current(): BreakerState {
    if (this.state === 'open' && this.clock.now() - this.openedAt >= this.opts.openMs) this.state = 'half_open';
    return this.state;
  }

  /** Throws circuit_open unless a request may go out now; call success()/failure() after it. */
  admit(): void {
    const state = this.current();
    if (state === 'closed') return;
    if (state === 'half_open' && !this.probing) {
      this.probing = true;
      return;
    }
    const wait = Math.max(0, this.opts.openMs - (this.clock.now() - this.openedAt));
    throw connectorFailure(
      'circuit_open',
      `${this.name}: ${this.failures} requests in a row failed; not calling it again for ${Math.ceil(wait / 1000)} s`,
      { retryAfterMs: wait },
    );
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.state = 'closed';
  }

  failure(): void {
    this.failures += 1;
    this.probing = false;
    if (this.state === 'half_open' || this.failures >= this.opts.failureThreshold) {
      this.state = 'open';
      this.openedAt = this.clock.now();
    }
  }

  /** An attempt that says nothing about the server's health (e.g. aborted by the caller). */
  release(): void {
    this.probing = false;
  }
}
