import { ConnectorConfig, type ConnectorKind } from '../contract/connectors.js';
import { HealthMonitor } from './health.js';
import type { ConnectorDeps } from './http.js';
import { connectorFailure, failureOf, type Connector, type ConnectorHealth, type ConnectorTestResult, type CredentialSource } from './types.js';
import { WazuhApiConnector } from './wazuh/api.js';
import { WazuhIndexerConnector } from './wazuh/indexer.js';
import { SpiderFootConnector } from './spiderfoot/connector.js';
import { ZapConnector } from './zap/connector.js';
import { GvmConnector } from './gvm/connector.js';

type ConfigOf<K extends ConnectorKind> = Extract<ConnectorConfig, { kind: K }>;

/** How each kind is built: one line per tool. */
export const CONNECTOR_FACTORIES: { [K in ConnectorKind]: (config: ConfigOf<K>, deps: ConnectorDeps) => Connector } = {
  'wazuh-api': (config, deps) => new WazuhApiConnector(config, deps),
  'wazuh-indexer': (config, deps) => new WazuhIndexerConnector(config, deps),
  zap: (config, deps) => new ZapConnector(config, deps),
  spiderfoot: (config, deps) => new SpiderFootConnector(config, deps),
  gvm: (config, deps) => new GvmConnector(config, deps),
};

/** A configuration checked with the contract's schema; every problem is named in the error. */
export function parseConnectorConfig(input: unknown): ConnectorConfig {
  const parsed = ConnectorConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
  throw connectorFailure('invalid_config', `invalid connector configuration: ${issues.join('; ')}`);
}

/**
 * Builds a connector from an unvalidated configuration: it is parsed with the contract's schema
 * first, and a bad one is refused with every problem named (invalid_config).
 */
export function createConnector(input: unknown, deps: ConnectorDeps): Connector {
  const config = parseConnectorConfig(input);
  const factory = CONNECTOR_FACTORIES[config.kind] as (c: ConnectorConfig, d: ConnectorDeps) => Connector;
  return factory(config, deps);
}

/**
 * What `connectors.test` runs before a configuration is saved: validate it (every problem named),
 * build the connector, test it end to end, close it. Never throws a tool failure.
 */
export async function testConnectorConfig(input: unknown, deps: ConnectorDeps, signal?: AbortSignal): Promise<ConnectorTestResult> {
  let connector: Connector;
  try {
    connector = createConnector(input, deps);
  } catch (err) {
    return { ok: false, failure: failureOf(err), latencyMs: null };
  }
  try {
    return await connector.test(signal);
  } finally {
    await connector.close();
  }
}

interface Entry {
  connector: Connector;
  health: HealthMonitor;
}

/**
 * The live connectors, keyed by id, each with its cached health (HealthMonitor: TTL from the
 * configuration, one probe in flight per tool). Built by the composition root; credentials come
 * from `credentialsFor(id)` (the keychain), never from the configuration.
 */
export class ConnectorRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: Omit<ConnectorDeps, 'credentials'> & { credentialsFor(id: string): CredentialSource }) {}

  /** Adds or replaces a connector (the old one is closed). */
  async set(input: unknown): Promise<Connector> {
    const { credentialsFor, ...rest } = this.deps;
    const config = parseConnectorConfig(input);
    const connector = createConnector(config, { ...rest, credentials: credentialsFor(config.id) });
    await this.remove(connector.id);
    const health = new HealthMonitor((signal) => connector.health(signal), { ttlMs: config.healthTtlSeconds * 1000, ...(rest.clock ? { clock: rest.clock } : {}) });
    this.entries.set(connector.id, { connector, health });
    return connector;
  }

  get(id: string): Connector | undefined {
    return this.entries.get(id)?.connector;
  }

  list(): Connector[] {
    return [...this.entries.values()].map((e) => e.connector);
  }

  /** Cached health (probes when older than the connector's TTL). */
  health(id: string, opts: { force?: boolean } = {}): Promise<ConnectorHealth> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(connectorFailure('invalid_config', `no connector "${id}"`));
    return e.health.get(opts);
  }

  /** Background refresh of every connector's health. */
  startHealth(): void {
    for (const e of this.entries.values()) e.health.start();
  }

  async remove(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e) return;
    e.health.stop();
    this.entries.delete(id);
    await e.connector.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.remove(id)));
  }
}
