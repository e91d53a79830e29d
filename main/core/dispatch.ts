import { ContractError, channels, isChannelName, type CallOutcome } from '../contract/index.js';
import type { CallContext, Handlers } from './handlers.js';
import type { Logger } from './logger.js';

/**
 * The one way a transport calls a handler: check the channel exists, parse the request with the
 * channel's schema, run the handler, and turn every failure into the typed contract error.
 * Internal errors are logged here and reach the caller without stack or paths.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawRequest: unknown,
  ctx: CallContext,
  logger: Logger,
): Promise<CallOutcome<unknown>> {
  if (!isChannelName(channel)) {
    return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel: ${String(channel).slice(0, 64)}` } };
  }
  const parsed = channels[channel].request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: `invalid request for ${channel}`,
        issues: parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(request)'}: ${i.message}`),
      },
    };
  }
  try {
    const handler = handlers[channel] as (req: unknown, ctx: CallContext) => unknown;
    const result = await handler(parsed.data, ctx);
    return { ok: true, result };
  } catch (err) {
    if (err instanceof ContractError) return { ok: false, error: err.toJSON() };
    logger.error(`handler ${channel} failed`, { error: err instanceof Error ? err.message : String(err) });
    return { ok: false, error: { code: 'INTERNAL', message: `${channel} failed; see the log for details` } };
  }
}
