import { dispatch } from '../../main/core/dispatch.js';
import type { CallContext, Handlers } from '../../main/core/handlers.js';
import { silentLogger } from '../../main/core/logger.js';

/** Calls a channel through dispatch (schemas, errors) as `actor`; throws "channel: CODE message" on failure. */
export async function callAs(h: Handlers, channel: string, req: unknown, actor = 'ana', transport: CallContext['transport'] = 'test') {
  const out = await dispatch(h, channel, req, { actor, transport }, silentLogger);
  if (!out.ok) throw new Error(`${channel}: ${out.error.code} ${out.error.message} ${out.error.issues?.join('; ') ?? ''}`);
  return out.result as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests check the fields they use
}

/** Polls until `pred` returns something (every 5 ms); rejects after `ms`. */
export function waitFor<T>(pred: () => T | undefined, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      const v = pred();
      if (v !== undefined) return resolve(v);
      if (Date.now() - t0 > ms) return reject(new Error('timed out'));
      setTimeout(tick, 5);
    };
    tick();
  });
}
