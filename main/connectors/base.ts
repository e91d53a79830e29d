import type { ConnectorConfig, ConnectorHealth, ConnectorTestResult } from '../contract/connectors.js';
import { healthOfError } from './health.js';
import { systemClock, type Clock } from './limits.js';
import { describeTrust } from './trust.js';
import { failureOf, type Connector, type ConnectorDescription } from './types.js';

/** What a tool's health probe found when the tool answered. */
export interface ProbeResult {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  /** Latency of the probe's first request. */
  latencyMs: number;
  /** What is partly wrong (degraded / down), in words. */
  problem: string | null;
  details: Record<string, string>;
}

/**
 * The part every connector shares: identity and description from its configuration, and the
 * rule that test() and health() never throw a tool failure at the caller (it becomes a failed
 * result or a health record); only the caller's own abort is thrown.
 */
export abstract class BaseConnector<C extends ConnectorConfig> implements Connector {
  abstract readonly product: string;
  protected readonly clock: Clock;

  constructor(
    readonly config: C,
    clock: Clock | undefined,
  ) {
    this.clock = clock ?? systemClock;
  }

  get kind(): C['kind'] {
    return this.config.kind;
  }

  get id(): string {
    return this.config.id;
  }

  describe(): ConnectorDescription {
    const { id, kind, name, url, trust } = this.config;
    return { id, kind, name, url, product: this.product, trust: describeTrust(trust) };
  }

  /** Checks the configuration end to end; `elapsed()` is the time since the test started. */
  protected abstract check(elapsed: () => number, signal?: AbortSignal): Promise<ConnectorTestResult>;
  protected abstract probe(elapsed: () => number, signal?: AbortSignal): Promise<ProbeResult>;
  abstract close(): Promise<void>;

  async test(signal?: AbortSignal): Promise<ConnectorTestResult> {
    const started = this.clock.now();
    try {
      return await this.check(() => this.clock.now() - started, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      return { ok: false, failure: failureOf(err), latencyMs: null };
    }
  }

  async health(signal?: AbortSignal): Promise<ConnectorHealth> {
    const started = this.clock.now();
    try {
      const r = await this.probe(() => this.clock.now() - started, signal);
      const at = new Date(this.clock.now()).toISOString();
      return {
        status: r.status,
        version: r.version,
        latencyMs: r.latencyMs,
        lastError: r.problem ? { failure: { kind: 'http_error', message: `${this.config.name}: ${r.problem}` }, at } : null,
        checkedAt: at,
        details: r.details,
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      return healthOfError(err, new Date(this.clock.now()), this.clock.now() - started);
    }
  }
}
