/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Failed authentications per client address. After `max` failures within `windowMs` the address
 * is refused (HTTP 429 before the upgrade) for `blockMs`. Memory is bounded: at most `maxAddresses`
 * addresses are tracked, the stalest go first.
 */
export class FailureLimiter {
  private readonly entries = new Map<string, { count: number; windowStart: number; blockedUntil: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly maxAddresses = 10_000,
  ) {}

  /** Milliseconds the address is still refused for, or 0. */
  blockedFor(address: string, now: number): number {
    const e = this.entries.get(address);
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  /** Counts one failure; returns true when this failure got the address blocked. */
  fail(address: string, now: number): boolean {
    let e = this.entries.get(address);
    if (!e || now - e.windowStart > this.windowMs) {
      if (!e && this.entries.size >= this.maxAddresses) this.evict(now);
      e = { count: 0, windowStart: now, blockedUntil: e?.blockedUntil ?? 0 };
      this.entries.delete(address);
      this.entries.set(address, e);
    }
    e.count++;
    if (e.count >= this.max && e.blockedUntil <= now) {
      e.blockedUntil = now + this.blockMs;
      e.count = 0;
      e.windowStart = now;
      return true;
    }
    return false;
  }

  private evict(now: number): void {
    for (const [k, v] of this.entries) {
      if (v.blockedUntil <= now && now - v.windowStart > this.windowMs) this.entries.delete(k);
    }
    // still full: drop the oldest insertion (Map keeps insertion order)
    while (this.entries.size >= this.maxAddresses) {
      const first = this.entries.keys().next();
      if (first.done) break;
      this.entries.delete(first.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
