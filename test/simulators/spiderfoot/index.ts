import { SpiderFootConfig } from '../../../main/contract/connectors.js';
import { SpiderFootConnector } from '../../../main/connectors/spiderfoot/connector.js';
import { staticCredentials } from '../../../main/connectors/types.js';
import type { Logger } from '../../../main/core/logger.js';
import { virtualClock } from '../wazuh/clock.js';
import { SimServer } from '../wazuh/server-kit.js';
import { SpiderFootSim, type SpiderFootSimOptions } from './sf-sim.js';

export { SpiderFootSim, pyEscape, targetType, type SimCorrelation, type SimEvent, type SimScan, type SpiderFootSimOptions, type DigestRecord } from './sf-sim.js';
export { RECORDING, recorded, NOT_FOUND_PAGE, EVENT_TYPES, type RecordedExchange } from './recorded.js';

/** A SpiderFoot for one test: plain http on 127.0.0.1:0 (SpiderFoot's default), with fault injection. */
export interface SpiderFootSimulator {
  url: string;
  server: SimServer;
  sf: SpiderFootSim;
  close(): Promise<void>;
}

export async function startSpiderFootSimulator(opts: SpiderFootSimOptions = {}): Promise<SpiderFootSimulator> {
  const sf = new SpiderFootSim(opts);
  const server = await new SimServer(sf.handle, { tls: false }).start();
  return { url: server.url, server, sf, close: () => server.close() };
}

/** A SpiderFoot connector configuration pointing at a simulator. */
export function spiderFootConfig(sim: SpiderFootSimulator, extra: Partial<Record<string, unknown>> = {}): SpiderFootConfig {
  return SpiderFootConfig.parse({
    kind: 'spiderfoot',
    id: 'sf-test',
    name: 'SpiderFoot (simulator)',
    url: sim.url,
    serverTimeZone: 'UTC',
    timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000 },
    ...extra,
  });
}

/** A simulator and a connector to it on one virtual clock, closed together. */
export interface SpiderFootHarness {
  sim: SpiderFootSimulator;
  clock: ReturnType<typeof virtualClock>;
  connector: SpiderFootConnector;
  client: SpiderFootConnector['client'];
  close(): Promise<void>;
}

export async function spiderFootHarness(
  opts: SpiderFootSimOptions = {},
  conn: { config?: Record<string, unknown>; password?: string; logger?: Logger } = {},
): Promise<SpiderFootHarness> {
  const clock = virtualClock();
  const sim = await startSpiderFootSimulator({ now: clock.now, seedRecorded: false, ...opts });
  const connector = new SpiderFootConnector(spiderFootConfig(sim, conn.config), {
    credentials: staticCredentials('admin', conn.password ?? 'unused'),
    clock,
    random: () => 0.5,
    retry: { maxAttempts: 2, baseDelayMs: 10 },
    ...(conn.logger ? { logger: conn.logger } : {}),
  });
  return {
    sim,
    clock,
    connector,
    client: connector.client,
    close: async () => {
      await connector.close();
      await sim.close();
    },
  };
}
