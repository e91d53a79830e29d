import { ZapConfig } from '../../../main/contract/connectors.js';
import { SimServer, type Exchange } from '../wazuh/server-kit.js';
import { ZapSim, type ZapSimOptions } from './zap-sim.js';

export { ZapSim, zapError, ZAP_MESSAGES, type SimAlert, type ZapSimOptions } from './zap-sim.js';

/** A ZAP for one test: plain http on 127.0.0.1:0 (ZAP's default), with fault injection. */
export interface ZapSimulator {
  url: string;
  server: SimServer;
  zap: ZapSim;
  close(): Promise<void>;
}

export async function startZapSimulator(opts: ZapSimOptions & { onExchange?: (e: Exchange) => void } = {}): Promise<ZapSimulator> {
  const { onExchange, ...simOpts } = opts;
  const zap = new ZapSim(simOpts);
  const server = await new SimServer(zap.handle, { tls: false, ...(onExchange ? { onExchange } : {}) }).start();
  return { url: server.url, server, zap, close: () => server.close() };
}

/** A ZAP connector configuration pointing at a simulator. */
export function zapConfig(sim: ZapSimulator, extra: Partial<Record<string, unknown>> = {}): ZapConfig {
  return ZapConfig.parse({
    kind: 'zap',
    id: 'zap-test',
    name: 'ZAP (simulator)',
    url: sim.url,
    timeouts: { connectMs: 2000, headersMs: 3000, bodyMs: 3000 },
    ...extra,
  });
}
