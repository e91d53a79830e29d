import type { VigilBridge } from '../../main/contract/wire.js';
import { ApiError, isErrorShape } from './errors.js';
import type { ConnectionInfo, Transport } from './transport.js';

const OPEN: ConnectionInfo = { transport: 'ipc', status: 'open', attempt: 0, retryAt: null, everConnected: true };

/** Electron: calls go through the preload bridge (window.vigil). */
export function createIpcTransport(bridge: VigilBridge): Transport {
  return {
    kind: 'ipc',
    async invoke(channel, request) {
      let outcome: unknown;
      try {
        outcome = await bridge.invoke(channel, request);
      } catch (err) {
        throw ApiError.from(err, channel);
      }
      if (typeof outcome === 'object' && outcome !== null && 'ok' in outcome) {
        const o = outcome as { ok: unknown; result?: unknown; error?: unknown };
        if (o.ok === true) return o.result;
        if (o.ok === false && isErrorShape(o.error)) throw ApiError.fromShape(o.error, channel);
      }
      throw new ApiError('TRANSPORT', 'The desktop bridge returned an unexpected answer', undefined, channel);
    },
    on(event, listener) {
      return bridge.on(event, listener);
    },
    state: () => OPEN,
    onState: () => () => {},
    reconnectNow: () => {},
    close: () => {},
  };
}
