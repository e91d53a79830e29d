import { ConnectorsService, type ConnectorsServiceDeps } from '../../main/core/connectors.js';
import type { Logger } from '../../main/core/logger.js';
import type { Services } from '../../main/core/services.js';
import { MemoryVault, type SecretStore } from '../../main/secrets/vault.js';
import type { WazuhSimulator } from '../simulators/wazuh/index.js';
import type { SimServer } from '../simulators/wazuh/server-kit.js';

/** A logger that keeps every line (the leak tests grep it). */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return { lines, info: put('info'), warn: put('warn'), error: put('error') };
}

/** A connectors service over test services, with a memory vault unless one is given; retries kept short. */
export function connectorsFor(s: Services, over: Partial<ConnectorsServiceDeps> & { secrets?: SecretStore } = {}): ConnectorsService {
  return new ConnectorsService({
    ...s,
    secrets: new MemoryVault(),
    processName: 'test',
    connectorDeps: { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, random: () => 0.5 },
    probeTimeoutMs: 5000,
    watchMs: 50,
    ...over,
  });
}

const FAST = { connectMs: 1000, headersMs: 1500, bodyMs: 1500 };

/** A Wazuh API connector configuration (contract input) for the simulator, pinned to its certificate. */
export function apiInput(sim: WazuhSimulator, over: Record<string, unknown> = {}) {
  return pinned(sim.apiServer, { kind: 'wazuh-api', id: 'prod', name: 'Prod manager', username: 'wazuh', ...over });
}

export function indexerInput(sim: WazuhSimulator, over: Record<string, unknown> = {}) {
  return pinned(sim.indexerServer, { kind: 'wazuh-indexer', id: 'prod-indexer', name: 'Prod indexer', username: 'admin', ...over });
}

function pinned(server: SimServer, fields: Record<string, unknown>) {
  return {
    url: server.url,
    trust: { mode: 'pin', sha256: server.cert!.fingerprint256 },
    timeouts: FAST,
    healthTtlSeconds: 5,
    ...fields,
  };
}

/** Resolves when `check` holds (polled), or fails after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
