/**
 * Wrong-token throttle of the headless server, per client address: a token bucket that only
 * wrong tokens drain. An address may guess wrong `burst` times at once, then once per
 * `1 / refillPerSecond` seconds; past that its requests are answered 429 with Retry-After
 * WITHOUT comparing the token, so guessing gets no faster by sending more. A right token never
 * drains the bucket, so the analyst's own page (and every other address) is never slowed by it.
 */
export interface FailureLimiterOptions {
  /** Wrong tokens an address may present at once. */
  burst: number;
  /** Wrong tokens per second an address regains. */
  refillPerSecond: number;
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxAddresses?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class FailureLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly now: () => number;
  private readonly maxAddresses: number;

  constructor(private readonly opts: FailureLimiterOptions) {
    this.now = opts.now ?? Date.now;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
  }

  private refill(address: string): Bucket | undefined {
    const b = this.buckets.get(address);
    if (!b) return undefined;
    const t = this.now();
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.refillPerSecond);
    b.at = t;
    if (b.tokens >= this.opts.burst) {
      this.buckets.delete(address);
      return undefined;
    }
    return b;
  }

  /** Seconds the address must wait before its next try (0: it may try now). */
  retryAfter(address: string): number {
    const b = this.refill(address);
    if (!b || b.tokens >= 1) return 0;
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.refillPerSecond));
  }

  /** Records a wrong token from the address. */
  fail(address: string): void {
    let b = this.refill(address);
    if (!b) {
      if (this.buckets.size >= this.maxAddresses) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
      b = { tokens: this.opts.burst, at: this.now() };
      this.buckets.set(address, b);
    }
    b.tokens = Math.max(0, b.tokens - 1);
  }

  /** Addresses currently remembered (for tests and figures). */
  get size(): number {
    return this.buckets.size;
  }
}
