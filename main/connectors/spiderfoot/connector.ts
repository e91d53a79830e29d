import type { ConnectorTestResult, SpiderFootConfig } from '../../contract/connectors.js';
import { BaseConnector, type ProbeResult } from '../base.js';
import type { ConnectorDeps } from '../http.js';
import { connectorFailure, failureOf } from '../types.js';
import { SPIDERFOOT_PRODUCT, SpiderFootClient } from './client.js';

export class SpiderFootConnector extends BaseConnector<SpiderFootConfig> {
  readonly product = SPIDERFOOT_PRODUCT;
  readonly client: SpiderFootClient;

  constructor(config: SpiderFootConfig, deps: ConnectorDeps) {
    super(config, deps.clock);
    this.client = new SpiderFootClient(config, deps);
  }

  /** `/ping` (behind the login when there is one); a 404 page or another answer is not SpiderFoot. */
  private async version(signal?: AbortSignal): Promise<string> {
    try {
      return await this.client.ping(signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      const f = failureOf(err);
      // SpiderFoot answers /ping with 200 whatever else is wrong: a 4xx or another body is another server
      if ((f.kind === 'http_error' && f.status !== undefined && f.status >= 400 && f.status < 500) || f.kind === 'bad_response') {
        throw connectorFailure('wrong_product', `${this.config.url} is not SpiderFoot's web API (/ping: ${f.message}): SpiderFoot listens on port 5001 by default`, f.status ? { status: f.status } : {});
      }
      throw err;
    }
  }

  private zoneDetails(): Record<string, string> {
    return {
      'server time zone': this.config.serverTimeZone ?? 'UTC (assumed: SpiderFoot dates carry no zone; set the zone of the SpiderFoot host)',
      login: this.config.username ? `HTTP Digest as ${this.config.username}` : 'none',
    };
  }

  protected async check(elapsed: () => number, signal?: AbortSignal): Promise<ConnectorTestResult> {
    const version = await this.version(signal);
    const latencyMs = elapsed();
    const major = Number(/^(\d+)\./.exec(version)?.[1]);
    if (major !== 4) {
      return { ok: false, failure: { kind: 'wrong_product', message: `${this.config.url} runs SpiderFoot ${version}; Vigil speaks the SpiderFoot 4 web API` }, latencyMs };
    }
    return { ok: true, product: SPIDERFOOT_PRODUCT, version, latencyMs, details: this.zoneDetails() };
  }

  /** ok; details: running scans. */
  protected async probe(elapsed: () => number, signal?: AbortSignal): Promise<ProbeResult> {
    const version = await this.version(signal);
    const latencyMs = elapsed();
    const scans = await this.client.scanList(signal);
    const running = scans.items.filter((s) => ['STARTING', 'STARTED', 'RUNNING', 'ABORT-REQUESTED'].includes(s.status)).length;
    return {
      status: 'ok',
      version,
      latencyMs,
      problem: null,
      details: { ...this.zoneDetails(), scans: String(scans.items.length), 'scans running': String(running) },
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
