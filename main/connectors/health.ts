import type { ConnectorFailure, ConnectorHealth, HealthStatus } from '../contract/connectors.js';
import { systemClock, type Clock } from './limits.js';
import { failureOf } from './types.js';

/** The health status a failure stands for. */
export function statusOfFailure(failure: ConnectorFailure): HealthStatus {
  switch (failure.kind) {
    case 'auth_failed':
    case 'forbidden':
      return 'auth_failed';
    case 'tls_untrusted':
    case 'tls_mismatch':
      return 'untrusted_certificate';
    case 'rate_limited':
      return 'degraded';
    default:
      return 'down';
  }
}

/** A health record for a probe that threw. */
export function healthOfError(err: unknown, at: Date, latencyMs: number | null = null): ConnectorHealth {
  const failure = failureOf(err);
  return { status: statusOfFailure(failure), version: null, latencyMs, lastError: { failure, at: at.toISOString() }, checkedAt: at.toISOString(), details: {} };
}

export interface HealthMonitorOptions {
  /** How long a result is reused (contract: healthTtlSeconds, 30 s by default). */
  ttlMs: number;
  clock?: Clock;
  /** Called after every probe whose status differs from the previous one. */
  onChange?: (health: ConnectorHealth, previous: ConnectorHealth | null) => void;
}

/**
 * Caches one connector's health: a result is reused for `ttlMs`, a refresh runs in the background
 * when asked to, and there is never more than one probe in flight (concurrent callers share it).
 * A probe that throws is recorded as a health result, never thrown at the caller.
 */
export class HealthMonitor {
  private last: ConnectorHealth | null = null;
  private lastAt = -Infinity;
  private inflight: Promise<ConnectorHealth> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: Clock;
  private probes = 0;

  constructor(
    private readonly probe: (signal?: AbortSignal) => Promise<ConnectorHealth>,
    private readonly opts: HealthMonitorOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The cached result, whatever its age (null before the first probe). */
  peek(): ConnectorHealth | null {
    return this.last;
  }

  /** Probes run so far (for tests and status). */
  get probeCount(): number {
    return this.probes;
  }

  /** A result no older than the TTL (or `maxAgeMs`); probes when it has none. */
  get(opts: { maxAgeMs?: number; force?: boolean } = {}): Promise<ConnectorHealth> {
    const maxAge = opts.maxAgeMs ?? this.opts.ttlMs;
    if (!opts.force && this.last && this.clock.now() - this.lastAt < maxAge) return Promise.resolve(this.last);
    return this.refresh();
  }

  /** Starts a probe unless one is running; both cases share the same promise. */
  refresh(): Promise<ConnectorHealth> {
    if (this.inflight) return this.inflight;
    this.probes += 1;
    const started = this.clock.now();
    this.inflight = this.probe()
      .catch((err: unknown) => healthOfError(err, new Date(this.clock.now()), this.clock.now() - started))
      .then((health) => {
        const previous = this.last;
        this.last = health;
        this.lastAt = this.clock.now();
        if (previous?.status !== health.status) this.opts.onChange?.(health, previous);
        return health;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** Refreshes every TTL in the background (the timer does not keep the process alive). */
  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.opts.ttlMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
