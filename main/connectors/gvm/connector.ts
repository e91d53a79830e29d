import type { CertificateInfo, ConnectorTestResult, GvmConfig } from '../../contract/connectors.js';
import { silentLogger } from '../../core/logger.js';
import { BaseConnector, type ProbeResult } from '../base.js';
import type { ConnectorDeps } from '../http.js';
import { redactingLogger, SecretSet } from '../redact.js';
import { probeCertificate, tlsProblem } from '../trust.js';
import { basicCredentials, connectorFailure, ConnectorError, type ConnectorFailureKind } from '../types.js';
import { GmpClient } from './client.js';
import type { GmpClientConfigInput, GmpCredentialSource, GmpTarget } from './config.js';
import {
  GmpAuthError,
  GmpConfigError,
  GmpConnectError,
  GmpConnectionLostError,
  GmpError,
  GmpInputError,
  GmpProtocolError,
  GmpStatusError,
  GmpTimeoutError,
  GmpTlsError,
  GmpUntrustedCertificateError,
} from './errors.js';

export const GVM_PRODUCT = 'Greenbone (gvmd)';

/** The gvmd default port for GMP over TLS. */
export const GMP_TLS_PORT = 9390;

/** Where the client connects and how it trusts the server, from a connector configuration. */
export function gmpTargetOf(config: Pick<GvmConfig, 'url' | 'trust'>): GmpTarget {
  const u = new URL(config.url);
  if (u.protocol === 'unix:') return { kind: 'unix', path: decodeURIComponent(u.pathname) };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const t = config.trust;
  return {
    kind: 'tls',
    host,
    port: u.port ? Number(u.port) : GMP_TLS_PORT,
    ...(t.mode === 'ca' ? { caFile: t.caFile } : {}),
    ...(t.mode === 'pin' ? { fingerprint256: t.sha256 } : {}),
  };
}

const CONNECT_CODES: Record<string, ConnectorFailureKind> = {
  ECONNREFUSED: 'refused',
  ENOENT: 'refused',
  ECONNRESET: 'network',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  ETIMEDOUT: 'timeout',
  EACCES: 'forbidden',
};

function causeCode(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && e.code in CONNECT_CODES) return e.code;
  }
  return '';
}

/**
 * A GMP client error as the connector framework's failure (the kind the Tools screen and the
 * health record show). `where` names the connector for the message.
 */
export function gmpFailure(err: unknown, where: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (!(err instanceof GmpError)) return connectorFailure('network', `${where}: ${err instanceof Error ? err.message : String(err)}`);
  const m = `${where}: ${err.message}`;
  if (err instanceof GmpUntrustedCertificateError) {
    const certificate: CertificateInfo = {
      fingerprint256: err.fingerprint256,
      subject: err.subject,
      issuer: err.issuer,
      subjectAltName: null,
      validFrom: '',
      validTo: err.validTo,
      selfSigned: err.subject === err.issuer,
    };
    return connectorFailure(err.reason === 'not-trusted' ? 'tls_untrusted' : 'tls_mismatch', m, { certificate });
  }
  if (err instanceof GmpAuthError) return connectorFailure('auth_failed', `${where}: gvmd refused the user name or password (${err.statusText})`, { status: err.status });
  if (err instanceof GmpStatusError) {
    const extra = { status: err.status, toolCode: err.kind };
    if (err.kind === 'unauthenticated') return connectorFailure('auth_failed', m, extra);
    if (err.kind === 'forbidden') return connectorFailure('forbidden', `${m} (the user's role may not do this)`, extra);
    if (err.kind === 'unavailable') return connectorFailure('http_error', `${m}: gvmd is busy or its scanner is unavailable; Vigil tries again`, extra);
    return connectorFailure('http_error', m, extra);
  }
  if (err instanceof GmpConfigError || err instanceof GmpInputError) return connectorFailure('invalid_config', m);
  if (err instanceof GmpTlsError) return connectorFailure('tls_error', m);
  if (err instanceof GmpTimeoutError) return connectorFailure('timeout', m);
  if (err instanceof GmpProtocolError) return connectorFailure('bad_response', m);
  if (err instanceof GmpConnectionLostError) return connectorFailure('network', m);
  if (err instanceof GmpConnectError) {
    if (tlsProblem(err)) return connectorFailure('tls_error', m);
    if (/timed out/.test(err.message)) return connectorFailure('timeout', m);
    const code = causeCode(err);
    return connectorFailure(code ? CONNECT_CODES[code]! : 'network', m);
  }
  return connectorFailure('network', m);
}

/**
 * Greenbone / OpenVAS over GMP, as a configured connector: test and health open a connection of
 * their own (version, login, the feed's scan configs) so they never wait behind a long report
 * import; scans use `client` (one command in flight, re-authenticating on reconnect) and a
 * dedicated client per results import (`importClient()`), whose stream holds its connection for
 * the whole report.
 */
