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
 * Failed authentications per (client address, credential). After `max` failures of one pair within
 * `windowMs` that pair is refused (HTTP 429 before the upgrade) for `blockMs`; other credentials
 * from the same address, a valid token included, are not affected. Memory is bounded: at most
 * `maxEntries` pairs are tracked, the stalest go first.
 */
export class FailureLimiter {
  private readonly entries = new Map<string, { count: number; windowStart: number; blockedUntil: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly blockMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  private static key(address: string, credential: string): string {
    return `${address}\u0000${credential}`;
  }

  /** Milliseconds the pair is still refused for, or 0. */
  blockedFor(address: string, credential: string, now: number): number {
    const e = this.entries.get(FailureLimiter.key(address, credential));
    return e && e.blockedUntil > now ? e.blockedUntil - now : 0;
  }

  /** Counts one failure; returns true when this failure got the pair blocked. */
  fail(address: string, credential: string, now: number): boolean {
    const key = FailureLimiter.key(address, credential);
    let e = this.entries.get(key);
    if (!e || now - e.windowStart > this.windowMs) {
      if (!e && this.entries.size >= this.maxEntries) this.evict(now);
      e = { count: 0, windowStart: now, blockedUntil: e?.blockedUntil ?? 0 };
      this.entries.delete(key);
      this.entries.set(key, e);
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

  /** Forgets every failure and block (credentials changed: a refused one may be valid now). */
  clear(): void {
    this.entries.clear();
  }

  private evict(now: number): void {
    for (const [k, v] of this.entries) {
      if (v.blockedUntil <= now && now - v.windowStart > this.windowMs) this.entries.delete(k);
    }
    // still full: drop the oldest insertion (Map keeps insertion order)
    while (this.entries.size >= this.maxEntries) {
      const first = this.entries.keys().next();
      if (first.done) break;
      this.entries.delete(first.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
