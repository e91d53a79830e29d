import { WazuhApiConfig, WazuhIndexerConfig, type TlsTrust } from '../../../main/contract/connectors.js';
import type { WazuhSimulator } from './index.js';
import type { SimServer } from './server-kit.js';

type Extra = Partial<Record<string, unknown>> & { trust?: TlsTrust };

/** The fields both connector kinds share, pinned to the server's certificate. */
function common(server: SimServer, kind: string, extra: Extra): Record<string, unknown> {
  return {
    kind,
    id: `${kind}-test`,
    name: `${kind} (simulator)`,
    url: server.url,
    trust: server.cert ? { mode: 'pin', sha256: server.cert.fingerprint256 } : { mode: 'system' },
    timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000 },
    ...extra,
  };
}

/** Connector configurations pointing at a simulator, pinned to its certificates by default. */
export function apiConfig(sim: WazuhSimulator, extra: Extra = {}): WazuhApiConfig {
  return WazuhApiConfig.parse({ username: 'wazuh', ...common(sim.apiServer, 'wazuh-api', extra) });
}

export function indexerConfig(sim: WazuhSimulator, extra: Extra = {}): WazuhIndexerConfig {
  return WazuhIndexerConfig.parse({ username: 'admin', ...common(sim.indexerServer, 'wazuh-indexer', extra) });
}
