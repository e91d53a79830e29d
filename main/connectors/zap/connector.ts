import type { ConnectorTestResult, ZapConfig } from '../../contract/connectors.js';
import { BaseConnector, type ProbeResult } from '../base.js';
import type { ConnectorDeps } from '../http.js';
import { connectorFailure, failureOf } from '../types.js';
import { ZAP_PRODUCT, ZapClient } from './client.js';

/** ZAP 2.x: the releases whose API this client speaks (alert/view/*, X-ZAP-API-Key). */
const SUPPORTED_MAJOR = 2;

export class ZapConnector extends BaseConnector<ZapConfig> {
  readonly product = ZAP_PRODUCT;
  readonly client: ZapClient;

  constructor(config: ZapConfig, deps: ConnectorDeps) {
    super(config, deps.clock);
    this.client = new ZapClient(config, deps);
  }

  /**
   * `core/view/version` with the key. A failure is made precise: ZAP drops a request with a wrong
   * or missing key (or from an address not in api.addrs) by closing the connection, so when the
   * version call got no answer but ZAP's API UI (which needs no key) does answer, the key is
   * wrong; an answer that is not ZAP's JSON means another server.
   */
  private async version(signal?: AbortSignal): Promise<string> {
    try {
      return await this.client.version(signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      const f = failureOf(err);
      if (f.kind === 'network') {
        if (await this.client.answersApiUi(signal)) {
          throw connectorFailure(
            'auth_failed',
            `${this.config.name}: ZAP closed the connection without answering the API call, while its API UI answers: the API key is wrong or missing (ZAP drops such calls silently unless api.reportpermerrors=true)`,
          );
        }
        throw connectorFailure(
          'network',
          `${f.message}. ZAP also closes the connection without a word when the API key is wrong or the client address is not in its permitted addresses (api.addrs)`,
        );
      }
      if (f.kind === 'bad_response') {
        throw connectorFailure('wrong_product', `${this.config.url} does not answer like ZAP's API (${f.message}): is this ZAP’s address and port (8080 by default)?`);
      }
      throw err;
    }
  }

  protected async check(elapsed: () => number, signal?: AbortSignal): Promise<ConnectorTestResult> {
    const version = await this.version(signal);
    const latencyMs = elapsed();
    const major = /^(\d+)\./.exec(version);
    // Weekly and dev builds report "D-2025-01-06" or "Dev Build": accept them as current.
    if (major && Number(major[1]) !== SUPPORTED_MAJOR) {
      return { ok: false, failure: { kind: 'wrong_product', message: `${this.config.url} runs ZAP ${version}; Vigil speaks the ZAP 2.x API` }, latencyMs };
    }
    const records = await this.client.recordsToScan(signal);
    return { ok: true, product: ZAP_PRODUCT, version, latencyMs, details: { 'passive scan backlog': String(records) } };
  }

  /** ok; details: version, passive backlog, running active scans. */
  protected async probe(elapsed: () => number, signal?: AbortSignal): Promise<ProbeResult> {
    const version = await this.version(signal);
    const latencyMs = elapsed();
    const [records, scans] = await Promise.all([this.client.recordsToScan(signal), this.client.activeScans(signal)]);
    const running = scans.filter((s) => s.state === 'RUNNING' || s.state === 'PAUSED').length;
    return { status: 'ok', version, latencyMs, problem: null, details: { 'passive scan backlog': String(records), 'active scans running': String(running) } };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