export class GvmConnector extends BaseConnector<GvmConfig> {
  readonly product = GVM_PRODUCT;
  readonly client: GmpClient;
  private readonly secrets = new SecretSet();
  private readonly credentials: GmpCredentialSource;
  private readonly log: ReturnType<typeof redactingLogger>;
  private readonly extra = new Set<GmpClient>();

  constructor(config: GvmConfig, deps: ConnectorDeps) {
    super(config, deps.clock);
    this.credentials = () => basicCredentials(deps.credentials, config.username, this.secrets, config.name);
    this.log = redactingLogger(deps.logger ?? silentLogger, this.secrets.list);
    this.client = this.newClient();
  }

  private clientConfig(): GmpClientConfigInput {
    const t = this.config.timeouts;
    return { target: gmpTargetOf(this.config), timeoutMs: Math.max(t.connectMs, t.headersMs, t.bodyMs) };
  }

  private newClient(): GmpClient {
    return new GmpClient(this.clientConfig(), this.credentials, this.log);
  }

  /** A client of its own for one results import (closed with `release`). */
  importClient(): { client: GmpClient; release(): void } {
    const client = this.newClient();
    this.extra.add(client);
    return {
      client,
      release: () => {
        client.close();
        this.extra.delete(client);
      },
    };
  }

  /** The filter a results import sends: QoD floor and levels from the configuration. */
  resultsFilter(): { minQod: number; levels: string } {
    return { minQod: this.config.minQod, levels: this.config.includeLog ? 'chmlg' : 'chml' };
  }

  /** Runs `fn` on a short-lived client; GMP errors become connector failures, certificates are read whole. */
  private async once<T>(fn: (c: GmpClient) => Promise<T>): Promise<T> {
    const c = this.newClient();
    try {
      return await fn(c);
    } catch (err) {
      const failure = gmpFailure(err, this.config.name);
      if (failure.failure.certificate && this.config.url.startsWith('tls:')) {
        // the GMP error carries the fingerprint; the Tools screen shows the whole certificate
        const cert = await probeCertificate(this.config.url, this.config.timeouts.connectMs).catch(() => null);
        if (cert && cert.fingerprint256 === failure.failure.certificate.fingerprint256) throw connectorFailure(failure.kind, failure.message, { certificate: cert });
      }
      throw failure;
    } finally {
      c.close();
    }
  }

  /** Version (before login, so a wrong port or product is told apart from a wrong password), then login. */
  private async session(c: GmpClient): Promise<{ version: string; role: string; timezone: string; configs: number }> {
    let version: string;
    try {
      version = await c.getVersion();
    } catch (err) {
      if (err instanceof GmpProtocolError || err instanceof GmpTimeoutError) {
        throw connectorFailure('wrong_product', `${this.config.name}: ${c.target} does not answer like gvmd's GMP (${err.message}): is this gvmd's GMP port (9390) or socket?`);
      }
      throw err;
    }
    const auth = await c.authenticate();
    const configs = (await c.listScanConfigs()).length;
    return { version, role: auth.role, timezone: auth.timezone, configs };
  }

  private details(s: { role: string; timezone: string; configs: number }): Record<string, string> {
    return {
      role: s.role || 'unknown',
      'server time zone': s.timezone || 'UTC',
      'scan configs': s.configs === 0 ? 'none (the feed is not synced yet)' : String(s.configs),
      'results imported': `QoD ≥ ${this.config.minQod}, ${this.config.includeLog ? 'critical to log' : 'critical to low'}, no false positives`,
    };
  }

  protected async check(elapsed: () => number): Promise<ConnectorTestResult> {
    return this.once(async (c) => {
      const s = await this.session(c);
      return { ok: true, product: GVM_PRODUCT, version: `GMP ${s.version}`, latencyMs: elapsed(), details: this.details(s) };
    });
  }

  /** ok; degraded when gvmd has no scan configs (no feed yet: every scan would be Interrupted). */
  protected async probe(elapsed: () => number): Promise<ProbeResult> {
    return this.once(async (c) => {
      const s = await this.session(c);
      const noFeed = s.configs === 0;
      return {
        status: noFeed ? 'degraded' : 'ok',
        version: `GMP ${s.version}`,
        latencyMs: elapsed(),
        problem: noFeed ? 'gvmd lists no scan configs: its feed has not been synced, so scans cannot run' : null,
        details: this.details(s),
      };
    });
  }

  close(): Promise<void> {
    this.client.close();
    for (const c of this.extra) c.close();
    this.extra.clear();
    return Promise.resolve();
  }
}
