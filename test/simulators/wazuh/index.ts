import { WazuhApiSim, type ApiSimOptions } from './api-sim.js';
import { makeAgents, makeAlertKeys, type SimAgent } from './data.js';
import { IndexerSim, type IndexerSimOptions } from './indexer-sim.js';
import { SimServer, type Exchange } from './server-kit.js';

export { FaultQueue, type Fault } from './server-kit.js';
export { makeAgents, makeAlertKeys, tavernAgents, type SimAgent, type AlertKey } from './data.js';

/**
 * One Wazuh deployment for one test: the server API and the indexer, each on its own
 * https listener on 127.0.0.1 (port 0) with its own self-signed certificate, seeded agents and
 * alerts, and fault injection on both. Close it at the end of the test.
 */
export interface WazuhSimulatorOptions {
  /** Agents besides the manager (default 20), or a prepared list (e.g. tavernAgents()). */
  agents?: number | SimAgent[];
  /** Alerts in the indexer (default 0), spread over [alertsFrom, alertsTo). */
  alerts?: number;
  alertsFrom?: number;
  alertsTo?: number;
  seed?: number;
  /** https (default) or plain http. */
  tls?: boolean;
  api?: Omit<ApiSimOptions, 'agents' | 'now'>;
  indexer?: Omit<IndexerSimOptions, 'agents' | 'now'>;
  /** Shared clock of both servers (JWT expiry, rate-limit window, PIT keep-alive). */
  now?: () => number;
  /** Called with every exchange that was not a fault (the spec validator listens here). */
  onApiExchange?: (e: Exchange) => void;
  onIndexerExchange?: (e: Exchange) => void;
}

export interface WazuhSimulator {
  apiUrl: string;
  indexerUrl: string;
  /** Listeners: certificates, faults, request counts, swapCertificate(). */
  apiServer: SimServer;
  indexerServer: SimServer;
  /** State: agents, actions, logins, token settings; stored alerts, PITs. */
  api: WazuhApiSim;
  indexer: IndexerSim;
  close(): Promise<void>;
}

export async function startWazuhSimulator(opts: WazuhSimulatorOptions = {}): Promise<WazuhSimulator> {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? 1;
  const agents = Array.isArray(opts.agents) ? opts.agents : makeAgents(opts.agents ?? 20, seed, now());
  const api = new WazuhApiSim({ ...opts.api, agents, now });
  const indexer = new IndexerSim({ ...opts.indexer, agents, now });
  if (opts.alerts) {
    const to = opts.alertsTo ?? now() - 60_000;
    const from = opts.alertsFrom ?? to - 23 * 3_600_000;
    indexer.add(makeAlertKeys(opts.alerts, from, to, seed));
  }
  const tls = opts.tls ?? true;
  const apiServer = await new SimServer(api.handle, { tls, ...(opts.onApiExchange ? { onExchange: opts.onApiExchange } : {}) }).start();
  const indexerServer = await new SimServer(indexer.handle, { tls, ...(opts.onIndexerExchange ? { onExchange: opts.onIndexerExchange } : {}) }).start();
  return {
    apiUrl: apiServer.url,
    indexerUrl: indexerServer.url,
    apiServer,
    indexerServer,
    api,
    indexer,
    close: async () => {
      await Promise.all([apiServer.close(), indexerServer.close()]);
    },
  };
}
