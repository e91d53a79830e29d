import type { SetStatusResult } from '../contract/alerts.js';
import type { FeedChannelName, FeedRequest, FeedResponse } from '../contract/feed.js';
import type { FeedService } from '../feed/service.js';
import type { SetStatusAction } from '../feed/dialects/context.js';
import { dispatch } from './dispatch.js';
import type { CallContext, Handlers } from './handlers.js';
import type { Logger } from './logger.js';

export type FeedHandler<C extends FeedChannelName> = (req: FeedRequest<C>, ctx: CallContext) => FeedResponse<C> | Promise<FeedResponse<C>>;

/** One handler per feed channel (typed like Handlers; becomes part of it once feedChannels is merged). */
export type FeedHandlers = { [C in FeedChannelName]: FeedHandler<C> };

export interface FeedHandlerDeps {
  feed: FeedService;
}

export function createFeedHandlers(deps: FeedHandlerDeps): FeedHandlers {
  const { feed } = deps;
  return {
    'feed.status': () => feed.status(),
    'feed.configure': (req, ctx) => feed.configure(req, ctx.actor),
    'feed.tokens.list': (req) => feed.listTokens(req.include_revoked),
    'feed.tokens.create': (req, ctx) => feed.createToken(req, ctx.actor),
    'feed.tokens.revoke': (req, ctx) => feed.revokeToken(req.id, ctx.actor),
  };
}

/**
 * The feed's `set_status` goes through the SAME path as the contract's alerts.setStatus: dispatch
 * (request schema) and the handler (note rule, audit entry, alerts.changed event). The actor is
 * `feed:<token name>`. Pass a getter when the handlers are built after the feed service.
 */
export function createFeedSetStatus(handlers: Handlers | (() => Handlers), logger: Logger): SetStatusAction {
  return async (req, actor) => {
    const h = typeof handlers === 'function' ? handlers() : handlers;
    const out = await dispatch(h, 'alerts.setStatus', req, { actor, transport: 'ws' }, logger);
    return out.ok ? { ok: true, alert: (out.result as SetStatusResult).alert } : { ok: false, error: { code: out.error.code, message: out.error.message } };
  };
}
